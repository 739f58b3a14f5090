// Browser push: the "Turn on notifications" control on My tickets. It asks
// for permission, registers the service worker (sw.js), subscribes with the
// server's VAPID key and posts the subscription with the page's CSRF token.
// Without JavaScript, or in a browser without push, the control stays hidden.
(function () {
  'use strict';
  var button = document.getElementById('push-enable');
  var status = document.getElementById('push-status');
  if (!button || !('serviceWorker' in navigator) || !('PushManager' in window) ||
      !('Notification' in window) || !window.fetch) {
    return;
  }
  button.hidden = false;

  function say(text) {
    status.textContent = text;
    status.hidden = false;
  }

  // keyBytes decodes base64url, as PushManager.subscribe wants the key.
  function keyBytes(b64) {
    var s = b64.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    s += '===='.slice(0, (4 - s.length % 4) % 4);
    var raw = atob(s);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      out[i] = raw.charCodeAt(i);
    }
    return out;
  }

  // active resolves once the registration has an active worker (subscribe
  // needs one; the page is outside the worker's scope, so
  // navigator.serviceWorker.ready would never resolve).
  function active(reg) {
    if (reg.active) {
      return Promise.resolve(reg);
    }
    var worker = reg.installing || reg.waiting;
    return new Promise(function (resolve, reject) {
      worker.addEventListener('statechange', function () {
        if (worker.state === 'activated') {
          resolve(reg);
        } else if (worker.state === 'redundant') {
          reject(new Error('service worker failed'));
        }
      });
    });
  }

  function subscribe(reg) {
    return reg.pushManager.getSubscription().then(function (sub) {
      return sub || reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(button.dataset.key)
      });
    });
  }

  function save(sub) {
    return fetch(button.dataset.subscribe, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': button.dataset.csrf },
      body: JSON.stringify(sub)
    }).then(function (resp) {
      if (!resp.ok) {
        throw new Error('HTTP ' + resp.status);
      }
    });
  }

  // within fails p after ms: a browser that cannot reach its push service
  // may never settle subscribe, and the visitor should hear something.
  function within(ms, p) {
    return Promise.race([p, new Promise(function (resolve, reject) {
      setTimeout(function () {
        reject(new Error('timed out'));
      }, ms);
    })]);
  }

  function turnOn() {
    return Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') {
        say(button.dataset.denied);
        return;
      }
      return within(20000, navigator.serviceWorker.register(button.dataset.worker)
        .then(active).then(subscribe).then(save)).then(function () {
          say(button.dataset.enabled);
        });
    });
  }

  button.addEventListener('click', function () {
    button.disabled = true;
    turnOn().catch(function () {
      say(button.dataset.failed);
    }).then(function () {
      button.disabled = false;
    });
  });
}());

// Live updates for the agent pages. The page's element with
// data-live-events names the Server-Sent Events stream; on each "change"
// event the page's fragment (?fragment=NAME) is fetched and the element
// whose id is data-live-target (default "queue-live") is replaced by the
// fresh one. Without JavaScript a reload shows the same.
(function () {
  'use strict';
  var root = document.querySelector('[data-live-events]');
  if (!root || !window.EventSource || !window.fetch || !window.DOMParser) {
    return;
  }
  var targetID = root.getAttribute('data-live-target') || 'queue-live';
  var fragment = root.getAttribute('data-live-fragment');
  var busy = false;
  var again = false;

  // data-live-url is the page's own address when the page answers a form
  // (its URL is then the form's action).
  function fragmentURL() {
    var u = new URL(root.getAttribute('data-live-url') || window.location.href, window.location.href);
    u.hash = '';
    u.searchParams.delete('done');
    u.searchParams.set('fragment', fragment);
    return u.toString();
  }

  // swap replaces the live part and, on a ticket page, moves the forms'
  // version on: the agent is looking at the change.
  function swap(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var fresh = doc.getElementById(targetID);
    var old = document.getElementById(targetID);
    if (!fresh || !old) {
      return;
    }
    old.replaceWith(document.adoptNode(fresh));
    var version = fresh.getAttribute('data-version');
    if (version) {
      document.querySelectorAll('input[name="version"]').forEach(function (input) {
        input.value = version;
      });
    }
    document.dispatchEvent(new CustomEvent('live:updated', {detail: {target: targetID}}));
  }

  function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    fetch(fragmentURL(), {credentials: 'same-origin', headers: {'Accept': 'text/html'}})
      .then(function (r) {
        if (!r.ok) {
          throw new Error('live: fragment ' + r.status);
        }
        return r.text();
      })
      .then(swap)
      .catch(function () { /* the next change or a reload catches up */ })
      .then(function () {
        busy = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  var opened = false;
  var source = new EventSource(root.getAttribute('data-live-events'));
  source.addEventListener('change', refresh);
  source.addEventListener('open', function () {
    // After a reconnect, changes may have been missed.
    if (opened) {
      refresh();
    }
    opened = true;
  });
}());

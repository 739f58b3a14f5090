// The stale guard of the agent's ticket page: a customer's message that a
// live update brings while the page is open is highlighted, and the first
// press of reply, ask-for-details or resolve after it only asks for a
// confirmation (a second press sends). Without JavaScript the server's
// version check refuses a stale send instead.
(function () {
  'use strict';
  var form = document.getElementById('act-form');
  var warning = document.getElementById('stale-warning');
  if (!form || !warning) {
    return;
  }
  var seen = {};
  document.querySelectorAll('li.message[id]').forEach(function (m) { seen[m.id] = true; });
  var fresh = {};
  var unconfirmed = false;

  // Each update replaces the thread: the highlight is put back every time.
  document.addEventListener('live:updated', function () {
    document.querySelectorAll('li.message[id]').forEach(function (m) {
      if (!seen[m.id]) {
        seen[m.id] = true;
        if (m.classList.contains('from-customer')) {
          fresh[m.id] = true;
          unconfirmed = true;
          warning.hidden = true;
        }
      }
      if (fresh[m.id]) {
        m.classList.add('fresh');
      }
    });
  });

  var guarded = {reply: true, request_info: true, resolve: true};
  form.addEventListener('submit', function (ev) {
    var button = ev.submitter;
    if (!unconfirmed || !button || !guarded[button.value]) {
      return;
    }
    ev.preventDefault();
    unconfirmed = false;
    warning.hidden = false;
    var first = document.querySelector('li.message.fresh');
    if (first) {
      first.scrollIntoView({block: 'center'});
    }
  });
}());

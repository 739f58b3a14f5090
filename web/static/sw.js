// Service worker for browser push alerts. A push carries only which ticket
// changed, why, and the signed link to it (never message content); it is
// shown as a notification, and a click opens the link, which lands on the
// ticket page behind the usual session or emailed-code check.
'use strict';

self.addEventListener('push', function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  var options = { body: data.body || '', data: { url: data.url || '' } };
  if (data.tag) {
    options.tag = data.tag; // a newer alert about the same ticket replaces the older one
  }
  event.waitUntil(self.registration.showNotification(data.title || 'Support', options));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var raw = event.notification.data && event.notification.data.url;
  if (!raw) {
    return;
  }
  var url = new URL(raw, self.location.origin);
  if (url.origin !== self.location.origin) {
    return; // only our own pages
  }
  event.waitUntil(self.clients.openWindow(url.href));
});

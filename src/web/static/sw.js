// The guardian app's service worker. It keeps no page and no data on the phone (children's records must not
// linger in a cache): pages come from the network, and when there is none the app says so instead of the
// browser's error page. It shows push notifications (decrypted by the browser) and opens the notice when one is
// tapped.
'use strict';
var OFFLINE = '<!doctype html><html lang="ja"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1"><title>ただいま</title></head>' +
  '<body style="font-family: sans-serif; padding: 1rem; line-height: 1.6">' +
  '<h1>インターネットにつながっていません</h1><p>電波のよいところで、もう一度開いてください。</p>' +
  '<p lang="en">You are offline. Please try again when you have a connection.</p></body></html>';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener('fetch', function (event) {
  if (event.request.mode !== 'navigate') return;
  event.respondWith(fetch(event.request).catch(function () {
    return new Response(OFFLINE, { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  }));
});

self.addEventListener('push', function (event) {
  var notice = {};
  try { notice = event.data ? event.data.json() : {}; } catch (e) { notice = {}; }
  event.waitUntil(self.registration.showNotification(notice.title || 'ただいま', {
    body: notice.body || '',
    tag: notice.tag,
    data: { url: notice.url || '/family/inbox' }
  }));
});
self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || '/family/inbox';
  if (url.charAt(0) !== '/') url = '/family/inbox';
  event.waitUntil(self.clients.openWindow(url));
});

// The guardian app: registers the service worker (which answers "offline" when there is no network and shows
// push notifications), and on the settings page turns push on or off for this phone.
(function () {
  'use strict';
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/family/sw.js', { scope: '/family' }).then(function () {
    document.documentElement.dataset.sw = 'registered';
  }, function () {
    document.documentElement.dataset.sw = 'failed';
  });

  var box = document.getElementById('push');
  if (!box) return;
  var status = box.querySelector('[data-push-status]');
  var on = box.querySelector('[data-push="on"]');
  var off = box.querySelector('[data-push="off"]');
  function say(label) { status.textContent = box.dataset['label' + label]; }
  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    say(subscribed ? 'Enabled' : 'Disabled');
  }
  if (!('PushManager' in window) || !('Notification' in window)) {
    say('Unsupported');
    return;
  }
  // The server's public key (base64url) as the bytes the browser wants.
  function keyBytes(text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(b64 + '==='.slice((b64.length + 3) % 4));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }
  function post(url, fields) {
    fields._csrf = box.dataset.csrf;
    return fetch(url, { method: 'POST', body: new URLSearchParams(fields), credentials: 'same-origin' })
      .then(function (r) {
        if (r.ok) return r.json();
        // The server says why in the page's language (this phone is another family member's, say).
        return r.json().then(function (j) { var e = new Error('HTTP ' + r.status); e.text = j.error; throw e; });
      });
  }
  function failed(e) {
    if (e && e.text) status.textContent = e.text; else say('Failed');
  }
  navigator.serviceWorker.ready.then(function (reg) {
    return reg.pushManager.getSubscription();
  }).then(function (sub) { show(!!sub); }, function () { say('Unsupported'); });

  on.addEventListener('click', function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') { say('Denied'); return null; }
      return navigator.serviceWorker.ready.then(function (reg) {
        return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapidKey) });
      }).then(function (sub) {
        var json = sub.toJSON();
        return post('/family/push/subscribe', { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth });
      }).then(function () { show(true); });
    }).catch(failed);
  });
  off.addEventListener('click', function () {
    navigator.serviceWorker.ready.then(function (reg) {
      return reg.pushManager.getSubscription();
    }).then(function (sub) {
      if (!sub) return show(false);
      return post('/family/push/unsubscribe', { endpoint: sub.endpoint }).then(function () {
        return sub.unsubscribe();
      }).then(function () { show(false); });
    }).catch(failed);
  });
})();

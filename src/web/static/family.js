// Makes the guardian app installable: registers the service worker (which only answers "offline" when there is
// no network), where the browser has them.
(function () {
  'use strict';
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/family/sw.js', { scope: '/family' }).then(function () {
    document.documentElement.dataset.sw = 'registered';
  }, function () {
    document.documentElement.dataset.sw = 'failed';
  });
})();

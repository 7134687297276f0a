// The family pass: its QR code is good for a minute, so the page fetches a fresh one while it is open (and at once
// when the phone wakes the page again), and a photo or screenshot of it is soon of no use.
(function () {
  'use strict';
  var img = document.querySelector('img[data-refresh-seconds]');
  if (!img) return;
  var base = img.getAttribute('src');
  function refresh() { img.src = base + '?t=' + Date.now(); }
  setInterval(refresh, Number(img.dataset.refreshSeconds) * 1000);
  document.addEventListener('visibilitychange', function () { if (!document.hidden) refresh(); });
})();

// The roll-call on several tablets at once: when another carer confirms or hands over a child, that child's item and
// the progress line are fetched again and replaced (never the item being worked on here); a closed roll-call
// reloads the page.
(function () {
  'use strict';
  var list = document.getElementById('rollcall');
  if (!list || !list.dataset.events || !window.EventSource || !window.fetch) return;
  function refresh(child) {
    fetch(window.location.pathname + window.location.search, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var progress = doc.querySelector('[data-qa="rollcall-progress"]');
        var here = document.querySelector('[data-qa="rollcall-progress"]');
        if (progress && here) here.textContent = progress.textContent;
        if (!doc.querySelector('[data-qa="rollcall-close"]') && document.querySelector('[data-qa="rollcall-close"]')) {
          window.location.reload();
          return;
        }
        var fresh = doc.getElementById('c' + child);
        var old = document.getElementById('c' + child);
        if (fresh && old && !old.contains(document.activeElement)) old.replaceWith(fresh);
        list.dataset.updated = String(Number(list.dataset.updated || 0) + 1);
      })
      .catch(function () {});
  }
  var source = new EventSource(list.dataset.events);
  source.addEventListener('rollcall', function (e) { refresh(JSON.parse(e.data).child); });
})();

// The city's overview, live: the stream says which sites changed (never what), and the page asks for those sites'
// figures at most every two seconds, so a thousand scans a second cost one small request per open screen per two
// seconds. On reconnecting, every site is asked for again (what changed while the stream was down). Figures the
// server gave as behind (the site changed since they were drawn, a fresh drawing follows shortly) are asked again.
(function () {
  'use strict';
  var root = document.getElementById('overview');
  if (!root || !root.dataset.events || !window.EventSource || !window.fetch) return;
  var status = root.querySelector('.live-status');
  var pending = {};
  (root.dataset.behind || '').split(',').forEach(function (id) { if (id) pending[id] = true; });
  var all = false;
  var busy = false;

  function tile(id) { return root.querySelector('.site-tile[data-site="' + id + '"]'); }

  function retotal() {
    ['in', 'expected', 'left', 'absent', 'alerted'].forEach(function (k) {
      var el = root.querySelector('[data-total="' + k + '"]');
      if (!el) return;
      var sum = 0;
      root.querySelectorAll('.site-tile [data-field="' + k + '"]').forEach(function (f) { sum += Number(f.textContent) || 0; });
      el.textContent = String(sum);
    });
  }

  function apply(f) {
    var li = tile(f.site);
    if (!li) return;
    Object.keys(f).forEach(function (k) {
      var el = li.querySelector('[data-field="' + k + '"]');
      if (el) el.textContent = String(f[k]);
      var shown = li.querySelector('[data-show="' + k + '"]');
      if (shown) shown.hidden = !f[k];
    });
    li.classList.toggle('has-alert', f.alerted > 0);
    li.classList.toggle('has-rollcall', !!f.rollcall);
  }

  function flush() {
    var ids = Object.keys(pending);
    if (busy || (!all && ids.length === 0)) return;
    var url = root.dataset.figures + (all ? '' : (root.dataset.figures.indexOf('?') < 0 ? '?' : '&') + 'sites=' + ids.join(','));
    pending = {};
    all = false;
    busy = true;
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        body.sites.forEach(function (f) {
          apply(f);
          if (f.behind) pending[f.site] = true;
        });
        retotal();
        var asOf = document.querySelector('[data-qa="as-of"]');
        if (asOf) asOf.textContent = body.now;
        root.dataset.updated = String(Number(root.dataset.updated || 0) + 1);
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  setInterval(flush, 2000);

  var source = new EventSource(root.dataset.events);
  var opened = false;
  source.addEventListener('site', function (e) { pending[JSON.parse(e.data).site] = true; });
  source.addEventListener('open', function () {
    if (opened) all = true;  // back after a break: ask for everything once
    opened = true;
    status.hidden = true;
    root.dataset.live = 'open';
  });
  source.addEventListener('error', function () { status.hidden = false; root.dataset.live = 'reconnecting'; });
})();

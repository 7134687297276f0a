// The live roster: each committed entry or exit arrives as a server-sent event and updates its row and the counts
// without a reload. EventSource reconnects by itself and sends the last event id, so the server sends what was
// missed while the connection was down.
(function () {
  'use strict';
  var root = document.getElementById('roster');
  if (!root || !window.EventSource) return;
  var status = root.querySelector('.live-status');
  var filter = (new URLSearchParams(window.location.search)).get('state') || '';

  // Each row stands in exactly one place (here, gone home, not arrived, absent, no plan); the counts add up.
  function recount() {
    var counts = { in: 0, left: 0, expected: 0, absent: 0, no_plan: 0 };
    root.querySelectorAll('tr[data-child]').forEach(function (tr) { counts[tr.dataset.standing] += 1; });
    Object.keys(counts).forEach(function (k) {
      var el = root.querySelector('[data-count="' + k + '"]');
      if (el) el.textContent = String(counts[k]);
    });
  }

  function apply(change) {
    var tr = root.querySelector('tr[data-child="' + change.child + '"]');
    if (!tr) return;  // not on this page (another group)
    // Marks decide first; without any, the child stands where its plan put it.
    var standing = change.state === 'not_arrived' ? tr.dataset.base : change.state;
    tr.dataset.state = change.state;
    tr.dataset.standing = standing;
    tr.classList.remove('standing-in', 'standing-left', 'standing-expected', 'standing-absent', 'standing-no_plan');
    tr.classList.add('standing-' + standing);
    var label = tr.querySelector('[data-field="state"]');
    // data-label-no_plan → dataset.labelNo_plan
    label.textContent = root.dataset['label' + standing.charAt(0).toUpperCase() + standing.slice(1)] || standing;
    label.className = 'pill pill-' + standing;
    tr.querySelector('[data-field="in_at"]').textContent = change.in_at;
    tr.querySelector('[data-field="out_at"]').textContent = change.out_at;
    var button = tr.querySelector('[data-field="button"]');
    if (button) {
      var inside = change.state === 'in';
      button.value = inside ? 'out' : 'in';
      button.firstChild.textContent = inside ? root.dataset.labelCheckOut : root.dataset.labelCheckIn;
    }
    recount();
  }

  // Name search as the carer types (the form still works without this, on the server).
  var search = document.getElementById('roster-q');
  if (search) {
    search.addEventListener('input', function () {
      var q = search.value.trim();
      root.querySelectorAll('tr[data-child]').forEach(function (tr) {
        var byState = !filter || filter === tr.dataset.standing || (filter === 'alert' && tr.classList.contains('alerted'));
        tr.hidden = !(byState && (!q || tr.querySelector('th').textContent.indexOf(q) !== -1));
      });
    });
  }

  // The alert sound (alarm.js): its button, and a beep for every alert that arrives and those open on loading.
  var beep = window.tadaimaAlarm.beep;
  window.tadaimaAlarm.bind(root.querySelector('[data-sound]'), root);
  if (root.querySelector('tr.alerted')) beep();

  // An alert raised while the page is open (the server's sweep): the row turns red with the alert's words and the
  // banner asks for a reload, which brings the alert to the top with the family's phone and what to record.
  function alertRaised(a) {
    var tr = root.querySelector('tr[data-child="' + a.child + '"]');
    if (!tr || tr.querySelector('[data-alert="' + a.kind + '"]')) return;
    tr.classList.add('alerted');
    var badge = document.createElement('strong');
    badge.className = 'badge alert';
    badge.dataset.alert = a.kind;
    // data-alert-not-arrived → dataset.alertNotArrived: the label in the page's language.
    badge.textContent = root.dataset['alert' + a.kind.split('_').map(function (w) {
      return w.charAt(0).toUpperCase() + w.slice(1);
    }).join('')] || a.kind;
    tr.querySelector('[data-field="state"]').parentNode.appendChild(badge);
    root.querySelector('[data-qa="live-alerts"]').hidden = false;
    beep();
  }

  var source = new EventSource(root.dataset.events);
  source.addEventListener('state', function (e) { apply(JSON.parse(e.data)); });
  source.addEventListener('alert', function (e) { alertRaised(JSON.parse(e.data)); });
  source.addEventListener('open', function () { status.hidden = true; root.dataset.live = 'open'; });
  source.addEventListener('error', function () { status.hidden = false; root.dataset.live = 'reconnecting'; });
})();

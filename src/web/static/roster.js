// The live roster: each committed entry or exit arrives as a server-sent event and updates its row and the counts
// without a reload. EventSource reconnects by itself and sends the last event id, so the server sends what was
// missed while the connection was down.
(function () {
  'use strict';
  var root = document.getElementById('roster');
  if (!root || !window.EventSource) return;
  var labels = {
    in: root.dataset.labelIn, left: root.dataset.labelLeft, not_arrived: root.dataset.labelNotArrived
  };
  var status = root.querySelector('.live-status');

  function recount() {
    var counts = { in: 0, left: 0, not_arrived: 0 };
    root.querySelectorAll('tr[data-child]').forEach(function (tr) { counts[tr.dataset.state] += 1; });
    Object.keys(counts).forEach(function (k) {
      var el = root.querySelector('[data-count="' + k + '"]');
      if (el) el.textContent = String(counts[k]);
    });
  }

  function apply(change) {
    var tr = root.querySelector('tr[data-child="' + change.child + '"]');
    if (!tr) return;  // not on this page (another group)
    tr.dataset.state = change.state;
    tr.className = 'state-' + change.state;
    tr.querySelector('[data-field="state"]').textContent = labels[change.state] || change.state;
    tr.querySelector('[data-field="in_at"]').textContent = change.in_at;
    tr.querySelector('[data-field="out_at"]').textContent = change.out_at;
    var direction = tr.querySelector('[data-field="direction"]');
    var button = tr.querySelector('[data-field="button"]');
    if (direction && button) {
      var inside = change.state === 'in';
      direction.value = inside ? 'out' : 'in';
      button.firstChild.textContent = inside ? root.dataset.labelCheckOut : root.dataset.labelCheckIn;
    }
    recount();
  }

  var source = new EventSource(root.dataset.events);
  source.addEventListener('state', function (e) { apply(JSON.parse(e.data)); });
  source.addEventListener('open', function () { status.hidden = true; root.dataset.live = 'open'; });
  source.addEventListener('error', function () { status.hidden = false; root.dataset.live = 'reconnecting'; });
})();

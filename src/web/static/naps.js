// Nap checks on a class tablet: each sleeping child counts down to its next check by the server's clock; a check that
// falls due turns amber, one overdue by a minute turns red and beeps (once the carer has turned the sound on, as on
// the roster). Another tablet's check, a start or a waking arrives on the site's live feed and the list is reloaded,
// unless the carer has children ticked (then once they are done).
(function () {
  'use strict';
  var root = document.getElementById('naps');
  if (!root || !root.dataset.events) return;
  // The server's time when the page was drawn, against this tablet's: a wrong tablet clock does not shift the dues.
  var offset = Date.parse(root.dataset.now) - Date.now();
  var beep = window.tadaimaAlarm.beep;  // alarm.js, with its button
  window.tadaimaAlarm.bind(root.querySelector('[data-sound]'), root);

  var GRACE = 60 * 1000;
  var stale = false;
  function tick() {
    var now = Date.now() + offset;
    var newlyOverdue = false;
    root.querySelectorAll('li[data-due]').forEach(function (li) {
      var due = Date.parse(li.dataset.due);
      var state = now < due ? 'waiting' : now < due + GRACE ? 'due' : 'overdue';
      if (li.dataset.state === state) return;
      if (state === 'overdue' && li.dataset.state !== undefined) newlyOverdue = true;
      li.dataset.state = state;
      li.classList.remove('nap-waiting', 'nap-due', 'nap-overdue');
      li.classList.add('nap-' + state);
      li.querySelector('[data-field="state"]').textContent =
        root.dataset['label' + state.charAt(0).toUpperCase() + state.slice(1)];
    });
    if (newlyOverdue || (root.dataset.beeped !== 'yes' && root.querySelector('li.nap-overdue'))) {
      root.dataset.beeped = 'yes';
      beep();
    }
    if (stale && !root.querySelector('input[type="checkbox"]:checked')) window.location.reload();
  }
  tick();
  window.setInterval(tick, 5000);

  var status = root.querySelector('.live-status');
  var source = new EventSource(root.dataset.events);
  // Another tablet's start, check or waking changes the list; the sweep's record of an overdue check changes
  // nothing this page does not show already (it counts down by itself).
  source.addEventListener('nap', function (e) {
    if (JSON.parse(e.data).change !== 'overdue') stale = true;
    tick();
  });
  source.addEventListener('open', function () { status.hidden = true; root.dataset.live = 'open'; });
  source.addEventListener('error', function () { status.hidden = false; root.dataset.live = 'reconnecting'; });
})();

// The message form: as the sender chooses who it goes to, the box above the subject says again how many families
// it reaches and how many it cannot (from the reach page, which also works on its own).
(function () {
  'use strict';
  var box = document.querySelector('[data-qa="reach"][data-reach-base]');
  var form = box && box.closest('form');
  if (!form || !window.fetch || !window.DOMParser) return;
  var pending = 0;

  function query() {
    var q = new URLSearchParams();
    var scope = form.querySelector('input[name="scope"]:checked');
    if (scope) q.set('scope', scope.value);
    ['grade', 'group', 'child', 'site'].forEach(function (name) {
      form.querySelectorAll('input[name="' + name + '"]:checked').forEach(function (el) { q.append(name, el.value); });
    });
    var emergency = form.querySelector('input[name="emergency"]');
    if (emergency && emergency.checked) q.set('emergency', '1');
    return q.toString();
  }

  function refresh() {
    var url = box.dataset.reachBase + '?' + query();
    var mine = ++pending;
    fetch(url, { credentials: 'same-origin' }).then(function (res) {
      return res.ok ? res.text() : null;
    }).then(function (html) {
      if (!html || mine !== pending) return;  // an older answer, or a choice not complete yet
      var doc = new DOMParser().parseFromString(html, 'text/html');
      var fresh = doc.querySelector('[data-qa="reach"]');
      if (!fresh) return;
      var line = box.querySelector('[data-qa="reach-line"]');
      line.textContent = fresh.querySelector('[data-qa="reach-line"]').textContent;
      var missing = box.querySelector('.reach-missing');
      if (missing) missing.remove();
      if (Number(fresh.dataset.unreached) > 0) {
        var p = document.createElement('p');
        p.className = 'reach-missing';
        var strong = document.createElement('strong');
        strong.dataset.qa = 'reach-unreached';
        strong.textContent = fresh.querySelector('.reach-missing strong').textContent;
        var a = document.createElement('a');
        a.href = url;
        a.target = '_blank';
        a.dataset.qa = 'reach-list';
        a.textContent = box.dataset.listLabel;
        p.appendChild(strong);
        p.appendChild(document.createTextNode(' '));
        p.appendChild(a);
        box.appendChild(p);
      }
    }).catch(function () { /* the box keeps what it said; sending checks again on the server */ });
  }

  form.addEventListener('change', function (e) {
    if (/^(scope|grade|group|child|site|emergency)$/.test(e.target.name)) refresh();
  });
})();

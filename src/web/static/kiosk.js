// The kiosk by the door. A USB barcode reader types the card's payload and Enter anywhere on the page (no field to
// focus); the camera reads it with the browser's BarcodeDetector where there is one, else with zxing-wasm served
// from this server. Every scan is first kept in IndexedDB with its real time and an id made here, then sent; what
// cannot be sent (offline, server down) waits and is sent in scan order when the network returns. The server
// records each id once, so sending twice is harmless.
(function () {
  'use strict';
  var root = document.getElementById('kiosk');
  if (!root) return;
  var scanUrl = root.dataset.scanUrl;
  var result = root.querySelector('.kiosk-result');
  var queueInfo = root.querySelector('.kiosk-queue');
  var text = {};
  document.querySelectorAll('#kiosk-messages li').forEach(function (li) { text[li.dataset.key] = li.textContent; });

  // --- the queue and the names, in IndexedDB ------------------------------------------------------------------
  // 'scans': what waits to be sent. 'names': card number -> the child's name, so that the screen names the child
  // while the network is down (the server still checks every card when the scan is sent).
  var dbPromise = new Promise(function (resolve, reject) {
    var req = indexedDB.open('tadaima-kiosk', 2);
    req.onupgradeneeded = function () {
      var db = req.result;
      if (!db.objectStoreNames.contains('scans')) db.createObjectStore('scans', { keyPath: 'scan_id' });
      if (!db.objectStoreNames.contains('names')) db.createObjectStore('names', { keyPath: 'card' });
    };
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { reject(req.error); };
  });
  function store(name, mode, fn) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var out = fn(tx.objectStore(name));
        tx.oncomplete = function () { resolve(out && out.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function keep(scan) { return store('scans', 'readwrite', function (s) { s.put(scan); }); }
  function drop(id) { return store('scans', 'readwrite', function (s) { s.delete(id); }); }
  function waiting() { return store('scans', 'readonly', function (s) { return s.getAll(); }); }

  var names = {};
  store('names', 'readonly', function (s) { return s.getAll(); }).then(function (all) {
    (all || []).forEach(function (n) { names[n.card] = n; });
  }).catch(function () {});
  function replaceNames(list) {
    return store('names', 'readwrite', function (s) {
      s.clear();
      list.forEach(function (n) { s.put(n); });
    }).then(function () {
      names = {};
      list.forEach(function (n) { names[n.card] = n; });
      root.dataset.names = String(list.length);
    });
  }
  // The names of the site's children, fetched when the page opens, every half hour and when the network returns.
  var directoryUrl = root.dataset.directoryUrl;
  function refreshNames() {
    return fetch(directoryUrl, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (res) {
        if (res.status === 401 || res.status === 403) return replaceNames([]);  // revoked: forget them
        if (!res.ok) return null;
        return res.json().then(function (body) {
          return replaceNames(body.cards.map(function (c) { return { card: c.card, name: c.name, kana: c.kana }; }));
        });
      }).catch(function () {});
  }
  // "TD1-42-…": the card's number, looked up in the names kept on this device.
  function nameOf(card) {
    var m = /^TD1-(\d+)-/i.exec(card);
    return m ? names[Number(m[1])] : undefined;
  }

  function newId() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }

  // 'HH:MM' in Tokyo, as the server writes a scan's time.
  function clock(iso) {
    return new Intl.DateTimeFormat('ja-JP', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .format(new Date(iso));
  }

  // --- what the screen and the speaker say -------------------------------------------------------------------------
  var audio = null;
  function beep(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var notes = kind === 'in' ? [660, 880] : kind === 'out' ? [880, 660] : kind === 'queued' ? [520, 520] : [220, 180];
      notes.forEach(function (f, i) {
        var o = audio.createOscillator();
        var g = audio.createGain();
        o.frequency.value = f;
        g.gain.value = 0.2;
        o.connect(g);
        g.connect(audio.destination);
        o.start(audio.currentTime + i * 0.15);
        o.stop(audio.currentTime + i * 0.15 + 0.13);
      });
    } catch (e) { /* no sound on this device: the screen still says it */ }
  }
  // A word in kanji with its reading above it (furigana), for the youngest children; just the word when the page's
  // language has no reading for it.
  function withReading(el, word, reading) {
    el.textContent = '';
    if (!word) return;
    if (!reading) { el.textContent = word; return; }
    var ruby = document.createElement('ruby');
    ruby.appendChild(document.createTextNode(word));
    var rt = document.createElement('rt');
    rt.textContent = reading;
    ruby.appendChild(rt);
    el.appendChild(ruby);
  }
  // What the screen shows; after a result it returns to the waiting screen by itself, so the next child never sees
  // the last one's name.
  var resetAfter = Number(root.dataset.resetSeconds || 6) * 1000;
  var resetTimer = null;
  function show(state, headline, name, kana, time, direction) {
    result.hidden = false;
    result.dataset.state = state;
    result.querySelector('.kiosk-direction').textContent = headline;
    var mark = result.querySelector('.kiosk-mark');
    if (direction === 'in') withReading(mark, text.kiosk_mark_in, text.kiosk_mark_in_reading);
    else if (direction === 'out') withReading(mark, text.kiosk_mark_out, text.kiosk_mark_out_reading);
    else mark.textContent = '';
    withReading(result.querySelector('.kiosk-name'), name, kana);
    result.querySelector('.kiosk-time').textContent = time || '';
    if (resetTimer) clearTimeout(resetTimer);
    resetTimer = null;
    if (state !== 'ready' && state !== 'sending') {
      resetTimer = setTimeout(function () { show('ready', text.kiosk_ready); }, resetAfter);
    }
  }
  function showAnswer(body) {
    var dir = body.direction === 'in' ? text.kiosk_in : text.kiosk_out;
    var already = body.direction === 'in' ? text.kiosk_already_in : text.kiosk_already_out;
    var headline = body.duplicate ? already : dir;
    show(body.duplicate ? 'already' : body.direction, headline, body.child.display_name, body.child.kana,
      body.time + (body.delayed ? ' ' + text.kiosk_delayed : ''), body.direction);
    beep(body.duplicate ? 'already' : body.direction);
  }
  function updateQueueInfo() {
    return waiting().then(function (all) {
      queueInfo.hidden = all.length === 0;
      queueInfo.dataset.count = String(all.length);
      queueInfo.textContent = all.length ? text.kiosk_waiting.replace('{n}', String(all.length)) : '';
    });
  }

  // --- sending -----------------------------------------------------------------------------------------------------
  // Resolves to 'sent', 'refused' (the server said no: do not send again) or 'waiting' (try again later).
  function send(scan, live) {
    return fetch(scanUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ card: scan.card, scan_id: scan.scan_id, scanned_at: scan.scanned_at })
    }).then(function (res) {
      return res.json().catch(function () { return null; }).then(function (body) {
        if (res.ok && body) {
          if (live) showAnswer(body);
          return 'sent';
        }
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429 && body && body.error) {
          if (live) { show('error', text[body.error.code] || body.error.message); beep('error'); }
          if (body.error.code === 'error_kiosk_revoked' || body.error.code === 'error_kiosk_unknown') {
            root.dataset.revoked = 'true';
            replaceNames([]);
            return 'waiting';  // keep them: a re-paired kiosk can still send them
          }
          return 'refused';
        }
        return 'waiting';
      });
    }, function () { return 'waiting'; });
  }

  // One pass at a time, in scan order, so that a scan made after an outage is never recorded before the older
  // scans still waiting (the direction of each follows the ones before it). liveId: the scan just made, whose
  // answer the screen shows.
  var running = Promise.resolve();
  function flush(live) {
    var liveId = live && live.scan_id;
    running = running.then(function () {
      return waiting().then(function (all) {
        all.sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : a.scanned_at > b.scanned_at ? 1 : 0; });
        var liveDone = false;
        var chain = Promise.resolve(true);
        all.forEach(function (scan) {
          chain = chain.then(function (go) {
            if (!go) return false;
            var live = scan.scan_id === liveId;
            return send(scan, live).then(function (outcome) {
              if (outcome === 'waiting') return false;  // still offline: keep the order, try later
              if (live) liveDone = true;
              return drop(scan.scan_id).then(function () { return true; });
            });
          });
        });
        return chain.then(function () {
          if (liveId && !liveDone && root.dataset.revoked !== 'true') {
            var known = nameOf(live.card);
            show('queued', text.kiosk_offline, known && known.name, known && known.kana, clock(live.scanned_at));
            beep('queued');
          }
          return updateQueueInfo();
        });
      });
    }).catch(function () {});
    return running;
  }

  var lastCard = '';
  var lastAt = 0;
  function scanned(card, fromCamera) {
    card = card.trim();
    if (!card) return;
    var now = Date.now();
    // The camera sees one card many times a second; a reader's second scan is a real one (the server decides).
    if (fromCamera && card === lastCard && now - lastAt < 3000) return;
    lastCard = card;
    lastAt = now;
    if (family && /^TDF/i.test(card)) { family.lookup({ pass: card }); return; }
    var scan = { card: card, scan_id: newId(), scanned_at: new Date(now).toISOString() };
    show('sending', text.kiosk_sending);
    keep(scan).then(function () { return flush(scan); });
  }

  // --- a USB reader: keys typed quickly, then Enter ------------------------------------------------------------
  var buffer = '';
  var lastKey = 0;
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (e.target && (e.target.tagName === 'INPUT' || e.target.tagName === 'TEXTAREA')) return;  // the PIN field
    var now = Date.now();
    if (now - lastKey > 1000) buffer = '';
    lastKey = now;
    if (e.key === 'Enter') {
      var card = buffer;
      buffer = '';
      if (card) { e.preventDefault(); scanned(card); }
    } else if (e.key.length === 1) {
      buffer += e.key;
    }
  });

  // --- the camera ------------------------------------------------------------------------------------------------
  var camButton = root.querySelector('[data-qa="kiosk-camera"]');
  var video = root.querySelector('video');
  var stream = null;
  var pixels = false;  // the decoder takes ImageData (zxing), not the video element (BarcodeDetector)
  function decoder() {
    if ('BarcodeDetector' in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf('qr_code') < 0) return zxingDecoder();
        var d = new window.BarcodeDetector({ formats: ['qr_code'] });
        return function (source) {
          return d.detect(source).then(function (codes) { return codes.length ? codes[0].rawValue : ''; });
        };
      });
    }
    return zxingDecoder();
  }
  // zxing-wasm (its script defines ZXingWASM), with the .wasm file served by this server, not a CDN.
  function zxingDecoder() {
    var Z = window.ZXingWASM;
    var wasm = root.dataset.zxingWasm;
    if (!Z || !wasm) return Promise.resolve(null);
    Z.prepareZXingModule({
      overrides: { locateFile: function (path, prefix) { return /\.wasm$/.test(path) ? wasm : prefix + path; } },
      fireImmediately: true
    });
    pixels = true;
    return Promise.resolve(function (imageData) {
      return Z.readBarcodes(imageData, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 })
        .then(function (found) { return found.length && found[0].isValid ? found[0].text : ''; });
    });
  }
  function startCamera() {
    return navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        camButton.textContent = text.kiosk_camera_off;
        return video.play().then(decoder);
      }).then(function (decode) {
        if (!decode) { show('error', text.kiosk_camera_none); return; }
        var canvas = document.createElement('canvas');
        function tick() {
          if (!stream) return;
          var source = video;
          if (pixels && video.videoWidth) {
            canvas.width = video.videoWidth;
            canvas.height = video.videoHeight;
            var c = canvas.getContext('2d', { willReadFrequently: true });
            c.drawImage(video, 0, 0);
            source = c.getImageData(0, 0, canvas.width, canvas.height);
          }
          decode(source).then(function (value) {
            if (value) scanned(value, true);
          }, function () {}).then(function () { setTimeout(tick, 200); });
        }
        tick();
      }, function () { show('error', text.kiosk_camera_none); });
  }
  function stopCamera() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    camButton.textContent = text.kiosk_camera_on;
  }
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    camButton.hidden = false;
    camButton.addEventListener('click', function () { if (stream) stopCamera(); else startCamera(); });
  }

  // --- a nursery's entrance: a guardian's family pass or PIN, then their children in one go ------------------------
  // Needs the network (the server names the family and checks the pass once); the panel closes by itself after a
  // minute, so no family's names stay on the screen.
  var family = (function () {
    var panel = root.querySelector('.kiosk-family');
    var pad = root.querySelector('.kiosk-pin');
    if (!panel || !pad) return null;
    var pinInput = pad.querySelector('input');
    var pinButton = root.querySelector('[data-qa="kiosk-pin"]');
    var childBox = panel.querySelector('[data-qa="family-children"]');
    var pickupSet = panel.querySelector('.kiosk-pickup');
    var pickupBox = panel.querySelector('[data-qa="family-pickup"]');
    var current = null;
    var idle = null;
    var tools = root.querySelector('.kiosk-camera');
    // While a family's panel or the PIN pad is open it takes the place of the answer and of the buttons.
    function focusOn(what) {
      panel.hidden = what !== panel;
      pad.hidden = what !== pad;
      result.hidden = !!what;
      tools.hidden = !!what;
    }
    function close() {
      focusOn(null);
      pinInput.value = '';
      current = null;
      if (idle) clearTimeout(idle);
      idle = null;
    }
    function keepOpen() {
      if (idle) clearTimeout(idle);
      idle = setTimeout(function () { close(); show('ready', text.kiosk_ready); }, 60000);
    }
    function post(url, body) {
      return fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Accept': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(body)
      }).then(function (res) {
        return res.json().catch(function () { return null; }).then(function (json) { return { res: res, body: json }; });
      });
    }
    function refused(answer) {
      close();
      var e = answer.body && answer.body.error;
      show('error', e ? (text[e.code] || e.message) : text.kiosk_family_offline);
      beep('error');
    }
    function label(type, name, value, checked, words, what) {
      var l = document.createElement('label');
      var input = document.createElement('input');
      input.type = type;
      input.name = name;
      input.value = value;
      input.checked = checked;
      l.appendChild(input);
      var n = document.createElement('span');
      n.className = 'name';
      n.textContent = words;
      l.appendChild(n);
      if (what) {
        var w = document.createElement('span');
        w.className = 'what ' + what;
        w.textContent = what === 'in' ? text.kiosk_family_in : text.kiosk_family_out;
        l.appendChild(w);
      }
      return l;
    }
    // Who may take the ticked children home: the guardian, or someone on every leaving child's list.
    function updatePickup() {
      var leaving = [];
      childBox.querySelectorAll('input:checked').forEach(function (i) {
        var c = current.children.filter(function (x) { return String(x.id) === i.value; })[0];
        if (c && c.next === 'out') leaving.push(c.id);
      });
      pickupSet.hidden = leaving.length === 0;
      var chosen = (pickupBox.querySelector('input:checked') || {}).value || 'self';
      pickupBox.textContent = '';
      pickupBox.appendChild(label('radio', 'pickup', 'self', chosen === 'self', current.guardian + '（' + text.kiosk_family_self + '）'));
      current.pickup.forEach(function (p) {
        var all = leaving.every(function (id) { return p.children.indexOf(id) >= 0; });
        if (all) pickupBox.appendChild(label('radio', 'pickup', String(p.id), chosen === String(p.id), p.name + '（' + p.relation + '）'));
      });
      if (!pickupBox.querySelector('input:checked')) pickupBox.querySelector('input').checked = true;
    }
    function open(answer) {
      current = answer;
      current.stamp_id = newId();
      panel.querySelector('[data-qa="family-hello"]').textContent = text.kiosk_family_hello.replace('{name}', answer.guardian);
      childBox.textContent = '';
      answer.children.forEach(function (c) {
        childBox.appendChild(label('checkbox', 'child', String(c.id), true, c.display_name, c.next));
      });
      updatePickup();
      if (resetTimer) clearTimeout(resetTimer);
      focusOn(panel);
      keepOpen();
      var first = panel.querySelector('button[type="submit"]');
      if (first) first.focus();
    }
    function lookup(body) {
      focusOn(null);
      show('sending', text.kiosk_family_looking);
      post(root.dataset.familyUrl, body).then(function (answer) {
        if (answer.res.ok && answer.body) { open(answer.body); return; }
        refused(answer);
      }, function () { refused({}); });
    }
    childBox.addEventListener('change', function () { updatePickup(); keepOpen(); });
    pickupBox.addEventListener('change', keepOpen);
    panel.addEventListener('submit', function (e) {
      e.preventDefault();
      if (!current) return;
      var chosen = [];
      childBox.querySelectorAll('input:checked').forEach(function (i) {
        var c = current.children.filter(function (x) { return String(x.id) === i.value; })[0];
        if (c) chosen.push({ id: c.id, direction: c.next });
      });
      var body = { ticket: current.ticket, stamp_id: current.stamp_id, children: chosen };
      if (!pickupSet.hidden) {
        var p = (pickupBox.querySelector('input:checked') || {}).value || 'self';
        body.pickup = p === 'self' ? 'self' : Number(p);
      }
      focusOn(null);
      show('sending', text.kiosk_sending);
      post(root.dataset.stampUrl, body).then(function (answer) {
        if (!answer.res.ok || !answer.body) { refused(answer); return; }
        close();
        var results = answer.body.results;
        var recorded = results.filter(function (r) { return r.status === 'recorded'; });
        var direction = (recorded[0] || results[0]).direction;
        var state = recorded.length ? direction : 'already';
        show(state, recorded.length ? (direction === 'in' ? text.kiosk_in : text.kiosk_out) : text.kiosk_family_already,
          '', '', '', recorded.length ? direction : '');
        var list = document.createElement('ul');
        list.className = 'kiosk-lines';
        list.dataset.qa = 'kiosk-lines';
        results.forEach(function (r) {
          var li = document.createElement('li');
          var what = r.status === 'recorded' ? (r.direction === 'in' ? text.kiosk_family_in : text.kiosk_family_out) + ' ' + r.time
            : r.status === 'changed' ? text.kiosk_family_changed : text.kiosk_family_already;
          li.textContent = r.child.display_name + '　' + what;
          li.dataset.status = r.status;
          list.appendChild(li);
        });
        result.querySelector('.kiosk-name').appendChild(list);
        beep(recorded.length ? direction : 'already');
      }, function () { refused({}); });
    });
    panel.querySelector('[data-qa="family-cancel"]').addEventListener('click', function () {
      close();
      show('ready', text.kiosk_ready);
    });
    // The PIN pad: large keys, or the tablet's own keyboard.
    pinButton.addEventListener('click', function () {
      close();
      if (resetTimer) clearTimeout(resetTimer);
      focusOn(pad);
      pinInput.focus();
      keepOpen();
    });
    pad.addEventListener('click', function (e) {
      var key = e.target.closest('button[data-key]');
      if (!key) return;
      if (key.dataset.key === 'back') pinInput.value = pinInput.value.slice(0, -1);
      else if (pinInput.value.length < 6) pinInput.value += key.dataset.key;
      keepOpen();
    });
    pad.addEventListener('submit', function (e) {
      e.preventDefault();
      var pin = pinInput.value;
      pinInput.value = '';
      if (pin) lookup({ pin: pin });
    });
    pad.querySelector('[data-qa="kiosk-pin-cancel"]').addEventListener('click', function () {
      close();
      show('ready', text.kiosk_ready);
    });
    return { lookup: lookup };
  })();

  window.addEventListener('online', function () { flush(); refreshNames(); });
  setInterval(refreshNames, 30 * 60 * 1000);
  refreshNames();
  setInterval(function () { flush(); }, 5000);
  updateQueueInfo().then(function () { flush(); });
  root.dataset.ready = 'true';
})();

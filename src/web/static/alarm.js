// The alarm the roster and the nap checks sound: browsers play sound only after a person has pressed something on
// the page, so a button turns it on (remembered on this screen, for both pages); then `beep` sounds a few short tones.
window.tadaimaAlarm = (function () {
  'use strict';
  var KEY = 'tadaima.roster.sound';
  var audio = null;
  function on() { return !!window.localStorage && localStorage.getItem(KEY) === 'on'; }
  function beep() {
    if (!on() || !(window.AudioContext || window.webkitAudioContext)) return;
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    [0, 0.35, 0.7].forEach(function (at) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + 0.2);
    });
  }
  // The page's sound button (hidden without storage), labelled from `root`'s data-label-sound-on / -off.
  function bind(button, root) {
    if (!button || !window.localStorage) return;
    function show() {
      button.setAttribute('aria-pressed', on() ? 'true' : 'false');
      button.dataset.sound = on() ? 'on' : 'off';
      button.textContent = on() ? root.dataset.labelSoundOff : root.dataset.labelSoundOn;
    }
    button.hidden = false;
    show();
    button.addEventListener('click', function () {
      localStorage.setItem(KEY, on() ? 'off' : 'on');
      show();
      beep();
    });
  }
  return { on: on, beep: beep, bind: bind };
})();

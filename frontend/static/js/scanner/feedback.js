// Sound and vibration for a result, so the door staff need not look at the screen.
// The AudioContext is created on the first tap ("Start scanning"): browsers refuse sound before.

let audio = null;

export function unlockAudio() {
  try {
    if (!audio) audio = new (window.AudioContext || window.webkitAudioContext)();
    if (audio.state === "suspended") audio.resume();
  } catch {
    audio = null;
  }
}

function tone(frequency, start, duration, type = "sine", gain = 0.25) {
  const oscillator = audio.createOscillator();
  const volume = audio.createGain();
  oscillator.type = type;
  oscillator.frequency.value = frequency;
  const at = audio.currentTime + start;
  volume.gain.setValueAtTime(gain, at);
  volume.gain.exponentialRampToValueAtTime(0.001, at + duration);
  oscillator.connect(volume).connect(audio.destination);
  oscillator.start(at);
  oscillator.stop(at + duration + 0.02);
}

const PATTERNS = {
  good: { tones: [[880, 0, 0.12], [1320, 0.13, 0.18]], vibrate: [60] },
  warn: { tones: [[660, 0, 0.15], [660, 0.22, 0.15]], vibrate: [120, 80, 120] },
  bad: { tones: [[200, 0, 0.45, "square", 0.18]], vibrate: [300, 100, 300] },
};

export function signal(kind) {
  const pattern = PATTERNS[kind] || PATTERNS.bad;
  if (audio) {
    try {
      for (const [frequency, start, duration, type, gain] of pattern.tones) {
        tone(frequency, start, duration, type, gain);
      }
    } catch {
      // no sound is better than no result
    }
  }
  if (navigator.vibrate) navigator.vibrate(pattern.vibrate);
}

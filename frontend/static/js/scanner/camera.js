// The camera: frames are drawn to a canvas and decoded with zxing-wasm (global ZXingWASM,
// served from /static/vendor; the .wasm is fetched from there too, never from a CDN).

const WASM_URL = "/static/vendor/zxing-wasm/zxing_reader.wasm";
const FRAME_INTERVAL_MS = 120;
const MAX_EDGE = 960; // larger frames only cost decode time
const READER_OPTIONS = { formats: ["QRCode"], maxNumberOfSymbols: 1, tryHarder: true };

let prepared = false;

function prepare() {
  if (prepared) return;
  window.ZXingWASM.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? WASM_URL : prefix + path),
    },
  });
  prepared = true;
}

// Repeated sightings of one code count once: a code is reported again only after it has been
// out of sight for `quietMs` (a ticket held in front of the camera is not re-submitted).
export class Debouncer {
  constructor(quietMs) {
    this.quietMs = quietMs;
    this.lastSeen = new Map();
  }

  fresh(text, now = Date.now()) {
    const seen = this.lastSeen.get(text);
    this.lastSeen.set(text, now);
    for (const [key, at] of this.lastSeen) {
      if (now - at > this.quietMs * 4) this.lastSeen.delete(key);
    }
    return seen === undefined || now - seen > this.quietMs;
  }

  // Seen while a result is on screen: keeps a known code quiet, records no new one.
  touch(text, now = Date.now()) {
    if (this.lastSeen.has(text)) this.lastSeen.set(text, now);
  }
}

export class Camera {
  constructor(video, onCode, { quietMs = 3000 } = {}) {
    this.video = video;
    this.onCode = onCode;
    this.debouncer = new Debouncer(quietMs);
    this.canvas = document.createElement("canvas");
    this.context = this.canvas.getContext("2d", { willReadFrequently: true });
    this.stream = null;
    this.paused = false;
    this.timer = null;
    this.busy = false;
  }

  async start() {
    prepare();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("no camera API");
    }
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: {
        facingMode: { ideal: "environment" },
        width: { ideal: 1280 },
        height: { ideal: 720 },
      },
    });
    this.video.srcObject = this.stream;
    this.video.setAttribute("playsinline", "");
    this.video.muted = true;
    await this.video.play();
    this.loop();
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.stream) {
      for (const track of this.stream.getTracks()) track.stop();
    }
    this.stream = null;
    this.video.srcObject = null;
  }

  get running() {
    return this.stream !== null;
  }

  loop() {
    this.timer = setTimeout(async () => {
      if (!this.stream) return;
      if (!this.busy && !document.hidden) {
        this.busy = true;
        try {
          await this.decodeFrame();
        } catch (error) {
          console.warn("decode failed", error);
        } finally {
          this.busy = false;
        }
      }
      if (this.stream) this.loop();
    }, FRAME_INTERVAL_MS);
  }

  async decodeFrame() {
    const width = this.video.videoWidth;
    const height = this.video.videoHeight;
    if (!width || !height) return;
    const ratio = Math.min(1, MAX_EDGE / Math.max(width, height));
    const w = Math.round(width * ratio);
    const h = Math.round(height * ratio);
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    this.context.drawImage(this.video, 0, 0, w, h);
    const image = this.context.getImageData(0, 0, w, h);
    const results = await window.ZXingWASM.readBarcodes(image, READER_OPTIONS);
    const hit = results.find((result) => result.isValid !== false && result.text);
    if (!hit) return;
    if (this.paused) this.debouncer.touch(hit.text);
    else if (this.debouncer.fresh(hit.text)) this.onCode(hit.text);
  }
}

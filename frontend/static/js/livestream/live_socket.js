// A websocket that stays connected: reconnects with jittered exponential backoff, sends "ping"
// every 20 s and reconnects when nothing (not even the "pong") arrived for 50 s.
//
// window.luyanLiveSocket(path, {onMessage, onState, stopCodes}) -> {close()}
// onState(state): "connecting" | "live" | "offline". Close codes in stopCodes end the retries
// (browsers only see those when the server closes an accepted socket).
(() => {
  "use strict";
  const PING_EVERY_MS = 20000;
  const SILENT_MS = 50000;
  const BASE_MS = 1000;
  const MAX_MS = 30000;

  window.luyanLiveSocket = (path, options) => {
    const onMessage = options.onMessage || (() => {});
    const onState = options.onState || (() => {});
    const stopCodes = new Set(options.stopCodes || []);
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
    let socket = null;
    let attempt = 0;
    let heardAt = 0;
    let pinger = null;
    let retry = null;
    let stopped = false;

    function schedule() {
      if (stopped) return;
      onState("offline");
      // "Full jitter": a random wait up to the exponential cap, so a restarted server is not
      // hit by every viewer at the same moment.
      const cap = Math.min(MAX_MS, BASE_MS * 2 ** attempt);
      attempt += 1;
      retry = setTimeout(open, Math.random() * cap);
    }

    function open() {
      retry = null;
      if (stopped) return;
      onState("connecting");
      try {
        socket = new WebSocket(url);
      } catch (error) {
        schedule();
        return;
      }
      socket.addEventListener("open", () => {
        heardAt = Date.now();
        pinger = setInterval(() => {
          if (Date.now() - heardAt > SILENT_MS) {
            socket.close(); // the "close" handler reconnects
            return;
          }
          if (socket.readyState === WebSocket.OPEN) socket.send("ping");
        }, PING_EVERY_MS);
      });
      socket.addEventListener("message", (event) => {
        heardAt = Date.now();
        attempt = 0;
        onState("live");
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (!message.pong) onMessage(message);
      });
      socket.addEventListener("close", (event) => {
        clearInterval(pinger);
        pinger = null;
        socket = null;
        if (stopCodes.has(event.code)) {
          stopped = true;
          onState("offline");
          return;
        }
        schedule();
      });
    }

    // A phone waking up: reconnect now rather than after the backoff.
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && retry !== null) {
        clearTimeout(retry);
        attempt = 0;
        open();
      }
    });

    open();
    return {
      close() {
        stopped = true;
        if (retry !== null) clearTimeout(retry);
        if (socket) socket.close();
      },
    };
  };
})();

// A websocket that follows a live topic and comes back after a network hiccup or a restart.
//
// luyanLive.follow({path, strings, onMessage}) opens ws(s)://<this host><path>, hands each JSON
// message to onMessage, and keeps the [data-live-status] badge up to date ("connecting",
// "live", "offline"). Reconnects wait 0.5-1 s, then up to 15-30 s, with random jitter so a
// hall full of phones does not come back all in the same instant after the server restarts.
(() => {
  "use strict";
  const MAX_DELAY = 30000;

  function follow(options) {
    const status = document.querySelector("[data-live-status]");
    let attempt = 0;
    let socket = null;
    let timer = null;

    function setStatus(state) {
      if (!status) return;
      status.dataset.state = state;
      status.textContent = (options.strings && options.strings[state]) || "";
    }

    function retry() {
      const ceiling = Math.min(MAX_DELAY, 1000 * 2 ** Math.min(attempt, 5));
      attempt += 1;
      timer = window.setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
    }

    function connect() {
      timer = null;
      setStatus("connecting");
      const scheme = location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + location.host + options.path);
      socket.addEventListener("message", (event) => {
        attempt = 0;
        setStatus("live");
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        options.onMessage(message);
      });
      socket.addEventListener("close", () => {
        socket = null;
        setStatus("offline");
        retry();
      });
    }

    // Back online, or the screen woke up: try at once rather than wait out the delay.
    function now() {
      if (socket === null && timer !== null) {
        window.clearTimeout(timer);
        connect();
      }
    }
    window.addEventListener("online", now);
    document.addEventListener("visibilitychange", () => { if (!document.hidden) now(); });
    connect();
  }

  function fullscreenButtons() {
    document.querySelectorAll("[data-fullscreen]").forEach((button) => {
      const target = document.getElementById(button.dataset.fullscreen);
      if (!target || !document.fullscreenEnabled) return;
      button.hidden = false;
      button.addEventListener("click", () => {
        if (document.fullscreenElement) document.exitFullscreen();
        else target.requestFullscreen().catch(() => {});
      });
    });
  }

  window.luyanLive = { follow };
  document.addEventListener("DOMContentLoaded", fullscreenButtons);
})();

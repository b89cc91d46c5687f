// The viewer page: plays the stream, keeps the audience counts live and follows the stage.
//
// Counts come from /ws/streams/<id>/audience?viewer=<id>: {"online","onsite","peak","status"}
// whenever one changes. The viewer id is kept in localStorage, so every tab of this browser
// counts as one viewer. The stage follows the run of show's own socket when the event has one.
(() => {
  "use strict";
  const configNode = document.getElementById("live-viewer-config");
  if (!configNode) return;
  const config = JSON.parse(configNode.textContent);
  const strings = config.strings;
  const VIEWER_KEY = "luyan.viewer";
  const statusNode = document.querySelector("[data-live-status]");

  function viewerId() {
    let id = null;
    try {
      id = localStorage.getItem(VIEWER_KEY);
    } catch (error) {
      id = null; // storage blocked: this tab counts on its own
    }
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      const bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      try {
        localStorage.setItem(VIEWER_KEY, id);
      } catch (error) {
        // private mode without storage: keep the id for this page only
      }
    }
    return id;
  }

  function setState(state) {
    if (!statusNode) return;
    statusNode.dataset.state = state;
    statusNode.textContent = strings[state] || "";
  }

  function setText(node, value) {
    const text = String(value);
    if (node.textContent.trim() === text) return;
    node.textContent = text;
    node.classList.remove("flash-count");
    void node.offsetWidth; // restart the highlight
    node.classList.add("flash-count");
  }

  // -- the player ---------------------------------------------------------------------------
  let hls = null;
  function startPlayer() {
    const video = document.querySelector("[data-hls-player]");
    if (!video) return;
    const fallback = document.querySelector("[data-player-fallback]");
    if (video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = config.player_url; // Safari and iOS play HLS themselves
    } else if (window.Hls && window.Hls.isSupported()) {
      hls = new window.Hls({ lowLatencyMode: true });
      hls.loadSource(config.player_url);
      hls.attachMedia(video);
      hls.on(window.Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === window.Hls.ErrorTypes.NETWORK_ERROR) hls.startLoad();
        else if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) hls.recoverMediaError();
      });
    } else if (fallback) {
      fallback.hidden = false;
    }
  }

  // -- the counts ---------------------------------------------------------------------------
  let audience = null;
  function showStatus(status) {
    const badge = document.querySelector("[data-stream-status]");
    if (badge && badge.dataset.status !== status) {
      badge.dataset.status = status;
      badge.textContent = strings[`${status}_status`] || status;
    }
    if (status === "ended") {
      const note = document.querySelector("[data-ended-note]");
      if (note) note.hidden = false;
      if (hls) hls.stopLoad();
      if (audience) audience.close();
      setState("ended");
    }
  }

  function showCounts(message) {
    for (const name of ["online", "peak", "onsite"]) {
      if (message[name] === undefined) continue;
      document.querySelectorAll(`[data-count="${name}"]`).forEach((node) => setText(node, message[name]));
    }
    if (message.status) showStatus(message.status);
  }

  // -- the stage ----------------------------------------------------------------------------
  function showStage(message) {
    if (message.type !== "state" || !message.state) return;
    const state = message.state;
    const lang = document.documentElement.lang;
    const name = (slot) => (lang.startsWith("zh") && slot.name_zh ? slot.name_zh : slot.name_en);
    const nowNode = document.querySelector("[data-stage-now]");
    const labelNode = document.querySelector("[data-stage-label]");
    const nextNode = document.querySelector("[data-stage-next]");
    const nextRow = document.querySelector("[data-stage-next-row]");
    if (nowNode) nowNode.textContent = state.now ? name(state.now.slot) : strings.nothing;
    if (labelNode) {
      labelNode.textContent = state.now && state.now.slot.kind === "pitch" ? strings.pitching : strings.on_stage;
    }
    if (nextNode && nextRow) {
      nextNode.textContent = state.next ? name(state.next) : "";
      nextRow.hidden = !state.next;
    }
  }

  startPlayer();
  if (config.status !== "ended") {
    const path = `${config.socket}?viewer=${encodeURIComponent(viewerId())}`;
    audience = window.luyanLiveSocket(path, {
      onMessage: showCounts,
      onState: setState,
      stopCodes: [4403, 4404, 4410, 4422],
    });
  }
  if (config.show_socket) {
    window.luyanLiveSocket(config.show_socket, { onMessage: showStage, stopCodes: [4403, 4404] });
  }
})();

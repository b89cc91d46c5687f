// The run of show, live: what is on stage, what is next, and a countdown to the end of the slot.
//
// The page embeds the state it was rendered with (#show-config); the socket
// (/ws/events/<id>/show) sends the state on connect and after every change as
// {"type": "state", "state": ShowState}. The countdown runs here from `now.ends_at`, corrected
// by the server's clock (`server_time`), so a hall screen with a wrong clock still counts right.
// On the stage manager page the buttons and the slot list follow changes made elsewhere.
(() => {
  "use strict";
  const configNode = document.getElementById("show-config");
  if (!configNode || !window.luyanLive) return;
  const config = JSON.parse(configNode.textContent);
  const lang = document.documentElement.lang || "en";
  const zh = lang.startsWith("zh");
  const clock = new Intl.DateTimeFormat(lang, {
    timeZone: config.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  let state = null;
  let offset = 0; // the server's clock minus this one, in ms

  const nodes = (key) => document.querySelectorAll(`[data-show="${key}"]`);
  const nameOf = (slot) => (zh && slot.name_zh ? slot.name_zh : slot.name_en || slot.name_zh);

  function setText(key, text) {
    nodes(key).forEach((node) => {
      if (node.textContent !== text) node.textContent = text;
    });
  }

  function two(n) {
    return String(n).padStart(2, "0");
  }

  function tick() {
    const countdowns = nodes("countdown");
    if (!state || !state.now) {
      countdowns.forEach((node) => { node.textContent = "—"; node.dataset.overtime = "false"; });
      return;
    }
    const left = Date.parse(state.now.ends_at) - (Date.now() + offset);
    const seconds = left >= 0 ? Math.ceil(left / 1000) : Math.floor(-left / 1000);
    const text = (left < 0 ? "+" : "") + two(Math.floor(seconds / 60)) + ":" + two(seconds % 60);
    countdowns.forEach((node) => {
      node.textContent = text;
      node.dataset.overtime = left < 0 ? "true" : "false";
      node.title = left < 0 ? config.strings.overtime : "";
    });
  }

  function signature(s) {
    return [s.now ? s.now.slot.id : 0, s.next ? s.next.id : 0, s.done, s.total].join(":");
  }

  // The stage manager's slot list: fetched again after a change, unless someone is editing it.
  async function refreshList() {
    const list = document.querySelector("[data-slot-list]");
    if (!list) return;
    if (list.querySelector("details[open]") || list.contains(document.activeElement)) return;
    try {
      const response = await fetch(location.pathname, { headers: { accept: "text/html" }, credentials: "same-origin" });
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-slot-list]");
      if (fresh) list.innerHTML = fresh.innerHTML;
    } catch (error) {
      // The next change tries again.
    }
  }

  function render(next) {
    const changed = state !== null && signature(state) !== signature(next);
    state = next;
    offset = Date.parse(next.server_time) - Date.now();
    const now = next.now;
    setText("now-name", now ? nameOf(now.slot) : config.strings.nothing);
    setText("now-stage", now ? now.slot.stage : "");
    setText("next-name", next.next ? nameOf(next.next) : config.strings.none_next);
    setText("next-time", next.next ? clock.format(new Date(next.next.planned_start)) : "");
    setText("next-stage", next.next ? next.next.stage : "");
    setText("done", String(next.done));
    setText("total", String(next.total));
    nodes("now-id").forEach((input) => { input.value = now ? now.slot.id : ""; });
    nodes("next-id").forEach((input) => { input.value = next.next ? next.next.id : ""; });
    document.querySelectorAll("[data-show-when]").forEach((form) => {
      form.hidden = form.dataset.showWhen === "on-stage" ? !now : Boolean(now) || !next.next;
    });
    document.querySelectorAll("[data-show-panel]").forEach((panel) => {
      panel.dataset.state = now ? "on-stage" : "idle";
    });
    tick();
    if (changed) refreshList();
  }

  render(config.state);
  window.setInterval(tick, 250);
  window.luyanLive.follow({
    path: config.socket,
    strings: config.strings,
    onMessage: (message) => {
      if (message.type === "state") render(message.state);
    },
  });
})();

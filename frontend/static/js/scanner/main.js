// The phone scanner: choose event and list, scan tickets (online, or decided offline and queued),
// search by name, print badges. See docs/checkin.md, "The phone scanner".

import { ApiError, api, clearDevice, loadDevice, locale, NetworkError, newNonce } from "./api.js";
import { Camera } from "./camera.js";
import { signal, unlockAudio } from "./feedback.js";
import { BundleIndex, decideRegistration, decideToken } from "./offline.js";
import { bindPairForm } from "./pair.js";
import { bindPanels } from "./panels.js";
import { enqueue, loadBundle, presence, queueSize, remember, saveBundle } from "./store.js";
import { syncQueue } from "./sync.js";
import * as ui from "./ui.js";

const { $ } = ui;
const t = JSON.parse($("scanner-strings").textContent);
const config = JSON.parse($("scanner-config").textContent);
const LOCALE = locale();
const CHOICE_KEY = "luyan.scanner.choice";
const TICK_MS = 5000;
const BUNDLE_REFRESH_MS = 120000;
const DISMISS_MS = { good: 2500, warn: 6000, bad: 6000 };

const state = {
  device: loadDevice(),
  eventId: null,
  index: null,
  list: null,
  direction: "entry",
  camera: null,
  online: navigator.onLine !== false,
  queue: 0,
  syncing: false,
  syncError: null,
  bundleAt: 0,
  lastAdmitted: null, // registration id of the last admission, for "Print badge"
  dismissTimer: null,
  busy: false,
  revoked: false, // the server no longer knows this phone's token
};

function choice() {
  try {
    return JSON.parse(localStorage.getItem(CHOICE_KEY) || "{}");
  } catch {
    return {};
  }
}

function show(section) {
  for (const id of ["sc-unpaired", "sc-setup", "sc-scan", "sc-search"]) $(id).hidden = id !== section;
}

function sessionKey() {
  return `luyan.scanner.admitted.${state.eventId}.${state.list ? state.list.id : 0}`;
}

// --- network state, banner, counts -------------------------------------------------------

function setOnline(online) {
  if (state.online === online) return;
  state.online = online;
  ui.setNet(online, t);
  renderBanner();
  if (online) tick(true);
}

function renderBanner() {
  if (state.revoked) {
    ui.setBanner(t.revoked_device, "error");
  } else if (!state.online) {
    ui.setBanner(state.queue ? ui.fmt(t.offline_queue, { count: state.queue }) : t.offline_empty);
  } else if (state.syncError) {
    ui.setBanner(ui.fmt(t.upload_failed, { status: state.syncError }), "error");
  } else if (state.queue) {
    ui.setBanner(ui.fmt(t.uploading, { count: state.queue }), "sync");
  } else {
    ui.setBanner("");
  }
  $("sc-banner").dataset.queued = String(state.queue);
}

async function refreshQueue() {
  state.queue = state.eventId ? await queueSize(state.eventId) : 0;
  renderBanner();
}

function renderCounts() {
  $("sc-session-count").textContent = sessionStorage.getItem(sessionKey()) || "0";
  $("sc-list-count").textContent = state.index && state.list ? state.index.checkedInCount(state.list.id) : "0";
}

function countAdmission() {
  const key = sessionKey();
  sessionStorage.setItem(key, String(Number(sessionStorage.getItem(key) || 0) + 1));
}

// --- the offline bundle ------------------------------------------------------------------

async function useBundle(bundle) {
  state.index = new BundleIndex(bundle, await presence(bundle.event.id));
  const title = LOCALE === "zh" && bundle.event.title_zh ? bundle.event.title_zh : bundle.event.title_en;
  $("sc-event-title").textContent = title;
  $("sc-bundle-info").textContent = ui.fmt(t.bundle_at, {
    time: ui.timeLabel(bundle.generated_at, bundle.event.timezone, LOCALE),
  });
  const allowed = state.device ? state.device.device.list_ids || [] : [];
  const lists = bundle.lists.filter((l) => !allowed.length || allowed.includes(l.id));
  const select = $("sc-list");
  const wanted = (state.list && state.list.id) || choice().list_id;
  select.replaceChildren(
    ...lists.map((l) => {
      const option = new Option(state.index.listName(l, LOCALE) + (l.gate ? ` · ${l.gate}` : ""), String(l.id));
      option.selected = l.id === wanted;
      return option;
    }),
  );
  $("sc-setup-note").textContent = lists.length ? "" : t.no_lists;
  $("sc-start").disabled = !lists.length || state.revoked;
  if (state.list) state.list = state.index.lists.get(state.list.id) || state.list;
  onListChange();
  renderCounts();
}

async function refreshBundle() {
  if (!state.eventId) return;
  try {
    const bundle = await api(`/api/v1/checkin/bundle?event_id=${state.eventId}`, { timeout: 20000 });
    await saveBundle(bundle);
    state.bundleAt = Date.now();
    setOnline(true);
    await useBundle(bundle);
  } catch (error) {
    if (error instanceof NetworkError) setOnline(false);
    else handleApiError(error);
  }
}

async function loadEvent(eventId) {
  state.eventId = eventId;
  const cached = await loadBundle(eventId);
  if (cached) await useBundle(cached);
  else $("sc-bundle-info").textContent = t.bundle_none;
  await refreshQueue();
  await refreshBundle();
}

// Returns true when the error means this phone's pairing is gone (it was revoked).
function handleApiError(error) {
  if (error instanceof ApiError && state.device && (error.status === 401 || error.status === 403)) {
    state.revoked = true;
    ui.setBanner(t.revoked_device, "error");
    $("sc-unpair").hidden = false;
    $("sc-start").disabled = true;
    show("sc-setup");
    if (state.camera) state.camera.stop();
    return true;
  }
  if (error instanceof ApiError && !state.device && error.status === 401) {
    ui.setBanner(t.session_ended, "error"); // signed out meanwhile: scanning needs a new sign-in
    return false;
  }
  console.error(error);
  return false;
}

// --- list choice -------------------------------------------------------------------------

function onListChange() {
  const id = Number($("sc-list").value);
  state.list = state.index ? state.index.lists.get(id) || null : null;
  const exitAllowed = Boolean(state.list && state.list.allow_exit);
  $("sc-direction-field").hidden = !exitAllowed;
  if (!exitAllowed) document.querySelector('input[name="direction"][value="entry"]').checked = true;
}

function listLabel() {
  if (!state.list) return "";
  const name = state.index.listName(state.list, LOCALE);
  return state.direction === "exit" ? `${name} · ${t.exit}` : name;
}

async function startScanning() {
  unlockAudio(); // needs this tap: browsers keep sound off until the person interacts
  if (!state.list) return;
  state.direction = document.querySelector('input[name="direction"]:checked').value;
  localStorage.setItem(
    CHOICE_KEY,
    JSON.stringify({ event_id: state.eventId, list_id: state.list.id, direction: state.direction }),
  );
  $("sc-list-name").textContent = listLabel();
  show("sc-scan");
  renderCounts();
  if (!state.camera) state.camera = new Camera($("sc-video"), onCode);
  if (state.camera.running) return;
  try {
    await state.camera.start();
    $("sc-camera-hint").textContent = t.camera_hint;
  } catch (error) {
    console.warn("camera", error);
    $("sc-camera-hint").textContent = t.camera_failed;
  }
}

// --- scanning ----------------------------------------------------------------------------

async function submitOnline(body) {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const answer = await api("/api/v1/checkin/scans", { method: "POST", body, timeout: 5000 });
      setOnline(true);
      return answer;
    } catch (error) {
      if (error instanceof NetworkError) continue; // the same nonce: never admitted twice
      if (error.status === 429) return { code: "rate_limited", admitted: false, attendee: null };
      if (handleApiError(error)) return { code: "device_revoked", admitted: false, attendee: null };
      return { code: "error", admitted: false, attendee: null, message: error.body && error.body.detail };
    }
  }
  return null;
}

async function decideOffline(what, nonce, scannedAt) {
  const { index, list, direction } = state;
  const answer = what.token
    ? await decideToken(index, list, direction, what.token, LOCALE)
    : decideRegistration(index, list, direction, what.registration_id, LOCALE);
  if (answer.code === "unknown" || answer.code === "wrong_event") return answer; // nobody to record
  await enqueue({
    nonce,
    event_id: state.eventId,
    list_id: list.id,
    direction,
    token: what.token || null,
    registration_id: what.token ? null : what.registration_id,
    scanned_at: scannedAt,
    admitted_offline: answer.admitted,
  });
  await refreshQueue();
  return answer;
}

async function submit(what) {
  const nonce = newNonce();
  const scannedAt = new Date().toISOString();
  const body = { list_id: state.list.id, nonce, direction: state.direction, ...what };
  let answer = null;
  if (state.online && navigator.onLine !== false) answer = await submitOnline(body);
  if (!answer) {
    setOnline(false);
    if (!state.index) return { code: "error", admitted: false, attendee: null };
    answer = await decideOffline(what, nonce, scannedAt);
  }
  answer.direction = answer.direction || state.direction;
  if (answer.admitted && answer.attendee) {
    const inside = state.direction !== "exit";
    if (inside) countAdmission();
    const row = {
      list_id: state.list.id,
      registration_id: answer.attendee.registration_id,
      inside,
      at: scannedAt,
      device: state.device ? state.device.device.name : (config.user && config.user.name) || "",
    };
    await remember(state.eventId, row.list_id, row.registration_id, inside, scannedAt);
    if (state.index) state.index.apply(row);
  }
  return answer;
}

async function scan(what) {
  if (state.busy || !state.list) return;
  state.busy = true;
  if (state.camera) state.camera.paused = true;
  try {
    const answer = await submit(what);
    present(answer);
  } finally {
    state.busy = false;
  }
}

function onCode(text) {
  if (!$("sc-result").hidden || !$("sc-badge").hidden || $("sc-scan").hidden) return;
  scan({ token: text });
}

function present(answer) {
  const timeZone = state.index ? state.index.bundle.event.timezone : "UTC";
  const admitted = answer.admitted && answer.attendee ? answer.attendee.registration_id : null;
  if (admitted) state.lastAdmitted = { ...answer.attendee };
  const kind = ui.showResult(answer, t, { timeZone, locale: LOCALE, canPrint: Boolean(admitted) });
  ui.setLast(answer, t, Boolean(admitted));
  signal(kind);
  renderCounts();
  clearTimeout(state.dismissTimer);
  state.dismissTimer = setTimeout(dismiss, DISMISS_MS[kind]);
}

function dismiss() {
  clearTimeout(state.dismissTimer);
  ui.hideResult();
  if (state.camera && $("sc-badge").hidden) state.camera.paused = false;
}

// --- background work: sync the queue, refresh the bundle ---------------------------------

async function tick(force = false) {
  if (!state.eventId || state.syncing) return;
  await refreshQueue();
  if (state.queue && (state.online || force || navigator.onLine)) {
    state.syncing = true;
    try {
      const outcome = await syncQueue(state.eventId);
      if (outcome.error === "network") setOnline(false);
      else if (outcome.error) state.syncError = outcome.error.status || "?";
      else {
        state.syncError = null;
        setOnline(true);
      }
      ui.showConflicts(outcome.conflicts, t);
      if (outcome.synced) state.bundleAt = 0; // fetch the server's view of who is in
    } finally {
      state.syncing = false;
      await refreshQueue();
    }
  }
  if (!state.online && navigator.onLine) {
    await probe(); // the last request failed although the phone says it has a network
  } else if (state.online && Date.now() - state.bundleAt > BUNDLE_REFRESH_MS) {
    await refreshBundle();
  }
}

async function probe() {
  try {
    const response = await fetch("/api/v1/ping", { cache: "no-store", credentials: "omit" });
    if (response.ok) setOnline(true);
  } catch {
    // still offline
  }
}

// --- start-up ----------------------------------------------------------------------------

function unpair() {
  const question = state.queue ? ui.fmt(t.unpair_pending, { count: state.queue }) : t.unpair_confirm;
  if (!window.confirm(question)) return;
  clearDevice();
  window.location.reload();
}

function bind() {
  $("sc-list").addEventListener("change", onListChange);
  $("sc-start").addEventListener("click", startScanning);
  $("sc-change").addEventListener("click", () => {
    if (state.camera) state.camera.stop();
    show("sc-setup");
  });
  $("sc-result").addEventListener("click", dismiss);
  bindPanels({ state, t, locale: LOCALE, show, setOnline, handleApiError, scan, dismiss });
  $("sc-unpair").addEventListener("click", unpair);
  $("sc-conflicts-close").addEventListener("click", () => {
    $("sc-conflicts").hidden = true;
    $("sc-conflict-list").replaceChildren();
  });
  window.addEventListener("online", () => setOnline(true));
  window.addEventListener("offline", () => setOnline(false));
}

function chooseEvent(events) {
  const select = $("sc-event");
  const wanted = choice().event_id;
  select.replaceChildren(
    ...events.map((e) => {
      const option = new Option(e.title, String(e.id));
      option.selected = e.id === wanted;
      return option;
    }),
  );
  $("sc-event-field").hidden = false;
  select.addEventListener("change", () => {
    state.list = null;
    loadEvent(Number(select.value));
  });
  return Number(select.value);
}

async function init() {
  bind();
  ui.setNet(state.online, t);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/scanner/sw.js", { scope: "/scanner" }).catch(() => {});
  }
  if (state.device) {
    $("sc-who").textContent = ui.fmt(t.paired_as, { name: state.device.device.name });
    $("sc-unpair").hidden = false;
    show("sc-setup");
    await loadEvent(state.device.device.event_id);
  } else if (config.user) {
    $("sc-who").textContent = ui.fmt(t.signed_in_as, { name: config.user.name });
    show("sc-setup");
    if (!config.events.length) {
      $("sc-setup-note").textContent = t.no_events;
      return;
    }
    await loadEvent(chooseEvent(config.events));
  } else {
    show("sc-unpaired");
    bindPairForm($("sc-pair-form"), $("sc-pair-error"), t);
    return;
  }
  setInterval(() => tick().catch((error) => console.warn("tick", error)), TICK_MS);
}

init();

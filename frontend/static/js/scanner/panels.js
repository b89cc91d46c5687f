// The scanner's two side panels: manual search (online through the API, offline over the
// bundle; a tap checks the person in by registration id) and the printable badge.

import { api, NetworkError } from "./api.js";
import * as ui from "./ui.js";

const { $ } = ui;

// --- badge -------------------------------------------------------------------------------

async function openBadge(app) {
  const attendee = app.state.lastAdmitted;
  if (!attendee) return;
  app.dismiss();
  if (app.state.camera) app.state.camera.paused = true;
  let badge;
  let note = "";
  try {
    badge = await api(`/api/v1/checkin/badge?registration_id=${attendee.registration_id}`);
  } catch (error) {
    const event = app.state.index ? app.state.index.bundle.event : {};
    badge = {
      name: attendee.name,
      organisation: attendee.organisation || "",
      ticket_type: attendee.ticket_type || "",
      event_title: app.locale === "zh" && event.title_zh ? event.title_zh : event.title_en || "",
      qr_svg: "",
    };
    note = app.t.badge_offline;
    if (!(error instanceof NetworkError)) console.warn("badge", error);
  }
  ui.showBadge(badge, note);
}

function closeBadge(app) {
  ui.hideBadge();
  if (app.state.camera) app.state.camera.paused = false;
}

// --- manual search -----------------------------------------------------------------------

let searchTimer = null;

async function runSearch(app) {
  const q = $("sc-search-input").value.trim();
  if (!q) {
    ui.renderSearch([], app.t, {});
    $("sc-search-note").textContent = "";
    return;
  }
  let hits = null;
  let note = "";
  if (app.state.online) {
    try {
      const query = new URLSearchParams({ event_id: app.state.eventId, q });
      hits = await api(`/api/v1/checkin/attendees?${query}`, { timeout: 5000 });
    } catch (error) {
      if (error instanceof NetworkError) app.setOnline(false);
      else app.handleApiError(error);
    }
  }
  if (hits === null && app.state.index) {
    note = app.t.searching_offline;
    hits = app.state.index.search(q).map((a) => ({
      ...a,
      ticket_type: app.state.index.ticketTypeName(a.ticket_type_id, app.locale),
    }));
  }
  hits = hits || [];
  if ($("sc-search-input").value.trim() !== q) return; // a newer search is under way
  $("sc-search-note").textContent = hits.length ? note : [note, app.t.no_matches].filter(Boolean).join(" · ");
  ui.renderSearch(hits, app.t, {
    isIn: (id) => Boolean(app.state.index && app.state.list && app.state.index.isIn(app.state.list.id, id)),
    onPick: (hit) => {
      closeSearch(app);
      app.scan({ registration_id: hit.registration_id });
    },
  });
}

function openSearch(app) {
  if (app.state.camera) app.state.camera.paused = true;
  app.show("sc-search");
  $("sc-search-input").focus();
}

function closeSearch(app) {
  app.show("sc-scan");
  if (app.state.camera) app.state.camera.paused = false;
}

export function bindPanels(app) {
  for (const id of ["sc-result-badge", "sc-last-badge"]) {
    $(id).addEventListener("click", (event) => {
      event.stopPropagation(); // not a tap on the result behind it
      openBadge(app);
    });
  }
  $("sc-badge-print").addEventListener("click", () => window.print());
  $("sc-badge-close").addEventListener("click", () => closeBadge(app));
  $("sc-open-search").addEventListener("click", () => openSearch(app));
  $("sc-close-search").addEventListener("click", () => closeSearch(app));
  $("sc-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    runSearch(app);
  });
  $("sc-search-input").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => runSearch(app), 250);
  });
}

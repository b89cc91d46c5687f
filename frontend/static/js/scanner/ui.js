// Drawing the scanner's screens: the full-screen result, the last scan, the banner, the
// search results and the badge. Text always goes in with textContent (names are user data).

export const $ = (id) => document.getElementById(id);

export function fmt(template, values) {
  return String(template).replace(/%\((\w+)\)s/g, (_m, key) => (key in values ? values[key] : ""));
}

export function kindOf(result) {
  if (result.code === "ok" && result.admitted) return "good";
  if (result.code === "already_checked_in") return "warn";
  return "bad";
}

const ICONS = { good: "✓", warn: "!", bad: "✕" };

export function resultTitle(result, t) {
  if (result.code === "ok") return result.direction === "exit" ? t.result_ok_exit : t.result_ok;
  if (result.code === "device_revoked") return t.revoked_device;
  return t[`result_${result.code}`] || result.message || t.result_error;
}

export function timeLabel(iso, timeZone, locale) {
  if (!iso) return "";
  try {
    return new Intl.DateTimeFormat(locale === "zh" ? "zh-CN" : "en-GB", {
      timeZone,
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
    }).format(new Date(iso));
  } catch {
    return iso;
  }
}

function previousLine(previous, t, timeZone, locale) {
  if (!previous) return "";
  if (!previous.at) return fmt(t.previous_offline, { list: previous.list_name || "" });
  const parts = fmt(t.previous, {
    time: timeLabel(previous.at, timeZone, locale),
    list: previous.list_name || "",
    device: previous.device || "",
  });
  return parts.replace(/( · )+$/, "").replace(/ · (?= · )/g, "");
}

// The full-screen answer; returns its kind so the caller can pick sound and dismissal time.
export function showResult(result, t, { timeZone, locale, canPrint }) {
  const kind = kindOf(result);
  const node = $("sc-result");
  node.dataset.kind = kind;
  node.dataset.code = result.code;
  node.dataset.offline = result.offline ? "true" : "false";
  $("sc-result-icon").textContent = ICONS[kind];
  $("sc-result-title").textContent = resultTitle(result, t);
  const attendee = result.attendee || {};
  $("sc-result-name").textContent = attendee.name || "";
  $("sc-result-type").textContent = [attendee.ticket_type, attendee.organisation].filter(Boolean).join(" · ");
  $("sc-result-previous").textContent =
    result.code === "already_checked_in" ? previousLine(result.previous, t, timeZone, locale) : "";
  $("sc-result-offline").hidden = !result.offline;
  $("sc-result-badge").hidden = !(canPrint && kind === "good" && attendee.registration_id);
  node.hidden = false;
  return kind;
}

export function hideResult() {
  $("sc-result").hidden = true;
}

export function setLast(result, t, canPrint) {
  const kind = kindOf(result);
  const attendee = result.attendee || {};
  $("sc-last").hidden = false;
  $("sc-last").dataset.code = result.code;
  $("sc-last-dot").dataset.kind = kind;
  $("sc-last-name").textContent = attendee.name || resultTitle(result, t);
  $("sc-last-code").textContent = [resultTitle(result, t), attendee.ticket_type].filter(Boolean).join(" · ");
  $("sc-last-badge").hidden = !(canPrint && kind === "good" && attendee.registration_id);
}

export function setBanner(text, kind = "offline") {
  const node = $("sc-banner");
  node.textContent = text || "";
  node.dataset.kind = kind;
  node.hidden = !text;
}

export function setNet(online, t) {
  const node = $("sc-net");
  node.dataset.online = online ? "true" : "false";
  node.textContent = online ? t.online : t.offline;
}

export function showConflicts(conflicts, t) {
  if (!conflicts.length) return;
  const list = $("sc-conflict-list");
  for (const { result, scan } of conflicts) {
    const li = document.createElement("li");
    const name = (result.attendee && result.attendee.name) || `#${scan.registration_id || "?"}`;
    li.textContent = fmt(t.conflict_line, { name });
    list.append(li);
  }
  $("sc-conflicts").hidden = false;
}

export function renderSearch(hits, t, { isIn, onPick }) {
  const list = $("sc-search-results");
  list.replaceChildren();
  for (const hit of hits) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    const inside = isIn(hit.registration_id);
    button.className = inside ? "secondary" : "";
    button.dataset.testid = "search-hit";
    button.dataset.registrationId = String(hit.registration_id);
    const who = document.createElement("span");
    who.className = "sc-who";
    const name = document.createElement("strong");
    name.textContent = hit.name;
    const detail = document.createElement("small");
    detail.textContent = [hit.organisation, hit.ticket_type, hit.code].filter(Boolean).join(" · ");
    who.append(name, detail);
    const tag = document.createElement("span");
    tag.className = "sc-tag";
    tag.textContent = inside ? t.checked_in : t.check_in;
    button.append(who, tag);
    button.addEventListener("click", () => onPick(hit));
    li.append(button);
    list.append(li);
  }
}

function safeSvg(markup) {
  const doc = new DOMParser().parseFromString(markup || "", "image/svg+xml");
  const svg = doc.documentElement;
  if (!svg || svg.nodeName.toLowerCase() !== "svg") return null;
  for (const node of svg.querySelectorAll("script, foreignObject")) node.remove();
  return document.importNode(svg, true);
}

export function showBadge(badge, note) {
  $("sc-badge-event").textContent = badge.event_title || "";
  $("sc-badge-name").textContent = badge.name || "";
  $("sc-badge-org").textContent = badge.organisation || "";
  $("sc-badge-type").textContent = badge.ticket_type || "";
  $("sc-badge-type").hidden = !badge.ticket_type;
  const figure = $("sc-badge-qr");
  figure.replaceChildren();
  const svg = safeSvg(badge.qr_svg);
  if (svg) figure.append(svg);
  figure.hidden = !svg;
  $("sc-badge-note").textContent = note || "";
  $("sc-badge").hidden = false;
}

export function hideBadge() {
  $("sc-badge").hidden = true;
}

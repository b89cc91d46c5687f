// Deciding a scan on the phone when the server cannot be reached, from the offline bundle
// (keys, revocations, attendees, who is in) plus what this phone itself admitted since.
// The server re-checks every queued scan when it syncs; this only has to be right at the door.

import { parseToken, todayIn, validOn, verifySignature } from "./token.js";

export class BundleIndex {
  constructor(bundle, localPresence = []) {
    this.bundle = bundle;
    this.attendees = new Map(bundle.attendees.map((a) => [a.registration_id, a]));
    this.revoked = new Set(bundle.revoked.map((r) => `${r.registration_id}:${r.serial}`));
    this.ticketTypes = new Map(bundle.ticket_types.map((t) => [t.id, t]));
    this.lists = new Map(bundle.lists.map((l) => [l.id, l]));
    this.state = new Map(); // "list:registration" -> {inside, at, device, list_id}
    for (const row of bundle.checked_in) {
      this.state.set(`${row.list_id}:${row.registration_id}`, {
        inside: row.inside,
        at: row.at || row.last_at || null,
        device: row.device || "",
        list_id: row.list_id,
      });
    }
    for (const row of localPresence) this.apply(row);
  }

  // A local record wins over the bundle when it is newer than the bundle.
  apply(row) {
    if (row.at && this.bundle.generated_at && row.at < this.bundle.generated_at) return;
    this.state.set(`${row.list_id}:${row.registration_id}`, {
      inside: row.inside,
      at: row.at,
      device: row.device || "",
      list_id: row.list_id,
    });
  }

  checkedInCount(listId) {
    let count = 0;
    for (const key of this.state.keys()) if (key.startsWith(`${listId}:`)) count += 1;
    return count;
  }

  isIn(listId, registrationId) {
    return this.state.has(`${listId}:${registrationId}`);
  }

  ticketTypeName(id, locale) {
    const type = this.ticketTypes.get(id);
    if (!type) return "";
    return locale === "zh" && type.name_zh ? type.name_zh : type.name_en;
  }

  listName(list, locale) {
    return locale === "zh" && list.name_zh ? list.name_zh : list.name_en;
  }

  attendeeView(registrationId, ticketTypeId, locale) {
    const attendee = this.attendees.get(registrationId);
    const typeId = attendee ? attendee.ticket_type_id : ticketTypeId;
    return {
      registration_id: registrationId,
      code: attendee ? attendee.code : "",
      name: attendee ? attendee.name : "",
      organisation: attendee ? attendee.organisation : "",
      ticket_type_id: typeId,
      ticket_type: this.ticketTypeName(typeId, locale),
    };
  }

  search(text, limit = 20) {
    const needle = text.trim().toLowerCase();
    if (!needle) return [];
    const hits = [];
    for (const a of this.bundle.attendees) {
      const haystack = `${a.name}\n${a.organisation || ""}\n${a.code}`.toLowerCase();
      if (haystack.includes(needle)) hits.push(a);
      if (hits.length >= limit) break;
    }
    return hits;
  }
}

function result(code, admitted, extra = {}) {
  return { code, admitted, attendee: null, previous: null, offline: true, ...extra };
}

const ENDED = new Set(["cancelled", "rejected", "expired"]);

// The same order of checks as checkin/scan_rules.py `decide`, after the token's own checks.
function decideAtList(index, list, direction, registrationId, ticketTypeId, validDays, today, locale) {
  const attendee = index.attendees.get(registrationId);
  const view = index.attendeeView(registrationId, ticketTypeId, locale);
  const base = { attendee: view, list_id: list.id, direction };
  if (attendee && attendee.status !== "confirmed") {
    return result(ENDED.has(attendee.status) ? "revoked" : "not_approved", false, base);
  }
  const types = list.ticket_type_ids || [];
  if (types.length && !types.includes(view.ticket_type_id)) return result("wrong_list", false, base);
  const people = list.registration_ids; // null: not restricted to named people
  if (Array.isArray(people) && !people.includes(registrationId)) return result("wrong_list", false, base);
  if (validDays !== null && !validOn(validDays, index.bundle.event.first_day, today)) {
    return result("not_valid_now", false, base);
  }
  const days = list.days || [];
  if (days.length && !days.includes(today)) return result("not_valid_now", false, base);
  const state = index.state.get(`${list.id}:${registrationId}`);
  if (direction === "exit") {
    return result(state && state.inside ? "ok" : "not_inside", Boolean(state && state.inside), base);
  }
  if (state && (!list.allow_reentry || (list.allow_exit && state.inside))) {
    const previous = { at: state.at, list_id: list.id, list_name: index.listName(list, locale), device: state.device };
    return result("already_checked_in", false, { ...base, previous });
  }
  return result("ok", true, base);
}

export async function decideToken(index, list, direction, token, locale, now = new Date()) {
  const { bundle } = index;
  const bare = { list_id: list.id, direction };
  let parsed;
  try {
    parsed = parseToken(token);
  } catch {
    return result("unknown", false, bare);
  }
  const { claims } = parsed;
  // Another event's key is not in the bundle: a genuine ticket of another event, or a fake.
  if (claims.eventId !== bundle.event.id) return result("wrong_event", false, bare);
  if (!(await verifySignature(parsed, bundle.public_keys))) return result("unknown", false, bare);
  const attendee = index.attendees.get(claims.registrationId);
  // The server admits only the live token's serial. A token older than the bundle's live one
  // was revoked when the new one was issued; a newer one was issued after the bundle was made.
  // Without a live token only a confirmed registration can have received one since.
  const live = attendee ? attendee.serial : undefined;
  const superseded =
    attendee && (live == null ? attendee.status !== "confirmed" : claims.serial < live);
  if (index.revoked.has(`${claims.registrationId}:${claims.serial}`) || superseded) {
    const view = index.attendeeView(claims.registrationId, claims.ticketTypeId, locale);
    return result("revoked", false, { ...bare, attendee: view });
  }
  const today = todayIn(bundle.event.timezone, now);
  const typeId = attendee ? attendee.ticket_type_id : claims.ticketTypeId;
  return decideAtList(index, list, direction, claims.registrationId, typeId, claims.validDays, today, locale);
}

export function decideRegistration(index, list, direction, registrationId, locale, now = new Date()) {
  const attendee = index.attendees.get(registrationId);
  if (!attendee) return result("unknown", false, { list_id: list.id, direction });
  const today = todayIn(index.bundle.event.timezone, now);
  return decideAtList(index, list, direction, registrationId, attendee.ticket_type_id, null, today, locale);
}

// Ticket tokens, decoded and verified in the browser exactly as checkin/tokens.py does:
//   token   = base45(payload || signature)            (RFC 9285)
//   payload = header(1) event_id registration_id ticket_type_id serial valid_days
//   header  = version << 4 | key_id; the rest are minimal unsigned LEB128 varints
//   signature = Ed25519 over the payload (64 bytes), checked with WebCrypto.

const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const VERSION = 1;
const SIGNATURE_BYTES = 64;
const MAX_DAYS = 32;

export class InvalidTicket extends Error {
  constructor() {
    super("invalid ticket");
  }
}

export function b45decode(text) {
  const digits = [];
  for (const ch of text) {
    const value = B45.indexOf(ch);
    if (value < 0) throw new InvalidTicket();
    digits.push(value);
  }
  if (digits.length % 3 === 1) throw new InvalidTicket();
  const out = [];
  for (let i = 0; i < digits.length; i += 3) {
    if (i + 2 < digits.length) {
      const n = digits[i] + digits[i + 1] * 45 + digits[i + 2] * 2025;
      if (n > 0xffff) throw new InvalidTicket();
      out.push(n >> 8, n & 0xff);
    } else {
      const n = digits[i] + digits[i + 1] * 45;
      if (n > 0xff) throw new InvalidTicket();
      out.push(n);
    }
  }
  return new Uint8Array(out);
}

// Arithmetic, not bit operators: JS bit operators are 32-bit signed and varints go to 2^35.
function readVarint(data, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    if (pos >= data.length || shift > 35) throw new InvalidTicket();
    const byte = data[pos];
    pos += 1;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) {
      if (byte === 0 && shift > 7) throw new InvalidTicket(); // one encoding per value
      return [value, pos];
    }
  }
}

export function decodePayload(payload) {
  if (!payload.length || payload[0] >> 4 !== VERSION) throw new InvalidTicket();
  let pos = 1;
  const values = [];
  for (let i = 0; i < 5; i += 1) {
    const [value, next] = readVarint(payload, pos);
    values.push(value);
    pos = next;
  }
  if (pos !== payload.length || values[4] >= 2 ** MAX_DAYS) throw new InvalidTicket();
  const [eventId, registrationId, ticketTypeId, serial, validDays] = values;
  return { keyId: payload[0] & 0x0f, eventId, registrationId, ticketTypeId, serial, validDays };
}

// Split a token into its claims (unverified) and the bytes the signature covers.
export function parseToken(token) {
  if (typeof token !== "string" || token.length > 200) throw new InvalidTicket();
  const raw = b45decode(token);
  const payload = raw.slice(0, raw.length - SIGNATURE_BYTES);
  const signature = raw.slice(raw.length - SIGNATURE_BYTES);
  if (raw.length < SIGNATURE_BYTES + 6) throw new InvalidTicket();
  return { claims: decodePayload(payload), payload, signature };
}

function base64Bytes(text) {
  const binary = atob(text);
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

const keyCache = new Map();

async function importKey(base64) {
  if (!keyCache.has(base64)) {
    keyCache.set(
      base64,
      crypto.subtle.importKey("raw", base64Bytes(base64), { name: "Ed25519" }, false, ["verify"]),
    );
  }
  return keyCache.get(base64);
}

// publicKeys: [{key_id, public_key (base64 raw 32 bytes)}] of the bundle's event.
export async function verifySignature(parsed, publicKeys) {
  const entry = publicKeys.find((key) => key.key_id === parsed.claims.keyId);
  if (!entry) return false;
  try {
    const key = await importKey(entry.public_key);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, parsed.signature, parsed.payload);
  } catch {
    return false;
  }
}

// "Valid on this date?": bit i of validDays = the event's first day + i days.
export function validOn(validDays, firstDay, day) {
  const offset = daysBetween(firstDay, day);
  return offset >= 0 && offset < MAX_DAYS && Math.floor(validDays / 2 ** offset) % 2 === 1;
}

export function daysBetween(fromIso, toIso) {
  const [y1, m1, d1] = fromIso.split("-").map(Number);
  const [y2, m2, d2] = toIso.split("-").map(Number);
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / 86400000);
}

// Today's date (YYYY-MM-DD) in the event's own time zone.
export function todayIn(timeZone, now = new Date()) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const get = (type) => parts.find((part) => part.type === type).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

"""Signed ticket tokens: compact, verifiable offline with the event's public key only.

Format (version 1), see docs/checkin.md::

    token   = base45(payload || signature)          # RFC 9285 alphabet = QR alphanumeric mode
    payload = header(1) event_id registration_id ticket_type_id serial valid_days
    header  = version << 4 | key_id                  # both 0..15
    ints    = unsigned LEB128 varints, minimal encoding only
    signature = Ed25519(private key of the event, payload)   # 64 bytes

The pure functions (``encode_payload``, ``decode_payload``, ``read_claims``, ``sign``,
``verify_token``, ``days_mask``) need no database; ``issue_token``, ``ensure_token``, ``revoke_token`` and
``revocation_list`` are the database side.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError
from piccolo.query.functions.aggregate import Max

from app.db import is_sqlite
from app.db.group_commit import GroupCommit, PerLoop, settle
from app.errors import Conflict, NotFound
from app.i18n import N_
from checkin.base45 import b45decode, b45encode
from checkin.keys import signing_key
from checkin.tables import TicketToken
from events.tables import Registration

VERSION = 1
SIGNATURE_BYTES = 64
MAX_DAYS = 32


class InvalidTicket(Exception):
    """Any token that is not a genuine, intact ticket. Deliberately carries no detail."""

    def __init__(self) -> None:
        super().__init__("invalid ticket")


class NotIssuable(Conflict):
    code, message = "ticket_not_issuable", N_("Only confirmed registrations carry a ticket.")


class TicketClaims(msgspec.Struct, frozen=True):
    key_id: int
    event_id: int
    registration_id: int
    ticket_type_id: int
    serial: int
    valid_days: int  # bit i = the event's first day (in its time zone) + i days

    def valid_on(self, first_day: dt.date, day: dt.date) -> bool:
        offset = (day - first_day).days
        return 0 <= offset < MAX_DAYS and bool(self.valid_days >> offset & 1)


# --- payload -----------------------------------------------------------------------------


def _varint(n: int) -> bytes:
    if n < 0:
        raise ValueError("negative")
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if pos >= len(data) or shift > 35:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if byte == 0 and shift > 7:
                raise ValueError("non-minimal varint")  # one encoding per value
            return value, pos


def encode_payload(claims: TicketClaims) -> bytes:
    if not 0 <= claims.key_id <= 15:
        raise ValueError("key id out of range")
    if claims.valid_days >> MAX_DAYS:
        raise ValueError("valid days beyond 32")
    fields = (claims.event_id, claims.registration_id, claims.ticket_type_id, claims.serial)
    return bytes([VERSION << 4 | claims.key_id]) + b"".join(_varint(v) for v in (*fields, claims.valid_days))


def decode_payload(payload: bytes) -> TicketClaims:
    if not payload or payload[0] >> 4 != VERSION:
        raise ValueError("unknown version")
    pos, values = 1, []
    for _ in range(5):
        value, pos = _read_varint(payload, pos)
        values.append(value)
    if pos != len(payload) or values[4] >> MAX_DAYS:
        raise ValueError("bad payload")
    return TicketClaims(payload[0] & 0x0F, *values)


def _parse(token: str) -> tuple[TicketClaims, bytes, bytes] | None:
    """(claims, payload, signature) of a well-formed token, else ``None``."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        raw = b45decode(token)
        payload, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
        if len(payload) < 6:
            return None
        return decode_payload(payload), payload, signature
    except (ValueError, TypeError):
        return None


def read_claims(token: str) -> TicketClaims | None:
    """The claims a token states, from its structure alone: ``None`` unless its length fits a
    payload and a 64-byte signature and the payload is a well-formed version 1 one. Only the
    payload's characters are decoded (a sixth of the token; every scan does this). Nothing here
    proves who made the token: the server recognises the tokens it issued by looking up their
    exact text (``checkin.scan_store``), offline scanners check the signature (``verify_token``)."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    whole, rest = divmod(len(token), 3)
    size = whole * 2 + (rest == 2) - SIGNATURE_BYTES  # payload bytes
    if rest == 1 or size < 6:
        return None
    try:
        return decode_payload(b45decode(token[: 3 * ((size + 1) // 2)])[:size])
    except (ValueError, TypeError):
        return None


def sign(claims: TicketClaims, private_key: Ed25519PrivateKey) -> str:
    payload = encode_payload(claims)
    return b45encode(payload + private_key.sign(payload))


def verify_token(token: str, public_keys: dict[tuple[int, int], bytes]) -> TicketClaims:
    """Check ``token`` against ``{(event_id, key_id): raw public key}``; no secret needed. This
    is what an offline scanner does (in the phone, with the bundle's keys); the server itself
    recognises the tokens it issued instead.

    Returns the claims, or raises ``InvalidTicket`` whatever went wrong (garbage, truncation,
    tampering, unknown event or key) so that answers never tell a forger what to fix.
    """
    parsed = _parse(token)
    if parsed is None:
        raise InvalidTicket()
    claims, payload, signature = parsed
    key = public_keys.get((claims.event_id, claims.key_id))
    if key is None:
        raise InvalidTicket()
    try:
        crypto_sign_open(signature + payload, key)  # libsodium (PyNaCl)
    except (ValueError, BadSignatureError):
        raise InvalidTicket() from None
    return claims


def event_days(starts_at: dt.datetime, ends_at: dt.datetime, timezone: str) -> list[dt.date]:
    """The calendar days the event spans in its own time zone (at most 32)."""
    tz = ZoneInfo(timezone)
    first, last = starts_at.astimezone(tz).date(), ends_at.astimezone(tz).date()
    count = min(max((last - first).days + 1, 1), MAX_DAYS)
    return [first + dt.timedelta(days=i) for i in range(count)]


def days_mask(first_day: dt.date, days: list[dt.date]) -> int:
    """Bitmask of ``days`` relative to ``first_day`` (bit 0 = first day); others are ignored."""
    mask = 0
    for day in days:
        offset = (day - first_day).days
        if 0 <= offset < MAX_DAYS:
            mask |= 1 << offset
    return mask


# --- database side -----------------------------------------------------------------------


async def issue_token(registration_id: int, reason: str = "reissued") -> str:
    """Issue a new token for a confirmed registration, revoking its live one with ``reason``."""
    return _unwrap((await _issue_many([registration_id], reason, keep_live=False))[registration_id])


async def ensure_token(registration_id: int, *, just_confirmed: bool = False) -> str:
    """The registration's live token, or its first one if it has none yet.

    Safe under concurrent callers (the confirmation listener, the mail sender, the ticket page):
    the live token is looked for again inside the issuing transaction, after the registration
    row is locked, so two callers never produce two serials. Issuing is group-committed: under
    a registration burst the confirmations' tokens are written a batch per transaction, not one
    each. ``NotIssuable`` unless confirmed, ``NotFound`` for no such registration.

    ``just_confirmed`` (the confirmation listener) skips the first look, which would find
    nothing: under a burst that is one query less per registration while the batch still checks.
    """
    if not just_confirmed:
        token = await live_token(registration_id)
        if token is not None:
            return token
    return await _ensurers.get().submit(registration_id)


MAX_BATCH = 200


async def _drain(group: GroupCommit[int]) -> None:
    while group.queue:
        batch = group.take()
        try:
            done = await _issue_many([registration_id for registration_id, _ in batch], "", keep_live=True)
            outcomes: list[Any] = [done[registration_id] for registration_id, _ in batch]
        except Exception as exc:  # the transaction failed: nobody of this batch got a token
            outcomes = [exc] * len(batch)
        settle(batch, outcomes)


_ensurers: PerLoop[int] = PerLoop(_drain, MAX_BATCH)


def _unwrap(outcome: str | Exception) -> str:
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


async def _issue_many(
    registration_ids: list[int], reason: str, *, keep_live: bool
) -> dict[int, str | Exception]:
    """Issue tokens for several registrations in one transaction; per id a token or the error.

    ``keep_live``: a registration that has a live token keeps it (``ensure_token``); otherwise
    its live token is revoked with ``reason`` and the next serial issued (``issue_token``).
    """
    wanted = sorted(set(registration_ids))
    outcomes: dict[int, str | Exception] = {}
    found = {
        row["id"]: row
        for row in await Registration.select(
            Registration.id,
            Registration.event,
            Registration.status,
            Registration.event.starts_at,
            Registration.event.ends_at,
            Registration.event.timezone,
        ).where(Registration.id.is_in(wanted))
    }
    for registration_id in wanted:
        row = found.get(registration_id)
        if row is None or row["status"] != "confirmed":
            outcomes[registration_id] = NotFound() if row is None else NotIssuable()
    todo = [registration_id for registration_id in wanted if registration_id not in outcomes]
    if not todo:
        return outcomes
    events = sorted({found[registration_id]["event"] for registration_id in todo})
    keys = {event_id: await signing_key(event_id) for event_id in events}  # may write: not inside
    now = dt.datetime.now(dt.UTC)
    async with TicketToken._meta.db.transaction():
        # Serialise issuers of these registrations (PostgreSQL: row locks in id order, which a
        # cancellation also takes; SQLite: the write lock) and read the status again under
        # them: a cancellation committed since the read above must not get a live token.
        locked = (
            Registration.select(Registration.id, Registration.status, Registration.ticket_type)
            .where(Registration.id.is_in(todo))
            .order_by(Registration.id)
        )
        current = {row["id"]: row for row in await (locked if is_sqlite() else locked.lock_rows())}
        live = {
            row["registration"]: row["token"]
            for row in await TicketToken.select(TicketToken.registration, TicketToken.token).where(
                TicketToken.registration.is_in(todo) & TicketToken.revoked_at.is_null()
            )
        }
        last = {
            row["registration"]: row["last"]
            for row in await TicketToken.select(
                TicketToken.registration, Max(TicketToken.serial, alias="last")
            )
            .where(TicketToken.registration.is_in(todo))
            .group_by(TicketToken.registration)
        }
        new_rows, revoke = [], []
        for registration_id in todo:
            row, reg = current.get(registration_id), found[registration_id]
            if row is None or row["status"] != "confirmed":
                outcomes[registration_id] = NotIssuable()
                continue
            if registration_id in live:
                if keep_live:  # another caller issued it while we waited for the lock
                    outcomes[registration_id] = live[registration_id]
                    continue
                revoke.append(registration_id)
            days = event_days(reg["event.starts_at"], reg["event.ends_at"], reg["event.timezone"])
            key_id, private_key = keys[reg["event"]]
            claims = TicketClaims(
                key_id=key_id,
                event_id=reg["event"],
                registration_id=registration_id,
                ticket_type_id=row["ticket_type"],
                serial=last.get(registration_id, 0) + 1,
                valid_days=days_mask(days[0], days),
            )
            token = outcomes[registration_id] = sign(claims, private_key)
            new_rows.append(
                TicketToken(registration=registration_id, serial=claims.serial, token=token, issued_at=now)
            )
        if revoke:
            await TicketToken.update(
                {TicketToken.revoked_at: now, TicketToken.revoked_reason: reason[:40]}
            ).where(TicketToken.registration.is_in(revoke) & TicketToken.revoked_at.is_null())
        if new_rows:
            await TicketToken.insert(*new_rows)
    return outcomes


async def live_token(registration_id: int) -> str | None:
    row = (
        await TicketToken.select(TicketToken.token)
        .where((TicketToken.registration == registration_id) & TicketToken.revoked_at.is_null())
        .first()
    )
    return row["token"] if row else None


async def revoke_token(registration_id: int, reason: str) -> int:
    """Revoke the registration's live token (e.g. on cancellation); returns how many were revoked."""
    rows = (
        await TicketToken.update(
            {TicketToken.revoked_at: dt.datetime.now(dt.UTC), TicketToken.revoked_reason: reason[:40]}
        )
        .where((TicketToken.registration == registration_id) & TicketToken.revoked_at.is_null())
        .returning(TicketToken.id)
    )
    return len(rows)


class Revoked(msgspec.Struct, frozen=True):
    registration_id: int
    serial: int


async def revocation_list(event_id: int) -> list[Revoked]:
    """Every revoked (registration id, serial) of the event, for scanners and offline bundles."""
    rows = (
        await TicketToken.select(TicketToken.registration, TicketToken.serial)
        .where((TicketToken.registration.event == event_id) & TicketToken.revoked_at.is_not_null())
        .order_by(TicketToken.registration)
        .order_by(TicketToken.serial)
    )
    return [Revoked(r["registration"], r["serial"]) for r in rows]

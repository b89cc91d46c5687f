"""Scanner devices: phones paired to one event's check-in, and the device tokens they use.

Pairing: an organiser adds a device (name, lists) and the dashboard shows a one-time code as a
QR of ``/scanner/pair#<code>`` (the fragment never reaches server logs). The phone trades the code
for a device token with ``pair``: one conditional update consumes the code, so a code pairs one
phone once, within ``PAIRING_TTL``. Tokens and codes are stored as SHA-256 hashes only.

A device token authenticates scan requests (``Authorization: Bearer lyd_…``): ``device_for_token``
resolves it, with a short in-process cache so a busy door costs no database read per scan.
Revoking clears the cache here; other processes forget within ``CACHE_TTL_S``, and the scan
transaction itself re-checks ``revoked_at``, so a revoked phone's scans are refused at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from app.auth import CurrentUser
from app.db import fast
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from checkin.schemas import DeviceCreate, DevicePairing, DeviceRead, PairedDevice, PairResponse
from checkin.tables import CheckinList, ScannerDevice
from events.access import organiser_event

DEVICE_TOKEN_PREFIX = "lyd_"
PAIRING_TTL = dt.timedelta(minutes=15)
CACHE_TTL_S = 5.0
# Crockford's base32 without the look-alikes: codes can be typed from the screen if need be.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class PairingInvalid(NotFound):
    code, message = "pairing_invalid", N_("This pairing code is unknown, used or expired.")


@dataclass(slots=True, frozen=True)
class Device:
    """A paired, unrevoked device as a request principal."""

    id: int
    event_id: int
    name: str
    list_ids: frozenset[int]  # empty: every list of the event

    def may_use_list(self, list_id: int) -> bool:
        return not self.list_ids or list_id in self.list_ids


def _json_list(value: Any) -> list[int]:
    """JSON columns come back as text from raw queries."""
    return list(json.loads(value) if isinstance(value, str) else value or [])


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _status(row: dict[str, Any]) -> str:
    if row["revoked_at"] is not None:
        return "revoked"
    return "paired" if row["paired_at"] is not None else "awaiting_pairing"


def device_read(row: dict[str, Any]) -> DeviceRead:
    return DeviceRead(
        id=row["id"],
        event_id=row["event"],
        name=row["name"],
        list_ids=list(row["list_ids"] or []),
        status=_status(row),
        paired_at=row["paired_at"],
        last_seen_at=row["last_seen_at"],
        revoked_at=row["revoked_at"],
        created_at=row["created_at"],
    )


async def _get(event_id: int, device_id: int) -> dict[str, Any]:
    row = (
        await ScannerDevice.select()
        .where((ScannerDevice.id == device_id) & (ScannerDevice.event == event_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def _check_lists(event_id: int, ids: list[int]) -> list[int]:
    wanted = sorted(set(ids))
    if not wanted:
        return []
    rows = await CheckinList.select(CheckinList.id).where(
        (CheckinList.event == event_id) & CheckinList.id.is_in(wanted)
    )
    if len(rows) != len(wanted):
        raise InvalidInput({"list_ids": N_("Choose check-in lists of this event.")})
    return wanted


async def _new_pairing(device_id: int) -> tuple[str, dt.datetime]:
    code = _new_code()
    expires = dt.datetime.now(dt.UTC) + PAIRING_TTL
    await ScannerDevice.update(
        {
            ScannerDevice.pairing_code_hash: _hash(normalise_code(code)),
            ScannerDevice.pairing_expires_at: expires,
        }
    ).where(ScannerDevice.id == device_id)
    return code, expires


def _pairing(row: dict[str, Any], code: str, expires: dt.datetime) -> DevicePairing:
    return DevicePairing(
        device=device_read(row), code=code, pairing_url_path=f"/scanner/pair#{code}", expires_at=expires
    )


# --- organiser side -----------------------------------------------------------------------


async def list_devices(user: CurrentUser, event_id: int) -> list[DeviceRead]:
    await organiser_event(user, event_id)
    rows = (
        await ScannerDevice.select()
        .where(ScannerDevice.event == event_id)
        .order_by(ScannerDevice.id)
        .output(load_json=True)
    )
    return [device_read(r) for r in rows]


async def create_device(user: CurrentUser, event_id: int, data: DeviceCreate) -> DevicePairing:
    await organiser_event(user, event_id)
    row = ScannerDevice(
        event=event_id,
        name=data.name,
        list_ids=await _check_lists(event_id, data.list_ids),
        created_by=user.id,
    )
    await row.save()
    code, expires = await _new_pairing(row.id)
    return _pairing(await _get(event_id, row.id), code, expires)


async def renew_pairing(user: CurrentUser, event_id: int, device_id: int) -> DevicePairing:
    """A fresh code, e.g. to move the device to another phone; the old token works until used."""
    await organiser_event(user, event_id)
    row = await _get(event_id, device_id)
    if row["revoked_at"] is not None:
        raise NotFound()
    code, expires = await _new_pairing(device_id)
    return _pairing(await _get(event_id, device_id), code, expires)


async def revoke_device(user: CurrentUser, event_id: int, device_id: int) -> DeviceRead:
    await organiser_event(user, event_id)
    await _get(event_id, device_id)
    await ScannerDevice.update(
        {
            ScannerDevice.revoked_at: dt.datetime.now(dt.UTC),
            ScannerDevice.pairing_code_hash: None,
            ScannerDevice.pairing_expires_at: None,
        }
    ).where((ScannerDevice.id == device_id) & ScannerDevice.revoked_at.is_null())
    forget_device(device_id)
    return device_read(await _get(event_id, device_id))


# --- the phone's side ---------------------------------------------------------------------


async def pair(code: str) -> PairResponse:
    """Trade a pairing code for a device token (once: the update consumes the code)."""
    token = DEVICE_TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    rows = (
        await ScannerDevice.update(
            {
                ScannerDevice.token_hash: _hash(token),
                ScannerDevice.pairing_code_hash: None,
                ScannerDevice.pairing_expires_at: None,
                ScannerDevice.paired_at: now,
            }
        )
        .where(
            (ScannerDevice.pairing_code_hash == _hash(normalise_code(code)))
            & (ScannerDevice.pairing_expires_at > now)
            & ScannerDevice.revoked_at.is_null()
        )
        .returning(ScannerDevice.id, ScannerDevice.event, ScannerDevice.name, ScannerDevice.list_ids)
    )
    if not rows:
        raise PairingInvalid()
    row = rows[0]
    list_ids = _json_list(row["list_ids"])
    _cache.clear()  # the device's previous token (if re-paired) must stop working here at once
    return PairResponse(
        device_token=token,
        device=PairedDevice(id=row["id"], name=row["name"], event_id=row["event"], list_ids=list_ids),
    )


# --- device tokens as principals ------------------------------------------------------------

_cache: dict[str, tuple[Device | None, float]] = {}
_seen: set[int] = set()
_seen_flushed_at = time.monotonic()
_background: set[asyncio.Task[None]] = set()
SEEN_FLUSH_S = 60.0


def forget_device(device_id: int) -> None:
    for key in [k for k, (dev, _t) in _cache.items() if dev is not None and dev.id == device_id]:
        del _cache[key]


async def device_for_token(token: str) -> Device | None:
    key = _hash(token)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[1] > now:
        device = hit[0]
    else:
        row = await fast().fetchrow(
            "SELECT id, event, name, list_ids FROM luyan_scanner_device "
            "WHERE token_hash = $1 AND revoked_at IS NULL",
            key,
        )
        device = None
        if row is not None:
            ids = _json_list(row["list_ids"])
            device = Device(row["id"], row["event"], row["name"], frozenset(ids))
        if len(_cache) > 10_000:
            _cache.clear()
        _cache[key] = (device, now + CACHE_TTL_S)
    if device is not None:
        _touch(device.id)
    return device


def _touch(device_id: int) -> None:
    """``last_seen_at`` is written in one batch a minute, not per scan."""
    global _seen_flushed_at
    _seen.add(device_id)
    now = time.monotonic()
    if now - _seen_flushed_at >= SEEN_FLUSH_S:
        _seen_flushed_at = now
        ids = list(_seen)
        _seen.clear()
        task = asyncio.get_running_loop().create_task(_flush_seen(ids))
        _background.add(task)
        task.add_done_callback(_background.discard)


async def _flush_seen(ids: list[int]) -> None:
    await ScannerDevice.update({ScannerDevice.last_seen_at: dt.datetime.now(dt.UTC)}).where(
        ScannerDevice.id.is_in(ids)
    )

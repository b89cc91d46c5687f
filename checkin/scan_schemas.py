"""Request and response shapes of scanning: scans, offline sync, the offline bundle, search."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from checkin.schemas import CheckinListRead

# A client-made id per scan attempt: retrying with the same nonce returns the first answer.
Nonce = Annotated[str, msgspec.Meta(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Token = Annotated[str, msgspec.Meta(min_length=1, max_length=512)]
Direction = Literal["entry", "exit"]
ScanCode = Literal[
    "ok",
    "already_checked_in",
    "revoked",
    "unknown",
    "wrong_event",
    "not_valid_now",
    "not_approved",
    "wrong_list",
    "not_inside",
]


class ScanRequest(msgspec.Struct, forbid_unknown_fields=True):
    list_id: int
    nonce: Nonce
    token: Token | None = None  # the QR's content
    registration_id: int | None = None  # a manual check-in (found by search) instead of a token
    direction: Direction = "entry"


class OfflineScan(msgspec.Struct, forbid_unknown_fields=True):
    list_id: int
    nonce: Nonce
    scanned_at: dt.datetime
    admitted_offline: bool  # the device let the person through without asking the server
    token: Token | None = None
    registration_id: int | None = None
    direction: Direction = "entry"


class SyncRequest(msgspec.Struct, forbid_unknown_fields=True):
    scans: Annotated[list[OfflineScan], msgspec.Meta(min_length=1, max_length=500)]


class Attendee(msgspec.Struct):
    registration_id: int
    code: str
    name: str
    organisation: str
    ticket_type_id: int
    ticket_type: str  # in the caller's language


class PreviousScan(msgspec.Struct):
    at: dt.datetime
    list_id: int
    list_name: str
    device: str


class ScanResult(msgspec.Struct):
    code: ScanCode
    admitted: bool
    message: str
    scan_id: int
    list_id: int
    direction: Direction
    attendee: Attendee | None = None
    previous: PreviousScan | None = None
    conflict: bool = False  # offline sync only: admitted although refused by the server's records


class SyncResponse(msgspec.Struct):
    results: list[ScanResult]


class AttendeeHit(msgspec.Struct):
    registration_id: int
    code: str
    name: str
    organisation: str
    ticket_type_id: int
    ticket_type: str
    status: str


# --- offline bundle -------------------------------------------------------------------------


class BundleEvent(msgspec.Struct):
    id: int
    title_en: str
    title_zh: str
    timezone: str
    first_day: dt.date
    days: list[dt.date]


class BundleKey(msgspec.Struct):
    key_id: int
    public_key: str  # base64 of the raw 32-byte Ed25519 public key


class BundleRevoked(msgspec.Struct):
    registration_id: int
    serial: int


class BundleTicketType(msgspec.Struct):
    id: int
    name_en: str
    name_zh: str


class BundleAttendee(msgspec.Struct):
    registration_id: int
    code: str
    name: str
    organisation: str
    ticket_type_id: int
    status: str
    serial: int | None  # the live token's serial; None: no ticket issued yet


class BundleCheckedIn(msgspec.Struct):
    list_id: int
    registration_id: int
    inside: bool


class BundleDevice(msgspec.Struct):
    id: int
    name: str
    event_id: int
    list_ids: list[int]


class Bundle(msgspec.Struct):
    event: BundleEvent
    public_keys: list[BundleKey]
    revoked: list[BundleRevoked]
    lists: list[CheckinListRead]
    ticket_types: list[BundleTicketType]
    attendees: list[BundleAttendee]
    checked_in: list[BundleCheckedIn]
    generated_at: dt.datetime
    device: BundleDevice | None


class Badge(msgspec.Struct):
    registration_id: int
    name: str
    organisation: str
    ticket_type: str
    event_title: str
    qr_svg: str

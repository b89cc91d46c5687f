"""Request and response shapes of the check-in API (tag ``checkin``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
OptionalName = Annotated[str, msgspec.Meta(max_length=120)]
Gate = Annotated[str, msgspec.Meta(max_length=120)]
Position = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
TicketTypeIds = Annotated[list[int], msgspec.Meta(max_length=200)]
Days = Annotated[list[dt.date], msgspec.Meta(max_length=32)]


class CheckinListCreate(msgspec.Struct, forbid_unknown_fields=True):
    name_en: Name
    name_zh: OptionalName = ""
    gate: Gate = ""
    agenda_session_id: int | None = None
    ticket_type_ids: TicketTypeIds = msgspec.field(default_factory=list)  # empty: every ticket type
    days: Days = msgspec.field(default_factory=list)  # empty: every day of the event
    allow_reentry: bool = False
    allow_exit: bool = False
    position: Position = 0


class CheckinListUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name_en: Name | UnsetType = UNSET
    name_zh: OptionalName | UnsetType = UNSET
    gate: Gate | UnsetType = UNSET
    agenda_session_id: int | UnsetType | None = UNSET
    ticket_type_ids: TicketTypeIds | UnsetType = UNSET
    days: Days | UnsetType = UNSET
    allow_reentry: bool | UnsetType = UNSET
    allow_exit: bool | UnsetType = UNSET
    position: Position | UnsetType = UNSET


class CheckinListRead(msgspec.Struct):
    id: int
    event_id: int
    name_en: str
    name_zh: str
    gate: str
    agenda_session_id: int | None
    ticket_type_ids: list[int]
    days: list[dt.date]
    allow_reentry: bool
    allow_exit: bool
    position: int
    created_at: dt.datetime
    registration_ids: list[int] | None = None  # only these people (None: everyone the rules allow)


# --- scanner devices ----------------------------------------------------------------------

ListIds = Annotated[list[int], msgspec.Meta(max_length=200)]


class DeviceCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    list_ids: ListIds = msgspec.field(default_factory=list)  # empty: every list of the event


class DeviceRead(msgspec.Struct):
    id: int
    event_id: int
    name: str
    list_ids: list[int]
    status: str  # awaiting_pairing | paired | revoked
    paired_at: dt.datetime | None
    last_seen_at: dt.datetime | None
    revoked_at: dt.datetime | None
    created_at: dt.datetime


class DevicePairing(msgspec.Struct):
    """Shown once: the code (and the URL the pairing QR encodes) is not stored in clear."""

    device: DeviceRead
    code: str
    pairing_url_path: str  # "/scanner/pair#<code>"
    expires_at: dt.datetime


PairingCode = Annotated[str, msgspec.Meta(min_length=4, max_length=40)]


class PairRequest(msgspec.Struct, forbid_unknown_fields=True):
    code: PairingCode


class PairedDevice(msgspec.Struct):
    id: int
    name: str
    event_id: int
    list_ids: list[int]


class PairResponse(msgspec.Struct):
    device_token: str
    device: PairedDevice

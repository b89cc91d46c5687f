"""Request and response shapes of lodging: hotels, rooms, room assignment, travel and manifests."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from app.errors import Conflict, InvalidInput
from app.i18n import N_

Name = Annotated[str, Meta(min_length=1, max_length=200)]
OptionalName = Annotated[str, Meta(max_length=200)]
Night = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$", description="A local date, YYYY-MM-DD")]
Direction = Literal["arrival", "departure"]
Mode = Literal["flight", "train", "car", "other"]
ManifestKind = Literal["hotel", "buses", "restaurant"]


# -- hotels, room types, rooms ----------------------------------------------------------------
class HotelCreate(Struct, forbid_unknown_fields=True):
    name_en: Name
    name_zh: OptionalName = ""
    address: Annotated[str, Meta(max_length=300)] = ""
    phone: Annotated[str, Meta(max_length=40)] = ""


class HotelUpdate(Struct, forbid_unknown_fields=True):
    name_en: Name | UnsetType = UNSET
    name_zh: OptionalName | UnsetType = UNSET
    address: Annotated[str, Meta(max_length=300)] | UnsetType = UNSET
    phone: Annotated[str, Meta(max_length=40)] | UnsetType = UNSET


class RoomTypeCreate(Struct, forbid_unknown_fields=True):
    name_en: Annotated[str, Meta(min_length=1, max_length=120)]
    name_zh: Annotated[str, Meta(max_length=120)] = ""
    beds: Annotated[int, Meta(ge=1, le=12)] = 2


class RoomCreate(Struct, forbid_unknown_fields=True):
    number: Annotated[str, Meta(min_length=1, max_length=20)]
    first_night: dt.date
    last_night: dt.date


class RoomBatchCreate(Struct, forbid_unknown_fields=True):
    """Several rooms of one type at once, e.g. numbers ``301``..``320``."""

    numbers: Annotated[
        list[Annotated[str, Meta(min_length=1, max_length=20)]], Meta(min_length=1, max_length=500)
    ]
    first_night: dt.date
    last_night: dt.date


class RoomRead(Struct):
    id: int
    room_type_id: int
    number: str
    first_night: str
    last_night: str


class RoomTypeRead(Struct):
    id: int
    hotel_id: int
    name_en: str
    name_zh: str
    beds: int
    rooms: list[RoomRead]


class HotelRead(Struct):
    id: int
    event_id: int
    name_en: str
    name_zh: str
    address: str
    phone: str
    room_types: list[RoomTypeRead]


class InventoryCell(Struct):
    room_type_id: int
    rooms_total: int
    rooms_free: int
    beds_total: int
    beds_free: int


class InventoryNight(Struct):
    night: str
    cells: list[InventoryCell]


class InventoryType(Struct):
    room_type_id: int
    hotel_id: int
    hotel_name: str
    name: str
    beds: int


class Inventory(Struct):
    """Rooms and beds free per room type and night of the event."""

    nights: list[str]
    room_types: list[InventoryType]
    rows: list[InventoryNight]


# -- parties and assignment ----------------------------------------------------------------------
class Stay(Struct):
    night: str
    room_id: int
    room_number: str
    hotel_name: str
    automatic: bool


class PartyRead(Struct):
    guest_registration_id: int
    name: str
    members: list[str]
    size: int
    nights: list[str]
    stays: list[Stay]
    unassigned_nights: list[str]


class UnplacedParty(Struct):
    guest_registration_id: int
    name: str
    size: int
    nights: list[str]


class AssignmentResult(Struct):
    placed: int  # parties given rooms by this pass
    room_nights: int  # room nights written by this pass
    unplaced: list[UnplacedParty]


class MoveRequest(Struct, forbid_unknown_fields=True):
    guest_registration_id: int
    room_id: int
    nights: list[Night] | None = None  # None: every night of the party


class SwapRequest(Struct, forbid_unknown_fields=True):
    first_guest_registration_id: int
    second_guest_registration_id: int
    nights: list[Night] | None = None  # None: every night both parties have a room


class ReleaseRequest(Struct, forbid_unknown_fields=True):
    guest_registration_id: int
    nights: list[Night] | None = None


# -- travel ----------------------------------------------------------------------------------------
class TravelWrite(Struct, forbid_unknown_fields=True):
    at: dt.datetime
    mode: Mode = "train"
    number: Annotated[str, Meta(max_length=20)] = ""
    station_en: Annotated[str, Meta(max_length=200)] = ""
    station_zh: Annotated[str, Meta(max_length=200)] = ""
    pickup: bool = True
    vehicle: Annotated[str, Meta(max_length=60)] = ""  # organisers only; guests' values are ignored
    note: Annotated[str, Meta(max_length=300)] = ""


class TravelRead(Struct):
    guest_registration_id: int
    direction: Direction
    mode: str
    number: str
    at: dt.datetime
    station_en: str
    station_zh: str
    pickup: bool
    vehicle: str
    note: str


class PickupRow(Struct):
    time: str  # local HH:MM
    guest_registration_id: int
    name: str
    size: int
    mode: str
    number: str
    note: str


class PickupGroup(Struct):
    direction: Direction
    station: str
    vehicle: str
    people: int
    rows: list[PickupRow]


class PickupDay(Struct):
    day: str
    people: int
    groups: list[PickupGroup]


# -- manifests ---------------------------------------------------------------------------------
class Manifest(Struct):
    """One day's manifest as a table: translated headers and rows of text, ready to print."""

    kind: ManifestKind
    day: str
    headers: list[str]
    rows: list[list[str]]
    notice: str = ""  # e.g. why dietary needs are not shown
    care_shown: bool = False


def to_dict(value: Struct) -> dict:
    return msgspec.to_builtins(value)


# -- errors ------------------------------------------------------------------------------------
class RoomTaken(Conflict):
    code = "room_taken"
    message = N_("Room %(room)s is already taken on the night of %(night)s.")


class RoomTooSmall(InvalidInput):
    code = "room_too_small"

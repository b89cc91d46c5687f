"""Request and response shapes of retreat invitations, imports and companions."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

InvitationStatus = Literal["sent", "accepted", "declined", "revoked"]
INVITATION_STATUSES: tuple[str, ...] = ("sent", "accepted", "declined", "revoked")
Relationship = Literal["spouse", "child", "parent", "assistant", "other"]
RELATIONSHIPS: tuple[str, ...] = ("spouse", "child", "parent", "assistant", "other")
AgeGroup = Literal["infant", "child", "adult", "senior"]
AGE_GROUPS: tuple[str, ...] = ("infant", "child", "adult", "senior")
DuplicatePolicy = Literal["skip", "refuse"]

MAX_COMPANIONS = 10
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Honorific = Annotated[str, msgspec.Meta(max_length=60)]
OrganisationName = Annotated[str, msgspec.Meta(max_length=200)]
Note = Annotated[str, msgspec.Meta(max_length=200)]
CompanionsAllowed = Annotated[int, msgspec.Meta(ge=0, le=MAX_COMPANIONS)]


class InvitationCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    email: Email
    honorific: Honorific = ""
    organisation: OrganisationName = ""
    companions_allowed: CompanionsAllowed = 2
    note: Note = ""


class InvitationRead(msgspec.Struct):
    id: int
    event_id: int
    name: str
    email: str
    honorific: str
    organisation: str
    status: InvitationStatus
    companions_allowed: int
    companions: int  # registered, live
    registration_id: int | None
    note: str
    import_batch: str
    created_at: dt.datetime
    responded_at: dt.datetime | None


class InvitationCreated(msgspec.Struct):
    """The link is shown once, to the organiser who made it; only its hash is stored."""

    invitation: InvitationRead
    link: str


class InvitationList(msgspec.Struct):
    counts: dict[str, int]  # status -> invitations, over the whole event (filters aside)
    total: int
    items: list[InvitationRead]


class InvitationImport(msgspec.Struct, forbid_unknown_fields=True):
    """A CSV file's text (UTF-8; a BOM is fine), and what to do with emails already invited."""

    csv: Annotated[str, msgspec.Meta(min_length=1, max_length=2_000_000)]
    duplicates: DuplicatePolicy = "skip"


class RowError(msgspec.Struct):
    row: int  # 1 = the header line, so the first guest is row 2 as in a spreadsheet
    field: str
    message: str


class ImportReport(msgspec.Struct):
    batch: str
    created: int
    skipped: list[str]  # emails already invited (duplicates="skip"), in file order
    errors: list[RowError]  # non-empty: nothing was imported


class CompanionCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    relationship: Relationship = "spouse"
    age_group: AgeGroup = "adult"


class CompanionUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    relationship: Relationship | msgspec.UnsetType = msgspec.UNSET
    age_group: AgeGroup | msgspec.UnsetType = msgspec.UNSET


class CompanionRead(msgspec.Struct):
    id: int
    registration_id: int
    guest_registration_id: int
    name: str
    relationship: Relationship
    age_group: AgeGroup
    code: str
    status: str
    ticket_url: str


class PartyRead(msgspec.Struct):
    event_id: int
    guest_registration_id: int
    guest_name: str
    guest_code: str
    guest_ticket_url: str
    companions_allowed: int
    companions: list[CompanionRead]

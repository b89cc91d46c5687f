"""Request and response shapes of retreat care data (tag ``retreats``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from app.i18n import N_

CareText = Annotated[str, msgspec.Meta(max_length=2000)]
CareAction = Literal["list", "read", "update", "export", "refused", "granted", "revoked"]
PartyRole = Literal["guest", "companion", "attendee"]
ROLE_LABELS = {"guest": N_("Guest"), "companion": N_("Companion"), "attendee": N_("Attendee")}


class CareRecordInput(msgspec.Struct, forbid_unknown_fields=True):
    """One person's needs; the whole record is replaced (empty text clears a field)."""

    dietary: CareText = ""
    mobility: CareText = ""
    medical: CareText = ""


class CareAnswer(msgspec.Struct):
    """The answer to a care question of the registration form, as text."""

    question_id: int
    label_en: str
    label_zh: str
    answer: str


class CareRead(msgspec.Struct):
    registration_id: int
    name: str
    role: PartyRole
    guest_registration_id: int | None  # the party's guest, for a companion
    dietary: str
    mobility: str
    medical: str
    answers: list[CareAnswer]
    updated_at: dt.datetime | None  # None: no care record entered yet

    @property
    def is_empty(self) -> bool:
        return not (self.dietary or self.mobility or self.medical or self.answers)


class CareOverview(msgspec.Struct):
    """What an organiser may always know: how many people have care data, never its content."""

    event_id: int
    people_with_care_data: int
    may_read: bool
    may_grant: bool


class CarePermissionCreate(msgspec.Struct, forbid_unknown_fields=True):
    user_id: int


class CarePermissionRead(msgspec.Struct):
    user_id: int
    display_name: str
    email: str
    granted_by: int | None
    created_at: dt.datetime


class CareLogRead(msgspec.Struct):
    id: int
    user_id: int | None
    user_name: str
    registration_id: int | None
    person: str
    action: str
    detail: str
    created_at: dt.datetime


class CareLogPage(msgspec.Struct):
    items: list[CareLogRead]
    total: int
    limit: int
    offset: int

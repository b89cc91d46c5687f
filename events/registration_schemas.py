"""Request and response shapes of the registrations API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

RegistrationStatus = Literal[
    "pending", "confirmed", "waitlisted", "offered", "awaiting_pay", "rejected", "cancelled", "expired"
]
STATUSES: tuple[str, ...] = (
    "pending",
    "confirmed",
    "waitlisted",
    "offered",
    "awaiting_pay",  # a priced ticket's seat held while the attendee pays (``events.payments``)
    "rejected",
    "cancelled",
    "expired",
)
# Statuses that still count as "registered" (the partial unique index uses the complement).
LIVE_STATUSES: tuple[str, ...] = ("pending", "confirmed", "waitlisted", "offered", "awaiting_pay")

AttendeeName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Organisation = Annotated[str, msgspec.Meta(max_length=200)]
Answer = str | list[str]


class RegistrationCreate(msgspec.Struct, forbid_unknown_fields=True):
    """``answers`` maps question ids (as strings) to text, one option value, or a list of them."""

    ticket_type_id: int
    attendee_name: AttendeeName | None = None
    attendee_organisation: Organisation = ""
    answers: dict[str, Answer] = {}
    invitation_code: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class RegistrationRead(msgspec.Struct):
    id: int
    code: str
    status: RegistrationStatus
    event_id: int
    ticket_type_id: int
    attendee_name: str
    attendee_email: str
    attendee_organisation: str
    answers: dict[str, Answer]
    offer_expires_at: dt.datetime | None
    created_at: dt.datetime
    # ``awaiting_pay``: where to pay (Stripe Checkout); ``offer_expires_at`` is when the hold ends.
    checkout_url: str | None = None


class MyRegistration(RegistrationRead):
    """One of my registrations, with what I need to recognise the event."""

    event_title_en: str = ""
    event_title_zh: str = ""
    event_starts_at: dt.datetime | None = None
    event_timezone: str = "Asia/Shanghai"
    ticket_name_en: str = ""
    ticket_name_zh: str = ""


class RegistrationPage(msgspec.Struct):
    """One page of an event's registrations, with totals for the filters' badges."""

    items: list[RegistrationRead]
    total: int
    limit: int
    offset: int
    counts: dict[str, int]

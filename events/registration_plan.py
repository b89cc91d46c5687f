"""From the pre-read to a ready-to-write registration: every check that needs no further query.

``build_plan`` takes the rows of ``registration_hot.PREREAD_SQL`` and either raises the
``DomainError`` that applies or returns a ``Plan`` with its mails rendered. It does no I/O, so
it runs wherever the pre-read ran: on the event loop (PostgreSQL) or inside SQLite's group
commit on the writer thread.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

import msgspec

from app.auth import CurrentUser
from events.registration_answers import validate_answers
from events.registration_errors import (
    AlreadyRegistered,
    CapacityExhausted,
    InvitationInvalid,
    InvitationRequired,
    PaymentRequired,
    RegistrationClosed,
    SalesClosed,
    SalesNotOpen,
)
from events.registration_hot import Plan
from events.registration_mail import MailSet, shared_context

# No 0/O, 1/I/L: codes are read aloud at the door and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_CODE_SPACE = len(CODE_ALPHABET) ** CODE_LENGTH


def new_code() -> str:
    """A uniformly random code from one draw of the system's CSPRNG."""
    number = secrets.randbelow(_CODE_SPACE)
    digits = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[digit])
    return "".join(digits)


@dataclass(slots=True, frozen=True)
class RegistrationRequest:
    user: CurrentUser
    event_id: int
    ticket_type_id: int
    attendee_name: str | None
    attendee_organisation: str
    answers: dict[str, Any]
    invitation_code: str  # stripped and upper case, as codes are stored; "" for none

    @property
    def preread_args(self) -> tuple[Any, ...]:
        return (self.event_id, self.ticket_type_id, self.user.id, self.invitation_code or None)


def needs_lookup(rows: list[dict[str, Any]]) -> bool:
    """No match, or a draft: telling 404 from 409/422 takes more queries."""
    return not rows or rows[0]["event_status"] == "draft"


def check_open(head: dict[str, Any], now: dt.datetime) -> None:
    if head["event_status"] != "published":
        raise RegistrationClosed()
    if head["sales_start"] is not None and now < head["sales_start"]:
        raise SalesNotOpen()
    if head["sales_end"] is not None:
        if now >= head["sales_end"]:
            raise SalesClosed()
    elif head["ends_at"] is not None and now >= head["ends_at"]:
        raise SalesClosed()  # no explicit end: sales stop when the event is over


def build_plan(
    request: RegistrationRequest, rows: list[dict[str, Any]], prerender: bool = True, paying: bool = False
) -> Plan:
    """Check the pre-read and build the write; raises a ``DomainError``.

    With ``prerender`` the mails of every possible outcome are rendered now (for a write that
    cannot render, such as PostgreSQL's single statement); without, the write renders the one
    it needs. A priced ticket that would get a seat raises ``PaymentRequired`` unless
    ``paying`` (the payment service holds the seat instead).
    """
    head = rows[0]
    now = dt.datetime.now(dt.UTC)
    check_open(head, now)
    if head["existing_id"] is not None:
        raise AlreadyRegistered()
    invitation_id: int | None = None
    if head["invitation_only"]:
        if not request.invitation_code:
            raise InvitationRequired()
        if head["invitation_id"] is None:
            raise InvitationInvalid()
        invitation_id = head["invitation_id"]
    questions = [
        {"id": row["q_id"], "kind": row["q_kind"], "required": row["q_required"], "options": row["q_options"]}
        for row in rows
        if row["q_id"] is not None
    ]
    clean = validate_answers(questions, request.answers)
    user = request.user
    name = (request.attendee_name or "").strip() or user.display_name
    approval = bool(head["requires_approval"])
    # Full, or others already waiting: queue up behind them without trying for a seat.
    seat_free = head["taken"] < head["capacity"] and not head["queue_waiting"]
    if not approval and not seat_free and not head["waitlist_enabled"]:
        raise CapacityExhausted()
    if not paying and head["price_cents"] > 0 and not approval and seat_free:
        raise PaymentRequired()
    code = new_code()
    plan = Plan(
        event_id=head["event_id"],
        organisation_id=head["organisation"],
        ticket_type_id=head["ticket_id"],
        user_id=user.id,
        email=user.email,
        name=name,
        organisation=request.attendee_organisation.strip(),
        answers_json=msgspec.json.encode(clean).decode(),
        invitation_id=invitation_id,
        want_seat=not approval and seat_free,
        fallback="pending" if approval else ("waitlisted" if head["waitlist_enabled"] else None),
        code=code,
        now=now,
        mails=MailSet(user.locale, shared_context(head, head, user.locale), {"name": name, "code": code}),
    )
    if prerender:
        plan.prerender()
    return plan


def new_code_for(plan: Plan) -> None:
    """After a clash of public codes: draw another and re-render the mails that show it."""
    plan.code = new_code()
    plan.mails = MailSet(plan.mails.locale, plan.mails.shared, {"name": plan.name, "code": plan.code})
    plan.prerender()

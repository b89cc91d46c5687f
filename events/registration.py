"""Registering for an event: the service behind the API, the form and the benchmark.

``register`` reads everything it needs in one query (``registration_hot.PREREAD_SQL``),
checks it (``registration_plan.build_plan``: event open, ticket type, sales window, one live
registration per person, invitation code, answers), renders the mails the outcome may need,
and writes with the seat guard (``registration_hot``). Per database:

* SQLite: registrations are group-committed (``registration_batch``): pre-read, checks and
  write of each run in its own savepoint inside one ``BEGIN IMMEDIATE`` transaction per batch.
* PostgreSQL: registrations are batched too (``registration_pg_batch``): one pre-read and one
  data-modifying statement for everyone queued for a ticket type; with an invitation code, one
  pooled connection for the pre-read and a transaction counting the code's use.

Cancelling, approving, rejecting and accepting offers live in ``registration_actions``; the
waiting list in ``events.waitlist``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.db import fast
from app.errors import DomainError, InvalidInput, NotFound
from app.i18n import N_
from app.mail.outbox import wake_sender
from app.settings import Settings, get_settings
from app.signals import emit
from events import registration_batch, registration_pg_batch
from events import registration_hot as hot
from events.registration_actions import accept_offer, approve, cancel, reject
from events.registration_db import is_organiser_of
from events.registration_errors import PaymentRequired, RegistrationClosed
from events.registration_plan import (
    RegistrationRequest,
    build_plan,
    needs_lookup,
    new_code,
    new_code_for,
)

__all__ = ["Registered", "accept_offer", "approve", "cancel", "new_code", "register", "reject"]

CODE_ATTEMPTS = 5  # 31^8 codes: a clash is already unlikely, five in a row practically impossible


@dataclass(slots=True)
class Registered:
    id: int
    code: str
    status: str
    event_id: int
    ticket_type_id: int
    attendee_name: str
    attendee_email: str
    attendee_organisation: str
    answers: dict[str, Any]
    created_at: dt.datetime
    offer_expires_at: dt.datetime | None = None
    checkout_url: str | None = None  # a priced ticket: where to pay for the held seat


async def register(
    user: CurrentUser,
    event_id: int,
    ticket_type_id: int,
    attendee_name: str | None = None,
    attendee_organisation: str = "",
    answers: dict[str, Any] | None = None,
    invitation_code: str | None = None,
    settings: Settings | None = None,
) -> Registered:
    """Register ``user``: confirmed, waitlisted or pending; raises a ``DomainError`` otherwise.

    A ticket type with a price holds the seat instead (``awaiting_pay``) and returns where to
    pay (``events.payments``); ``settings`` are the app's (Stripe keys, public URL).
    """
    request = RegistrationRequest(
        user=user,
        event_id=event_id,
        ticket_type_id=ticket_type_id,
        attendee_name=attendee_name,
        attendee_organisation=attendee_organisation,
        answers=answers or {},
        invitation_code=(invitation_code or "").strip().upper(),
    )
    try:
        if get_settings().unguarded_registration:
            written = await _register_unguarded(request)
        elif fast().dialect == "sqlite":
            written = await _register_sqlite(request)
        else:
            written = await _register_postgres(request)
    except PaymentRequired:
        return await _register_paid(request, settings or get_settings())
    wake_sender()
    emit(
        f"registration.{written.status}",
        registration_id=written.registration_id,
        event_id=event_id,
        ticket_type_id=ticket_type_id,
        user_id=user.id,
        status=written.status,
    )
    plan = written.plan
    return Registered(
        id=written.registration_id,
        code=plan.code,
        status=written.status,
        event_id=event_id,
        ticket_type_id=ticket_type_id,
        attendee_name=plan.name,
        attendee_email=user.email,
        attendee_organisation=plan.organisation,
        answers=msgspec.json.decode(plan.answers_json),
        created_at=plan.now,
    )


async def _register_paid(request: RegistrationRequest, settings: Settings) -> Registered:
    """A priced ticket: hold the seat, then open Stripe Checkout for it (see ``events.payments``)."""
    from app.payments.errors import PaymentProviderRejected, PaymentProviderUnavailable
    from events import payments

    payments.require_configured(settings)
    try:
        held = await payments.hold_seat(request)
    except payments.Lookup as exc:
        raise await _explain(request, exc.rows) from None
    checkout_url = None
    if held.payment_id is not None:
        try:
            checkout_url = await payments.start_checkout(settings, held.payment_id)
        except (PaymentProviderUnavailable, PaymentProviderRejected):
            pass  # the seat stays held: paying can be retried from the registration
    plan = held.plan
    return Registered(
        id=held.registration_id,
        code=plan.code,
        status=held.status,
        event_id=request.event_id,
        ticket_type_id=request.ticket_type_id,
        attendee_name=plan.name,
        attendee_email=request.user.email,
        attendee_organisation=plan.organisation,
        answers=msgspec.json.decode(plan.answers_json),
        created_at=plan.now,
        offer_expires_at=held.hold_expires_at,
        checkout_url=checkout_url,
    )


async def _register_sqlite(request: RegistrationRequest) -> registration_batch.Written:
    for _attempt in range(CODE_ATTEMPTS):
        try:
            outcome = await registration_batch.register(request)
        except hot.CodeClash:
            continue  # the whole registration was rolled back: simply go again
        if isinstance(outcome, registration_batch.Lookup):
            raise await _explain(request, outcome.rows)
        return outcome
    raise RuntimeError("could not draw an unused registration code")  # pragma: no cover


async def _register_postgres(request: RegistrationRequest) -> registration_batch.Written:
    if not request.invitation_code:  # the common case: one statement per batch of people
        outcome = await registration_pg_batch.register(request)
        if isinstance(outcome, registration_batch.Lookup):
            raise await _explain(request, outcome.rows)
        return outcome
    # With an invitation code: its use is counted in the same transaction, one person at a
    # time, on one pooled connection for the pre-read and the write.
    async with fast().pool.acquire() as conn:  # type: ignore[union-attr]
        rows = [dict(row) for row in await conn.fetch(hot.PREREAD_SQL, *request.preread_args)]
        if not needs_lookup(rows):
            plan = build_plan(request, rows)
            for _attempt in range(CODE_ATTEMPTS):
                try:
                    registration_id, status = await hot.write_pg(conn, plan)
                    return registration_batch.Written(plan, registration_id, status)
                except hot.CodeClash:
                    new_code_for(plan)
            raise RuntimeError("could not draw an unused registration code")  # pragma: no cover
    raise await _explain(request, rows)  # outside the connection: this queries again


async def _register_unguarded(request: RegistrationRequest) -> registration_batch.Written:
    """Test-only control path (``LUYAN_UNGUARDED_REGISTRATION``): see ``write_unguarded``."""
    rows = await fast().fetch(hot.PREREAD_SQL, *request.preread_args)
    if needs_lookup(rows):
        raise await _explain(request, rows)
    plan = build_plan(request, rows)
    registration_id, status = await hot.write_unguarded(plan)
    return registration_batch.Written(plan, registration_id, status)


async def _explain(request: RegistrationRequest, rows: list[dict[str, Any]]) -> DomainError:
    """Why nothing open matched: a missing or hidden event, or a ticket type of another event."""
    user = request.user
    if rows:  # a draft: its organisers learn registration is closed, everyone else "not found"
        return RegistrationClosed() if await is_organiser_of(user, rows[0]["organisation"]) else NotFound()
    event = await fast().fetchrow(
        "SELECT status, organisation FROM luyan_event WHERE id = $1", request.event_id
    )
    if event is None:
        return NotFound()
    if event["status"] == "draft" and not await is_organiser_of(user, event["organisation"]):
        return NotFound()
    if event["status"] != "published":
        return RegistrationClosed()
    return InvalidInput({"ticket_type_id": N_("Choose one of this event's ticket types.")})

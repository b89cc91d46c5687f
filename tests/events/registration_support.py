"""Small helpers shared by the registration tests: set-ups, database peeks, API calls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx

from tests.factories import Factory, TestUser, unique


@dataclass
class Setup:
    organiser: TestUser
    org_id: int
    event_id: int
    ticket_id: int


async def event_with_ticket(
    factory: Factory, capacity: int = 10, event_fields: dict[str, Any] | None = None, **ticket_fields: Any
) -> Setup:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, **(event_fields or {}))
    ticket_id = await factory.ticket_type(event_id, capacity=capacity, **ticket_fields)
    return Setup(organiser, org_id, event_id, ticket_id)


async def question(event_id: int, kind: str = "text", required: bool = False, **fields: Any) -> int:
    from events.tables import Question

    values: dict[str, Any] = {
        "event": event_id,
        "kind": kind,
        "label_en": fields.pop("label_en", f"Question {kind}"),
        "label_zh": fields.pop("label_zh", "问题"),
        "required": required,
        "options": fields.pop("options", []),
    }
    values.update(fields)
    row = Question(**values)
    await row.save()
    return row.id


async def invitation(event_id: int, code: str | None = None, max_uses: int = 1) -> str:
    from events.tables import InvitationCode

    code = code or unique("INV").upper()[:40]
    await InvitationCode(event=event_id, code=code, max_uses=max_uses).save()
    return code


async def register(
    client: httpx.AsyncClient, user: TestUser, event_id: int, ticket_id: int, **body: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/events/{event_id}/registrations",
        json={"ticket_type_id": ticket_id, **body},
        headers=user.headers,
    )


async def taken(ticket_id: int) -> int:
    from events.tables import TicketType

    row = await TicketType.select(TicketType.taken).where(TicketType.id == ticket_id).first()
    assert row is not None
    return row["taken"]


async def status_of(registration_id: int) -> str:
    from events.tables import Registration

    row = await Registration.select(Registration.status).where(Registration.id == registration_id).first()
    assert row is not None
    return row["status"]


async def mails_to(email: str, kind: str | None = None) -> list[dict[str, Any]]:
    from app.mail.tables import OutboxMessage

    query = OutboxMessage.select().where(OutboxMessage.to_address == email)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return await query.order_by(OutboxMessage.id)


async def move_offer_into_past(registration_id: int) -> None:
    from events.tables import Registration

    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    await Registration.update({Registration.offer_expires_at: past}).where(Registration.id == registration_id)


def problem_code(response: httpx.Response) -> str | None:
    try:
        return response.json().get("code")
    except ValueError:
        return None


def error_fields(response: httpx.Response) -> set[str]:
    return {error["field"] for error in response.json().get("errors", [])}

"""Builders for retreat care and itinerary tests, straight into the tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tests.factories import Factory, TestUser, unique

HEALTH_EN = "Health or mobility needs"
HEALTH_ZH = "健康或行动需求"


@dataclass
class Retreat:
    owner: TestUser  # owner of the organisation
    organiser: TestUser  # a plain organiser of the same organisation
    organisation_id: int
    event_id: int
    ticket_type_id: int
    care_question_id: int
    plain_question_id: int
    guest: TestUser
    guest_registration: int
    companions: list[int] = field(default_factory=list)  # their registration ids


async def registration(
    factory: Factory, event_id: int, ticket_type_id: int, *, name: str, user: TestUser | None = None,
    answers: dict[str, Any] | None = None, status: str = "confirmed",
) -> tuple[TestUser, int]:  # fmt: skip
    from events.tables import Registration

    person = user or await factory.user(name=name)
    row = Registration(
        event=event_id,
        ticket_type=ticket_type_id,
        user=person.id,
        status=status,
        code=unique("R")[-12:],
        attendee_name=name,
        attendee_email=person.email,
        answers=answers or {},
    )
    await row.save()
    return person, row.id


async def companion(factory: Factory, retreat: Retreat, name: str, relationship: str = "spouse") -> int:
    from events.tables import Companion

    _user, reg = await registration(factory, retreat.event_id, retreat.ticket_type_id, name=name)
    await Companion(
        registration=reg, guest_registration=retreat.guest_registration, relationship=relationship
    ).save()
    retreat.companions.append(reg)
    return reg


async def retreat(factory: Factory, *, companions: int = 1, days: int = 5) -> Retreat:
    """A published retreat with a care question and a plain one, a guest and companions."""
    from app.accounts.tables import OrganisationMember
    from events.tables import Question

    owner, org = await factory.organiser()
    organiser = await factory.user(name="Plain Organiser")
    await OrganisationMember(organisation=org, user=organiser.id, role="organiser").save()
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=20)
    event_id = await factory.event(
        org, kind="retreat", invitation_only=True, starts_at=start, ends_at=start + dt.timedelta(days=days)
    )
    ticket = await factory.ticket_type(event_id, capacity=200)
    care_q = Question(
        event=event_id, kind="text", label_en=HEALTH_EN, label_zh=HEALTH_ZH, care=True, position=1
    )
    await care_q.save()
    plain_q = Question(event=event_id, kind="text", label_en="Arrival city", label_zh="出发城市", position=2)
    await plain_q.save()
    answers = {str(care_q.id): "Wheelchair, low-salt diet", str(plain_q.id): "Beijing"}
    guest, reg = await registration(factory, event_id, ticket, name="Academician Zhang", answers=answers)
    made = Retreat(owner, organiser, org, event_id, ticket, care_q.id, plain_q.id, guest, reg)
    for index in range(companions):
        await companion(factory, made, f"Companion {index + 1}")
    return made


async def grant(user_id: int, event_id: int, by: int | None = None) -> None:
    from events.tables import CarePermission

    await CarePermission(event=event_id, user=user_id, granted_by=by).save()


async def log_rows(event_id: int, action: str | None = None) -> list[dict[str, Any]]:
    from events.tables import CareAccessLog

    query = CareAccessLog.select().where(CareAccessLog.event == event_id)
    if action is not None:
        query = query.where(CareAccessLog.action == action)
    return await query.order_by(CareAccessLog.id)


async def activity(event_id: int, *, hours_from_start: int = 26, **fields: Any) -> int:
    from events.tables import Activity, Event

    event = await Event.select(Event.starts_at).where(Event.id == event_id).first()
    starts = event["starts_at"] + dt.timedelta(hours=hours_from_start)
    values: dict[str, Any] = dict(
        kind="excursion", title_en="West Lake excursion", title_zh="西湖游览", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3), optional=True, capacity=5,
    )  # fmt: skip
    values.update(fields)
    row = Activity(event=event_id, **values)
    await row.save()
    return row.id


async def second_day(event_id: int) -> str:
    """The retreat's second local day (Asia/Shanghai), as ``YYYY-MM-DD``."""
    from zoneinfo import ZoneInfo

    from events.tables import Event

    event = await Event.select(Event.starts_at).where(Event.id == event_id).first()
    return (
        event["starts_at"].astimezone(ZoneInfo("Asia/Shanghai")).date() + dt.timedelta(days=1)
    ).isoformat()

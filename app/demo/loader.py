"""Load the demo once: accounts, people, the four kinds of event and their registrations.

Everything goes in through the Piccolo tables inside one transaction, so a failed load leaves
nothing behind and a repeated one finds the marker account and stops. Registrations are written
directly with consistent seat counters: ``taken`` = confirmed + offered, pending and waitlisted
hold no seat.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.accounts.passwords import hash_password
from app.accounts.tables import User
from app.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, MARKER_EMAIL, DemoAccounts, create_accounts
from app.demo.catalogue import EventSpec, TicketSpec, all_events
from app.demo.databank import load_databank
from app.demo.livestreams import load_livestreams
from app.demo.mail import demo_mail
from app.demo.people import Person, make_people, organisation_for
from app.demo.pitches import load_pipeline
from app.demo.retreat import load_retreat
from checkin.tables import CheckinList
from events.tables import AgendaSession, Event, EventStaff, InvitationCode, Question, Registration, TicketType

SEED = 20260
PEOPLE = 720  # enough distinct guests for the biggest event (the conference)
BATCH = 200
FOUNDERS = 12  # guests who also lead contest and roadshow projects
TZ = ZoneInfo("Asia/Shanghai")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEXT_ANSWERS = {
    "Dietary requirements": ["", "", "", "Vegetarian 素食", "Halal 清真", "No seafood 不吃海鲜"],
    "Project name": [
        "Quantum sensing for grids",
        "Bio-ink printing",
        "Cold-chain robotics",
        "Solid-state cells",
    ],
    "Health or mobility needs": ["", "", "", "Wheelchair access 需轮椅通道", "Low-salt meals 低盐饮食"],
}


# The demo accounts' own registrations: slug -> [(role, ticket index, status)].
DEMO_ACCOUNT_SEATS: dict[str, list[tuple[str, int, str]]] = {
    "jinhua-development-conference-2026": [("attendee", 0, "confirmed")],
    "yrd-open-air-roadshow-week-1-shanghai": [("investor", 1, "confirmed"), ("attendee", 1, "waitlisted")],
    "yrd-open-air-roadshow-week-2-hangzhou": [("entrepreneur", 0, "confirmed"), ("investor", 1, "confirmed")],
    "return-of-the-star-contest-2026": [("entrepreneur", 0, "confirmed")],
}


@dataclass(slots=True)
class Seat:
    """One registration to write: who, for which ticket, in which state."""

    user_id: int
    name: str
    email: str
    ticket: int  # index into the event's tickets
    status: str
    organisation: str = ""


async def load_demo(seed: int = SEED) -> bool:
    """Load the demo data; returns ``False`` when it was already there."""
    if await User.exists().where(User.email == MARKER_EMAIL):
        return False
    rng = random.Random(seed)
    password_hash = await hash_password(DEMO_PASSWORD)  # argon2 is slow by design: hash once
    events = all_events()
    columns = (TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns) as progress:
        async with User._meta.db.transaction():
            task = progress.add_task("accounts", total=1)
            accounts = await create_accounts(password_hash)
            progress.advance(task)
            people = make_people(PEOPLE, rng)
            person_ids = await _insert_people(people, password_hash, progress)
            task = progress.add_task("events", total=len(events))
            registrations = progress.add_task("registrations", total=None)
            event_ids: dict[str, int] = {}
            for spec in events:
                event_ids[spec.slug] = await _insert_event(
                    spec, accounts, people, person_ids, rng, progress, registrations
                )
                progress.advance(task)
            await EventStaff(
                event=event_ids[events[0].slug], user=accounts.user_ids["checkin_staff"], role="checkin"
            ).save()
            await demo_mail(accounts, event_ids)
            await load_pipeline(accounts, event_ids, person_ids[:FOUNDERS], rng, progress)
            await load_livestreams(event_ids, rng)
            colleague = person_ids[FOUNDERS]  # the demo investor's colleague (a member without a seat)
            await load_databank(accounts, person_ids[:FOUNDERS], colleague, rng, progress)
            await load_retreat(accounts, event_ids, person_ids, rng, progress)
    return True


async def _insert_people(people: list[Person], password_hash: str, progress: Progress) -> list[int]:
    task = progress.add_task("people", total=len(people))
    ids: list[int] = []
    for start in range(0, len(people), BATCH):
        rows = [
            User(email=p.email, password_hash=password_hash, display_name=p.display_name, locale="zh")
            for p in people[start : start + BATCH]
        ]
        await User.insert(*rows)
        ids.extend(row.id for row in rows)
        progress.advance(task, len(rows))
    return ids


def _local(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(dt.UTC)


async def _insert_event(
    spec: EventSpec,
    accounts: DemoAccounts,
    people: list[Person],
    person_ids: list[int],
    rng: random.Random,
    progress: Progress,
    registrations_task: Any,
) -> int:
    now = dt.datetime.now(dt.UTC)
    first_day = now.astimezone(TZ).date() + dt.timedelta(days=spec.starts_in_days)
    event = Event(
        organisation=accounts.organisation_id,
        slug=spec.slug,
        kind=spec.kind,
        status=spec.status,
        title_en=spec.title_en,
        title_zh=spec.title_zh,
        description_en=spec.description_en,
        description_zh=spec.description_zh,
        venue_en=spec.venue_en,
        venue_zh=spec.venue_zh,
        city_en=spec.city_en,
        city_zh=spec.city_zh,
        timezone="Asia/Shanghai",
        starts_at=_local(first_day, spec.start_time),
        ends_at=_local(first_day + dt.timedelta(days=spec.days - 1), spec.end_time),
        invitation_only=spec.invitation_only,
        waitlist_enabled=spec.waitlist_enabled,
        published_at=now - dt.timedelta(days=30) if spec.status == "published" else None,
    )
    await event.save()
    sessions = [
        AgendaSession(
            event=event.id,
            title_en=s.title_en,
            title_zh=s.title_zh,
            starts_at=_local(first_day + dt.timedelta(days=s.day), s.start),
            ends_at=_local(first_day + dt.timedelta(days=s.day), s.start) + dt.timedelta(minutes=s.minutes),
            room=s.room,
            speakers=s.speakers,
        )
        for s in spec.sessions
    ]
    if sessions:
        await AgendaSession.insert(*sessions)
    await _checkin_lists(event.id, sessions)
    questions = [
        Question(
            event=event.id,
            kind=q.kind,
            label_en=q.label_en,
            label_zh=q.label_zh,
            required=q.required,
            options=[{"value": v, "en": en, "zh": zh} for v, en, zh in q.options],
            position=position,
        )
        for position, q in enumerate(spec.questions)
    ]
    if questions:
        await Question.insert(*questions)
    seats = _seats(spec, accounts, people, person_ids, rng)
    tickets = [
        TicketType(
            event=event.id,
            name_en=t.name_en,
            name_zh=t.name_zh,
            capacity=t.capacity,
            taken=t.confirmed + t.offered,
            requires_approval=t.requires_approval,
            position=position,
        )
        for position, t in enumerate(spec.tickets)
    ]
    await TicketType.insert(*tickets)
    codes = await _invitation_codes(spec, event.id, seats)
    rows = [
        _registration(event.id, tickets[seat.ticket].id, seat, spec, questions, codes.get(index), rng, now)
        for index, seat in enumerate(seats)
    ]
    rows.sort(key=lambda row: row.created_at)  # ids in arrival order, as the waiting list expects
    for start in range(0, len(rows), BATCH):
        await Registration.insert(*rows[start : start + BATCH])
        progress.advance(registrations_task, len(rows[start : start + BATCH]))
    return event.id


async def _checkin_lists(event_id: int, sessions: list[AgendaSession]) -> None:
    """Every demo event gets a main entrance; the first agenda session gets its own door list."""
    lists = [CheckinList(event=event_id, name_en="Main entrance", name_zh="主入口", gate="North gate 北门")]
    if sessions:
        first = sessions[0]
        lists.append(
            CheckinList(
                event=event_id,
                name_en=first.title_en[:120],
                name_zh=first.title_zh[:120],
                gate=first.room[:120],
                agenda_session=first.id,
                position=1,
            )
        )
    await CheckinList.insert(*lists)


def _seats(
    spec: EventSpec, accounts: DemoAccounts, people: list[Person], person_ids: list[int], rng: random.Random
) -> list[Seat]:
    """The registrations of one event: the demo accounts' own first, then sampled guests."""
    users = accounts.user_ids
    names = {role: (email, name) for role, email, name, _note in DEMO_ACCOUNTS}
    seats = [
        Seat(users[role], names[role][1], names[role][0], ticket, status)
        for role, ticket, status in DEMO_ACCOUNT_SEATS.get(spec.slug, [])
    ]
    wanted: list[tuple[int, str]] = []
    for index, ticket in enumerate(spec.tickets):
        for status, count in _counts(ticket).items():
            count -= sum(1 for s in seats if s.ticket == index and s.status == status)
            wanted.extend([(index, status)] * max(count, 0))
    chosen = rng.sample(range(len(people)), len(wanted))
    for (index, status), person_index in zip(wanted, chosen, strict=True):
        person = people[person_index]
        group = spec.tickets[index].group
        seats.append(
            Seat(
                user_id=person_ids[person_index],
                name=person.name_en if group == "overseas" else person.name_zh,
                email=person.email,
                ticket=index,
                status=status,
                organisation=organisation_for(group, rng),
            )
        )
    return seats


def _counts(ticket: TicketSpec) -> dict[str, int]:
    return {
        "confirmed": ticket.confirmed,
        "offered": ticket.offered,
        "pending": ticket.pending,
        "waitlisted": ticket.waitlisted,
    }


async def _invitation_codes(spec: EventSpec, event_id: int, seats: list[Seat]) -> dict[int, int]:
    """One code per invited household; returns seat index -> invitation code id."""
    if not spec.invitation_households:
        return {}
    codes = [
        InvitationCode(
            event=event_id,
            code="ACAD-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8)),
            max_uses=4,  # the academician and up to three family members
            note=f"Household {number:03d}",
        )
        for number in range(1, spec.invitation_households + 1)
    ]
    await InvitationCode.insert(*codes)
    # Academicians take a household each; family members join the households in turn.
    academicians = [i for i, s in enumerate(seats) if s.ticket == 0]
    family = [i for i, s in enumerate(seats) if s.ticket != 0]
    assignment = {seat: codes[n % len(codes)] for n, seat in enumerate(academicians)}
    households = max(len(academicians), 1)
    assignment.update({seat: codes[n % households] for n, seat in enumerate(family)})
    used: dict[int, int] = {}
    for code in assignment.values():
        used[code.id] = used.get(code.id, 0) + 1
    for code in codes:
        if used.get(code.id):
            await InvitationCode.update({InvitationCode.used: used[code.id]}).where(
                InvitationCode.id == code.id
            )
    return {seat: code.id for seat, code in assignment.items()}


def _answers(questions: list[Question], rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for question in questions:
        values = [option["value"] for option in question.options]
        if question.kind == "single":
            answers[str(question.id)] = rng.choice(values)
        elif question.kind == "multiple":
            answers[str(question.id)] = rng.sample(values, rng.randint(0, len(values)))
        else:
            text = rng.choice(TEXT_ANSWERS.get(question.label_en, [""]))
            if text or question.required:
                answers[str(question.id)] = text or "-"
    return answers


def _registration(
    event_id: int,
    ticket_id: int,
    seat: Seat,
    spec: EventSpec,
    questions: list[Question],
    invitation_code_id: int | None,
    rng: random.Random,
    now: dt.datetime,
) -> Registration:
    # Seats were taken over the last month; the waiting list formed after the last seat went.
    age = {"confirmed": (4, 30), "offered": (3, 4), "pending": (1, 10), "waitlisted": (0.1, 3)}[seat.status]
    created = now - dt.timedelta(days=rng.uniform(*age))
    return Registration(
        event=event_id,
        ticket_type=ticket_id,
        user=seat.user_id,
        status=seat.status,
        code="".join(secrets.choice(CODE_ALPHABET) for _ in range(10)),
        attendee_name=seat.name,
        attendee_email=seat.email,
        attendee_organisation=seat.organisation,
        answers=_answers(questions, rng),
        invitation_code=invitation_code_id,
        offer_expires_at=now + dt.timedelta(hours=40) if seat.status == "offered" else None,
        created_at=created,
        updated_at=created,
    )

"""The demo retreat's life: 150 invited academicians and experts with their families, two hotels,
trains and flights into Jinhua and Yiwu on the first day and home on the fifth, the five-day
itinerary with sign-ups, a few care records, and the automatic room assignment, so that every
day has its hotel, bus and restaurant manifests.

It builds on the registrations the loader already wrote for the retreat: their confirmed
academicians become guests, their confirmed family members become companions, and new guests
and companions fill the party up to 150 invitations. Everything is drawn from ``rng`` (so the
same seed gives the same retreat) and written in bulk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any
from zoneinfo import ZoneInfo

from rich.progress import Progress

from app.accounts.tables import User
from app.demo.accounts import DemoAccounts
from app.demo.catalogue import RETREAT
from app.demo.people import GIVEN_NAMES, SURNAMES
from events.retreats.room_assignment import assign_rooms
from events.tables import (
    Activity,
    ActivitySignup,
    CareRecord,
    Companion,
    Event,
    Hotel,
    Question,
    Registration,
    RetreatInvitation,
    Room,
    RoomType,
    TicketType,
    TravelPlan,
)

TZ = ZoneInfo("Asia/Shanghai")
INVITED = 150
DECLINED = 8
NOT_ANSWERED = 10
BATCH = 200
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
COMPANIONS = [0] * 25 + [1] * 45 + [2] * 20 + [3] * 10  # companions per guest, drawn with rng
RELATIONSHIPS = [("spouse", "adult"), ("child", "adult"), ("child", "child"), ("assistant", "adult")]
# (station en, station zh, mode, number prefixes, vehicles: one per two-hour wave)
STATIONS = [
    ("Jinhua Station", "金华站", "train", ("G", "D"), "Bus J"),
    ("Yiwu Station", "义乌站", "train", ("G",), "Bus Y"),
    ("Yiwu Airport", "义乌机场", "flight", ("MU", "CA", "CZ", "HO"), "Minibus A"),
]
# (hotel en, hotel zh, address, [(type en, type zh, beds, first number, rooms)])
HOTELS = [
    ("Wuyi Hot Spring Resort", "武义温泉度假村", "Wuyi, Jinhua 金华市武义县温泉路 1 号", [
        ("Single room", "单人间", 1, 101, 30),
        ("Twin room", "双床房", 2, 201, 60),
        ("Family suite", "家庭套房", 3, 301, 32),
        ("Garden villa", "庭院别墅", 4, 401, 18),
    ]),
    ("Qingshui Bay Hotel", "清水湾酒店", "Wuyi, Jinhua 金华市武义县清水湾路 8 号", [
        ("Twin room", "双床房", 2, 501, 30),
    ]),
]  # fmt: skip
# (day, "HH:MM", minutes, kind, en, zh, location en, location zh, optional, capacity, vehicle)
ITINERARY = [
    (0, "18:00", 120, "meal", "Welcome dinner", "欢迎晚宴", "Banquet hall", "宴会厅", False, None, ""),
    (1, "07:30", 60, "meal", "Breakfast", "早餐", "Garden restaurant", "花园餐厅", False, None, ""),
    (1, "08:30", 180, "medical", "Health check-ups", "健康体检", "Wuyi First People's Hospital",
     "武义县第一人民医院", False, None, "Hospital shuttle"),
    (1, "12:00", 90, "meal", "Lunch", "午餐", "Garden restaurant", "花园餐厅", False, None, ""),
    (1, "15:00", 90, "lecture", "Healthy ageing for scientists", "科学家的健康养老", "Conference room",
     "会议室", True, 120, ""),
    (1, "18:00", 90, "meal", "Dinner", "晚餐", "Garden restaurant", "花园餐厅", False, None, ""),
    (2, "07:30", 60, "meal", "Breakfast", "早餐", "Garden restaurant", "花园餐厅", False, None, ""),
    (2, "09:00", 180, "excursion", "Tea-culture walk at the Wuyi tea gardens", "武义茶园茶文化游览",
     "Tea gardens", "茶园", True, 140, "Bus 4"),
    (2, "12:30", 90, "meal", "Lunch", "午餐", "Tea garden farmhouse", "茶园农家", False, None, ""),
    (2, "18:00", 90, "meal", "Dinner", "晚餐", "Garden restaurant", "花园餐厅", False, None, ""),
    (3, "07:30", 60, "meal", "Breakfast", "早餐", "Garden restaurant", "花园餐厅", False, None, ""),
    (3, "09:30", 120, "lecture", "Consultation with Jinhua industries", "院士与金华产业座谈会",
     "Conference room", "会议室", False, None, ""),
    (3, "14:00", 180, "excursion", "Yushan ancient village", "俞源太极星象村", "Yushan village", "俞源村",
     True, 90, "Bus 5"),
    (3, "18:30", 120, "meal", "Farewell dinner", "欢送晚宴", "Banquet hall", "宴会厅", False, None, ""),
    (4, "07:30", 60, "meal", "Breakfast", "早餐", "Garden restaurant", "花园餐厅", False, None, ""),
    (4, "09:00", 120, "other", "Farewell and departure", "欢送及返程", "Lobby", "大堂", False, None, ""),
]  # fmt: skip
CARE = [
    ("Vegetarian", "", ""), ("No seafood", "", ""), ("Low-salt, low-sugar", "", "Type 2 diabetes"),
    ("Halal", "", ""), ("Soft food", "Walks with a cane", ""), ("", "Wheelchair", "Hip replacement 2024"),
    ("Low-salt", "", "Hypertension; daily medication"), ("No peanuts", "", "Peanut allergy"),
    ("Gluten-free", "", ""), ("", "Needs a ground-floor room", ""), ("Vegetarian", "", ""), ("Low-fat", "", ""),
]  # fmt: skip


def _code(rng: random.Random, event_id: int) -> str:
    """A registration code drawn from ``rng`` but distinct per event (codes are unique)."""
    digest = hashlib.sha256(f"{event_id}:{rng.getrandbits(64)}".encode()).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:10])


def _local(day: dt.date, hhmm: str, extra_minutes: int = 0) -> dt.datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    value = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
    return (value + dt.timedelta(minutes=extra_minutes)).astimezone(dt.UTC)


async def _insert(rows: list[Any]) -> None:
    if rows:
        table = type(rows[0])
        for start in range(0, len(rows), BATCH):
            await table.insert(*rows[start : start + BATCH])


async def _new_people(
    event_id: int, count: int, start: int, rng: random.Random, password_hash: str
) -> list[tuple[int, str, str]]:
    """``count`` new accounts: ``(user id, name, email)``."""
    rows = []
    for n in range(start, start + count):
        surname_zh, surname_en = rng.choice(SURNAMES)
        given_zh, given_en = rng.choice(GIVEN_NAMES)
        rows.append(
            User(
                email=f"retreat{event_id}-{n:04d}@luyan.demo",
                password_hash=password_hash,
                display_name=f"{surname_zh}{given_zh} {surname_en} {given_en}",
                locale="zh",
            )
        )
    await _insert(rows)
    return [(r.id, r.display_name.split(" ")[0], r.email) for r in rows]


def _registration(
    event_id: int,
    ticket: int,
    person: tuple[int, str, str],
    rng: random.Random,
    now: dt.datetime,
    answers: dict,
) -> Registration:
    created = now - dt.timedelta(days=rng.uniform(5, 30))
    return Registration(
        event=event_id, ticket_type=ticket, user=person[0], status="confirmed", code=_code(rng, event_id),
        attendee_name=person[1], attendee_email=person[2], attendee_organisation=rng.choice(["中国科学院", "中国工程院"]),
        answers=answers, created_at=created, updated_at=created,
    )  # fmt: skip


async def _parties(
    event: dict[str, Any], tickets: list[int], rng: random.Random, password_hash: str
) -> dict[int, list[int]]:
    """Guests (confirmed academicians) and their companions: guest registration id -> member ids."""
    event_id, now = event["id"], dt.datetime.now(dt.UTC)
    regs = (
        await Registration.select(Registration.id, Registration.ticket_type)
        .where((Registration.event == event_id) & (Registration.status == "confirmed"))
        .order_by(Registration.id)
    )
    guests = [r["id"] for r in regs if r["ticket_type"] == tickets[0]]
    family = [r["id"] for r in regs if r["ticket_type"] != tickets[0]]
    wanted = INVITED - DECLINED - NOT_ANSWERED
    questions = (
        await Question.select(Question.id).where(Question.event == event_id).order_by(Question.position)
    )
    new_guests = await _new_people(event_id, wanted - len(guests), 1, rng, password_hash)
    plan = [rng.choice(COMPANIONS) for _ in range(wanted)]
    new_family = await _new_people(event_id, max(sum(plan) - len(family), 0), 1000, rng, password_hash)
    rows = [
        _registration(
            event_id,
            tickets[0],
            p,
            rng,
            now,
            {str(questions[0]["id"]): str(plan[len(guests) + i])} if questions else {},
        )
        for i, p in enumerate(new_guests)
    ]
    rows += [_registration(event_id, tickets[1], p, rng, now, {}) for p in new_family]
    await _insert(rows)
    guests += [r.id for r in rows[: len(new_guests)]]
    family += [r.id for r in rows[len(new_guests) :]]
    parties: dict[int, list[int]] = {}
    companions = []
    pool = iter(family)
    for guest, count in zip(guests, plan, strict=True):
        parties[guest] = [guest]
        for n in range(count):
            member = next(pool, None)
            if member is None:
                break
            relationship, age = RELATIONSHIPS[min(n, len(RELATIONSHIPS) - 1)]
            companions.append(
                Companion(
                    registration=member, guest_registration=guest, relationship=relationship, age_group=age
                )
            )
            parties[guest].append(member)
    await _insert(companions)
    for index, ticket in enumerate(tickets):
        taken = await Registration.count().where(
            (Registration.ticket_type == ticket) & (Registration.status.is_in(["confirmed", "offered"]))
        )
        await TicketType.update(
            {TicketType.taken: taken, TicketType.capacity: max(taken, 150 * (index + 1))}
        ).where(TicketType.id == ticket)
    return parties


async def _invitations(
    event_id: int, organiser_id: int, parties: dict[int, list[int]], rng: random.Random
) -> None:
    """An accepted invitation per guest; a few declined and a few not answered yet."""
    regs = {
        r["id"]: r
        for r in await Registration.select(
            Registration.id, Registration.user, Registration.attendee_name, Registration.attendee_email
        ).where(Registration.id.is_in(list(parties)))
    }
    now = dt.datetime.now(dt.UTC)
    rows = []
    for n, (guest, members) in enumerate(parties.items()):
        reg = regs[guest]
        rows.append(
            RetreatInvitation(
                event=event_id, email=reg["attendee_email"], name=reg["attendee_name"], honorific="院士",
                organisation=rng.choice(["中国科学院", "中国工程院"]), token_hash=hashlib.sha256(f"demo-{event_id}-{n}".encode()).hexdigest(),
                status="accepted", companions_allowed=max(3, len(members) - 1), registration=guest, user=reg["user"],
                created_by=organiser_id, created_at=now - dt.timedelta(days=40), responded_at=now - dt.timedelta(days=rng.uniform(5, 30)),
            )
        )  # fmt: skip
    for n in range(DECLINED + NOT_ANSWERED):
        surname_zh, _surname_en = rng.choice(SURNAMES)
        given_zh, _given_en = rng.choice(GIVEN_NAMES)
        declined = n < DECLINED
        rows.append(
            RetreatInvitation(
                event=event_id, email=f"invitee{n:03d}@luyan.demo", name=surname_zh + given_zh, honorific="院士",
                organisation="中国工程院", token_hash=hashlib.sha256(f"demo-{event_id}-open-{n}".encode()).hexdigest(),
                status="declined" if declined else "sent", created_by=organiser_id, created_at=now - dt.timedelta(days=40),
                responded_at=now - dt.timedelta(days=rng.uniform(5, 30)) if declined else None,
                note="Travelling abroad 出国访问" if declined else "",
            )
        )  # fmt: skip
    await _insert(rows)


async def _hotels(event_id: int, first_night: str, last_night: str) -> None:
    for name_en, name_zh, address, types in HOTELS:
        hotel = Hotel(
            event=event_id, name_en=name_en, name_zh=name_zh, address=address, phone="0579-8765 4321"
        )
        await hotel.save()
        for type_en, type_zh, beds, first_number, count in types:
            room_type = RoomType(hotel=hotel.id, name_en=type_en, name_zh=type_zh, beds=beds)
            await room_type.save()
            await _insert(
                [
                    Room(
                        room_type=room_type.id,
                        number=str(first_number + n),
                        first_night=first_night,
                        last_night=last_night,
                    )
                    for n in range(count)
                ]
            )


def _travel(parties: dict[int, list[int]], first_day: dt.date, rng: random.Random) -> list[TravelPlan]:
    """Most parties arrive on the first day by train or plane and leave on the fifth; a few come
    a day late, a few have not said yet."""
    rows = []
    for guest in parties:
        if rng.random() < 0.08:
            continue  # not entered yet: the party stays the event's nights
        station_en, station_zh, mode, prefixes, vehicle = rng.choice(STATIONS)
        late = rng.random() < 0.05
        arrival = _local(
            first_day + dt.timedelta(days=1 if late else 0), "08:00", rng.randrange(0, 9 * 60, 5)
        )
        departure = _local(first_day + dt.timedelta(days=4), "13:00", rng.randrange(0, 5 * 60, 5))
        for direction, at in (("arrival", arrival), ("departure", departure)):
            prefix = rng.choice(prefixes)
            number = f"{prefix}{rng.randint(1000, 9999) if mode == 'flight' else rng.randint(7, 7999)}"
            rows.append(
                TravelPlan(
                    guest_registration=guest, direction=direction, mode=mode, number=number, at=at,
                    station_en=station_en, station_zh=station_zh, pickup=rng.random() < 0.9,
                    vehicle=f"{vehicle}{at.astimezone(TZ).hour // 2 - 3}",
                    note=rng.choice(["", "", "", "Wheelchair needed 需轮椅", "Two large suitcases 两件大行李"]),
                )
            )  # fmt: skip
    return rows


async def _itinerary(event_id: int, first_day: dt.date, members: list[int], rng: random.Random) -> None:
    activities = [
        Activity(
            event=event_id, kind=kind, title_en=en, title_zh=zh, location_en=loc_en, location_zh=loc_zh,
            starts_at=_local(first_day + dt.timedelta(days=day), start),
            ends_at=_local(first_day + dt.timedelta(days=day), start, minutes),
            optional=optional, capacity=capacity, vehicle=vehicle,
        )
        for day, start, minutes, kind, en, zh, loc_en, loc_zh, optional, capacity, vehicle in ITINERARY
    ]  # fmt: skip
    await _insert(activities)
    signups = []
    for activity in activities:
        if not activity.optional:
            continue
        chosen = sorted(rng.sample(members, min(activity.capacity or len(members), int(len(members) * 0.45))))
        signups += [ActivitySignup(activity=activity.id, registration=r) for r in chosen]
        await Activity.update({Activity.taken: len(chosen)}).where(Activity.id == activity.id)
    await _insert(signups)


async def load_retreat(
    accounts: DemoAccounts,
    event_ids: dict[str, int],
    person_ids: list[int],
    rng: random.Random,
    progress: Progress,
) -> None:
    """Fill the demo retreat (see the module's docstring); call inside the loader's transaction."""
    task = progress.add_task("retreat", total=6)
    event = await Event.select().where(Event.id == event_ids[RETREAT.slug]).first()
    tickets = [
        t["id"]
        for t in await TicketType.select(TicketType.id)
        .where(TicketType.event == event["id"])
        .order_by(TicketType.position)
    ]
    password = await User.select(User.password_hash).where(User.id == person_ids[0]).first()
    parties = await _parties(event, tickets, rng, password["password_hash"])
    progress.advance(task)
    await _invitations(event["id"], accounts.user_ids["organiser"], parties, rng)
    progress.advance(task)
    first_day = event["starts_at"].astimezone(TZ).date()
    last_night = (event["ends_at"].astimezone(TZ).date() - dt.timedelta(days=1)).isoformat()
    await _hotels(event["id"], first_day.isoformat(), last_night)
    await _insert(_travel(parties, first_day, rng))
    progress.advance(task)
    members = [m for party in parties.values() for m in party]
    await _itinerary(event["id"], first_day, members, rng)
    progress.advance(task)
    cared = rng.sample(members, len(CARE))
    await _insert(
        [
            CareRecord(registration=r, dietary=d, mobility=m, medical=x)
            for r, (d, m, x) in zip(cared, CARE, strict=True)
        ]
    )
    progress.advance(task)
    await assign_rooms(event, accounts.user_ids["organiser"])
    progress.advance(task)

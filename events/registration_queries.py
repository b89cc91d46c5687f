"""Reading registrations: one, mine, and an event's (search, filters, pages, counts)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from app.db import fast
from events.registration_schemas import STATUSES, MyRegistration, RegistrationRead

COLUMNS = (
    'r.id, r.event, r.ticket_type, r."user", r.status, r.code, r.attendee_name, r.attendee_email, '
    "r.attendee_organisation, r.answers, r.offer_expires_at, r.created_at"
)


def decode_answers(raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    if isinstance(raw, str | bytes):
        raw = msgspec.json.decode(raw)
    return dict(raw) if isinstance(raw, dict) else {}


def without_care(answers: dict[str, Any], care_ids: frozenset[str]) -> dict[str, Any]:
    """Answers minus those to care questions (care data is shown only with a care permission)."""
    return {k: v for k, v in answers.items() if k not in care_ids} if care_ids else answers


def registration_read(row: dict[str, Any], hidden: frozenset[str] = frozenset()) -> RegistrationRead:
    """``hidden``: question ids (as strings) whose answers are left out, e.g. care questions."""
    return RegistrationRead(
        id=row["id"],
        code=row["code"],
        status=row["status"],
        event_id=row["event"],
        ticket_type_id=row["ticket_type"],
        attendee_name=row["attendee_name"],
        attendee_email=row["attendee_email"],
        attendee_organisation=row["attendee_organisation"],
        answers=without_care(decode_answers(row["answers"]), hidden),
        offer_expires_at=row["offer_expires_at"],
        created_at=row["created_at"],
    )


async def read_for_viewer(row: dict[str, Any], viewer_id: int) -> RegistrationRead:
    """A registration as ``viewer_id`` may see it: the attendee sees every answer, organisers
    see it without the answers to care questions (those are read through the care service)."""
    if row["user"] == viewer_id:
        return registration_read(row)
    return registration_read(row, await care_question_ids(row["event"]))


async def my_registrations(user_id: int) -> list[MyRegistration]:
    """Everything I registered for, newest event first."""
    rows = await fast().fetch(
        f"SELECT {COLUMNS}, e.title_en, e.title_zh, e.starts_at, e.timezone, t.name_en, t.name_zh "
        "FROM luyan_registration r JOIN luyan_event e ON e.id = r.event "
        "JOIN luyan_ticket_type t ON t.id = r.ticket_type "
        'WHERE r."user" = $1 ORDER BY e.starts_at DESC, r.id DESC',
        user_id,
    )
    return [
        MyRegistration(
            **msgspec.structs.asdict(registration_read(row)),
            event_title_en=row["title_en"],
            event_title_zh=row["title_zh"],
            event_starts_at=row["starts_at"],
            event_timezone=row["timezone"],
            ticket_name_en=row["name_en"],
            ticket_name_zh=row["name_zh"],
        )
        for row in rows
    ]


@dataclass(slots=True)
class Filters:
    q: str | None = None
    status: str | None = None
    ticket_type_id: int | None = None


def _where(event_id: int, filters: Filters) -> tuple[str, list[Any]]:
    clauses, args = ["r.event = $1"], [event_id]
    if filters.q and filters.q.strip():
        escaped = filters.q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        args.append(f"%{escaped}%")
        n = len(args)
        clauses.append(
            "("
            + " OR ".join(
                f"LOWER(r.{column}) LIKE ${n} ESCAPE '\\'"
                for column in ("attendee_name", "attendee_email", "code", "attendee_organisation")
            )
            + ")"
        )
    if filters.status in STATUSES:
        args.append(filters.status)
        clauses.append(f"r.status = ${len(args)}")
    if filters.ticket_type_id is not None:
        args.append(filters.ticket_type_id)
        clauses.append(f"r.ticket_type = ${len(args)}")
    return " AND ".join(clauses), args


async def event_registrations(
    event_id: int, filters: Filters, limit: int = 50, offset: int = 0
) -> tuple[list[RegistrationRead], int]:
    """One page (oldest first, the order people registered in) and the total matching.

    For organisers' tables: answers to care questions are left out."""
    where, args = _where(event_id, filters)
    total = await fast().fetchrow(f"SELECT COUNT(*) AS n FROM luyan_registration r WHERE {where}", *args)
    rows = await fast().fetch(
        f"SELECT {COLUMNS} FROM luyan_registration r WHERE {where} ORDER BY r.id "
        f"LIMIT ${len(args) + 1} OFFSET ${len(args) + 2}",
        *args,
        limit,
        offset,
    )
    hidden = await care_question_ids(event_id)
    return [registration_read(row, hidden) for row in rows], int(total["n"]) if total else 0


async def status_counts(event_id: int) -> dict[str, int]:
    """How many registrations of the event are in each status (every status present, maybe 0)."""
    rows = await fast().fetch(
        "SELECT status, COUNT(*) AS n FROM luyan_registration WHERE event = $1 GROUP BY status", event_id
    )
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({row["status"]: int(row["n"]) for row in rows})
    return counts


async def event_ticket_types(event_id: int) -> list[dict[str, Any]]:
    return await fast().fetch(
        "SELECT id, name_en, name_zh, capacity, taken, requires_approval, sales_start, sales_end, "
        "price_cents, currency FROM luyan_ticket_type WHERE event = $1 ORDER BY position, id",
        event_id,
    )


async def event_questions(event_id: int, *, include_care: bool = True) -> list[dict[str, Any]]:
    """The event's questions; ``include_care=False`` for general views and exports."""
    rows = await fast().fetch(
        "SELECT id, kind, label_en, label_zh, required, options, care FROM luyan_question "
        "WHERE event = $1 ORDER BY position, id",
        event_id,
    )
    return rows if include_care else [r for r in rows if not r["care"]]


async def care_question_ids(event_id: int) -> frozenset[str]:
    """Ids (as the answers' keys) of the event's care questions."""
    rows = await fast().fetch("SELECT id FROM luyan_question WHERE event = $1 AND care = $2", event_id, True)
    return frozenset(str(r["id"]) for r in rows)

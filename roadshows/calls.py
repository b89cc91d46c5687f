"""Pitch calls: organisers of a roadshow or contest ask for projects, with a deadline, categories
and extra questions; the call goes draft -> open -> closed (and may reopen before its deadline).

Organiser operations start with ``roadshows.access.organiser_call`` or
``events.access.organiser_event``, so a call of another organisation answers 404 like a missing
one. The public sees open and closed calls of published (or closed) events only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from app.auth import CurrentUser
from app.errors import Conflict, InvalidInput, NotFound
from app.i18n import N_
from events.access import organiser_event, public_event
from events.services import editable_event
from roadshows.access import organiser_call
from roadshows.call_schemas import (
    CallCategory,
    CallCreate,
    CallQuestion,
    CallRead,
    CallUpdate,
    OrganiserCallRead,
)
from roadshows.tables import PitchCall, Submission
from roadshows.workflow import STATUSES

CALL_KINDS: tuple[str, ...] = ("roadshow", "contest")
PUBLIC_CALL_STATUSES: tuple[str, ...] = ("open", "closed")
CALL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("open",),
    "open": ("closed",),
    "closed": ("open",),  # reopening: only while the deadline is still ahead
}
CALL_STATUS_LABELS = {"draft": N_("Draft"), "open": N_("Open for pitches"), "closed": N_("Closed")}


class WrongEventKind(Conflict):
    code, message = "wrong_event_kind", N_("Pitch calls belong to roadshows and contests only.")


class CallStatusConflict(Conflict):
    code, message = "invalid_transition", N_("The call cannot move to this status from its current one.")


class DeadlinePassed(Conflict):
    code, message = "deadline_passed", N_("The deadline has passed: move it later before opening the call.")


class CategoryInUse(Conflict):
    code, message = "category_in_use", N_("Submissions use a category you removed: keep it.")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def accepting(call: dict[str, Any], at: dt.datetime | None = None) -> bool:
    """Does the call take submissions now (open, deadline ahead)?"""
    return call["status"] == "open" and call["deadline"] > (at or now())


# -- reading ---------------------------------------------------------------------------------
def call_read(row: dict[str, Any]) -> CallRead:
    return CallRead(
        id=row["id"],
        event_id=row["event"],
        title_en=row["title_en"],
        title_zh=row["title_zh"],
        description_en=row["description_en"],
        description_zh=row["description_zh"],
        status=row["status"],
        deadline=row["deadline"],
        accepting=accepting(row),
        categories=msgspec.convert(row["categories"] or [], list[CallCategory]),
        questions=msgspec.convert(row["questions"] or [], list[CallQuestion]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def call_row(call_id: int) -> dict[str, Any] | None:
    return await PitchCall.select().where(PitchCall.id == call_id).output(load_json=True).first()


async def status_counts(call_ids: list[int]) -> dict[int, dict[str, int]]:
    """Submissions per status of each call (every status present, zero when none)."""
    counts = {call_id: dict.fromkeys(STATUSES, 0) for call_id in call_ids}
    if not call_ids:
        return counts
    rows = (
        await Submission.select(Submission.call, Submission.status, Count(Submission.id, alias="n"))
        .where(Submission.call.is_in(call_ids))
        .group_by(Submission.call, Submission.status)
    )
    for row in rows:
        counts[row["call"]][row["status"]] = row["n"]
    return counts


def organiser_read(row: dict[str, Any], counts: dict[str, int]) -> OrganiserCallRead:
    base = msgspec.structs.asdict(call_read(row))
    allowed = [s for s in CALL_TRANSITIONS[row["status"]] if s != "open" or row["deadline"] > now()]
    return OrganiserCallRead(**base, allowed_statuses=allowed, counts=counts, total=sum(counts.values()))


async def public_calls(event_id: int, viewer: CurrentUser | None) -> list[CallRead]:
    """Open and closed calls of an event anyone may see."""
    await public_event(event_id, viewer)
    rows = (
        await PitchCall.select()
        .where((PitchCall.event == event_id) & PitchCall.status.is_in(list(PUBLIC_CALL_STATUSES)))
        .order_by(PitchCall.deadline)
        .output(load_json=True)
    )
    return [call_read(r) for r in rows]


async def visible_call(call_id: int, viewer: CurrentUser | None) -> dict[str, Any]:
    """The call row for anyone when public; drafts (and calls of draft events) for organisers."""
    row = await call_row(call_id)
    if row is None:
        raise NotFound()
    if row["status"] in PUBLIC_CALL_STATUSES:
        await public_event(row["event"], viewer)
        return row
    if viewer is None:
        raise NotFound()
    await organiser_event(viewer, row["event"])
    return row


async def public_call(call_id: int, viewer: CurrentUser | None) -> CallRead:
    return call_read(await visible_call(call_id, viewer))


async def organiser_calls(user: CurrentUser, event_id: int) -> list[OrganiserCallRead]:
    """Every call of the event, drafts too, with submission counts."""
    await organiser_event(user, event_id)
    rows = (
        await PitchCall.select()
        .where(PitchCall.event == event_id)
        .order_by(PitchCall.created_at, PitchCall.id)
        .output(load_json=True)
    )
    counts = await status_counts([r["id"] for r in rows])
    return [organiser_read(r, counts[r["id"]]) for r in rows]


async def get_organiser_call(user: CurrentUser, call_id: int) -> OrganiserCallRead:
    await organiser_call(user, call_id)
    row = await call_row(call_id)
    assert row is not None  # checked just above
    return organiser_read(row, (await status_counts([call_id]))[call_id])


# -- checking --------------------------------------------------------------------------------
def _clean_categories(categories: list[CallCategory]) -> list[dict[str, str]]:
    keys = [c.key for c in categories]
    if len(set(keys)) != len(keys):
        raise InvalidInput({"categories": N_("Each category needs its own key.")})
    return [msgspec.structs.asdict(c) for c in categories]


def _clean_questions(questions: list[CallQuestion]) -> list[dict[str, Any]]:
    """Question keys are distinct; choice questions have options with distinct values (the same
    rules as an event's registration questions)."""
    from events.questions import _clean_options

    keys = [q.key for q in questions]
    if len(set(keys)) != len(keys):
        raise InvalidInput({"questions": N_("Each question needs its own key.")})
    cleaned = []
    for question in questions:
        try:
            options = _clean_options(question.kind, question.options)
        except InvalidInput as exc:
            raise InvalidInput({f"questions.{question.key}": exc.errors["options"]}) from exc
        cleaned.append({**msgspec.structs.asdict(question), "options": options})
    return cleaned


async def _event_for_calls(user: CurrentUser, event_id: int) -> dict[str, Any]:
    event = await editable_event(user, event_id)
    if event["kind"] not in CALL_KINDS:
        raise WrongEventKind(extra={"kind": event["kind"], "allowed_kinds": list(CALL_KINDS)})
    return event


async def _check_categories_kept(call_id: int, categories: list[dict[str, str]]) -> None:
    keys = {c["key"] for c in categories}
    used = await Submission.select(Submission.category).where(Submission.call == call_id).distinct()
    missing = sorted({r["category"] for r in used if r["category"]} - keys)
    if missing:
        raise CategoryInUse(extra={"categories": missing})


# -- writing ---------------------------------------------------------------------------------
async def create_call(user: CurrentUser, event_id: int, data: CallCreate) -> OrganiserCallRead:
    """A new call, as a draft, on one of the organiser's roadshow or contest events."""
    await _event_for_calls(user, event_id)
    row = PitchCall(
        event=event_id,
        title_en=data.title_en,
        title_zh=data.title_zh,
        description_en=data.description_en,
        description_zh=data.description_zh,
        status="draft",
        deadline=data.deadline.astimezone(dt.UTC),
        categories=_clean_categories(data.categories),
        questions=_clean_questions(data.questions),
    )
    await row.save()
    return await get_organiser_call(user, row.id)


async def update_call(user: CurrentUser, call_id: int, data: CallUpdate) -> OrganiserCallRead:
    call = await organiser_call(user, call_id)
    await _event_for_calls(user, call["event"])
    changes: dict[str, Any] = {
        f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not msgspec.UNSET
    }
    if "categories" in changes:
        changes["categories"] = _clean_categories(changes["categories"])
        await _check_categories_kept(call_id, changes["categories"])
    if "questions" in changes:
        changes["questions"] = _clean_questions(changes["questions"])
    if "deadline" in changes:
        changes["deadline"] = changes["deadline"].astimezone(dt.UTC)
    if changes:
        values = {PitchCall._meta.get_column_by_name(k): v for k, v in changes.items()}
        values[PitchCall.updated_at] = now()
        await PitchCall.update(values).where(PitchCall.id == call_id)
    return await get_organiser_call(user, call_id)


async def set_call_status(user: CurrentUser, call_id: int, target: str) -> OrganiserCallRead:
    """Open a draft, close an open call, reopen a closed one while its deadline is ahead."""
    call = await organiser_call(user, call_id)
    await _event_for_calls(user, call["event"])
    current = call["status"]
    if target not in CALL_TRANSITIONS[current]:
        raise CallStatusConflict(extra={"call_status": current, "allowed": list(CALL_TRANSITIONS[current])})
    if target == "open" and call["deadline"] <= now():
        raise DeadlinePassed(extra={"field": "deadline"})
    # Conditional on the status read: of two concurrent changes only one applies.
    changed = (
        await PitchCall.update({PitchCall.status: target, PitchCall.updated_at: now()})
        .where((PitchCall.id == call_id) & (PitchCall.status == current))
        .returning(PitchCall.id)
    )
    if not changed:
        fresh = await organiser_call(user, call_id)
        allowed = list(CALL_TRANSITIONS[fresh["status"]])
        raise CallStatusConflict(extra={"call_status": fresh["status"], "allowed": allowed})
    return await get_organiser_call(user, call_id)

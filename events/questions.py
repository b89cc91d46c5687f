"""Custom registration questions: free text, single or multiple choice, bilingual labels."""

from __future__ import annotations

from typing import Any

import msgspec

from app.auth import CurrentUser
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from events.access import organiser_event, public_event
from events.schemas import QuestionCreate, QuestionOption, QuestionRead, QuestionUpdate
from events.services import editable_event
from events.tables import Question


def question_read(row: dict[str, Any]) -> QuestionRead:
    return QuestionRead(
        id=row["id"],
        event_id=row["event"],
        kind=row["kind"],
        label_en=row["label_en"],
        label_zh=row["label_zh"],
        required=bool(row["required"]),
        options=[QuestionOption(**o) for o in (row["options"] or [])],
        position=row["position"],
        care=bool(row.get("care")),
    )


def _clean_options(kind: str, options: list[QuestionOption]) -> list[dict[str, str]]:
    """Choice questions need options with distinct values; text questions have none."""
    if kind == "text":
        return []
    if not options:
        raise InvalidInput({"options": N_("Add at least one option to a choice question.")})
    values = [o.value for o in options]
    if len(set(values)) != len(values):
        raise InvalidInput({"options": N_("Each option needs its own value.")})
    return [msgspec.structs.asdict(o) for o in options]


async def questions_of(event_id: int) -> list[QuestionRead]:
    """No access check: callers have checked the event already."""
    rows = (
        await Question.select()
        .where(Question.event == event_id)
        .order_by(Question.position, Question.id)
        .output(load_json=True)
    )
    return [question_read(r) for r in rows]


async def public_questions(event_id: int, viewer: CurrentUser | None) -> list[QuestionRead]:
    await public_event(event_id, viewer)
    return await questions_of(event_id)


async def organiser_questions(user: CurrentUser, event_id: int) -> list[QuestionRead]:
    await organiser_event(user, event_id)
    return await questions_of(event_id)


async def _get(event_id: int, question_id: int) -> dict[str, Any]:
    row = (
        await Question.select()
        .where((Question.id == question_id) & (Question.event == event_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def create_question(user: CurrentUser, event_id: int, data: QuestionCreate) -> QuestionRead:
    await editable_event(user, event_id)
    row = Question(
        event=event_id,
        kind=data.kind,
        label_en=data.label_en,
        label_zh=data.label_zh,
        required=data.required,
        options=_clean_options(data.kind, data.options),
        position=data.position,
        care=data.care,
    )
    await row.save()
    return question_read(await _get(event_id, row.id))


async def update_question(
    user: CurrentUser, event_id: int, question_id: int, data: QuestionUpdate
) -> QuestionRead:
    await editable_event(user, event_id)
    current = question_read(await _get(event_id, question_id))
    changes = {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not msgspec.UNSET}
    if "kind" in changes or "options" in changes:
        kind = changes.get("kind", current.kind)
        changes["options"] = _clean_options(kind, changes.get("options", current.options))
    if changes:
        await Question.update({Question._meta.get_column_by_name(k): v for k, v in changes.items()}).where(
            (Question.id == question_id) & (Question.event == event_id)
        )
    return question_read(await _get(event_id, question_id))


async def delete_question(user: CurrentUser, event_id: int, question_id: int) -> None:
    """Answers already given stay on their registrations, keyed by the old question id."""
    await editable_event(user, event_id)
    deleted = (
        await Question.delete()
        .where((Question.id == question_id) & (Question.event == event_id))
        .returning(Question.id)
    )
    if not deleted:
        raise NotFound()

"""Helpers for the calls and submissions tests: a contest with an open call, a team with a
project, and peeks at the outbox and the move log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.factories import Factory, TestUser
from tests.roadshows import support

QUESTIONS: list[dict[str, Any]] = [
    {"key": "traction", "kind": "text", "label_en": "Traction", "label_zh": "进展", "required": True},
    {
        "key": "stage",
        "kind": "single",
        "label_en": "Stage",
        "label_zh": "阶段",
        "required": False,
        "options": [{"value": "seed", "en": "Seed", "zh": "种子"}, {"value": "a", "en": "Series A"}],
    },
]
CATEGORIES: list[dict[str, str]] = [
    {"key": "health", "en": "Health", "zh": "健康"},
    {"key": "energy", "en": "Energy", "zh": "能源"},
]


@dataclass
class Pitch:
    """An organiser's contest with an open call, and an entrepreneur with a project."""

    organiser: TestUser
    organisation_id: int
    event_id: int
    call_id: int
    founder: TestUser
    project_id: int


async def pitch(
    factory: Factory, *, kind: str = "contest", founder_locale: str = "en", **call_fields: Any
) -> Pitch:
    organiser, organisation_id = await factory.organiser()
    event_id = await factory.event(organisation_id, kind=kind)
    values: dict[str, Any] = {"categories": CATEGORIES, "questions": QUESTIONS, **call_fields}
    call_id = await support.call(event_id, **values)
    founder = await factory.user(entrepreneur=True, locale=founder_locale)
    project_id = await support.project(founder)
    return Pitch(organiser, organisation_id, event_id, call_id, founder, project_id)


def body(project_id: int, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "project_id": project_id,
        "category": "health",
        "answers": {"traction": "300 pilot users", "stage": "seed"},
    }
    values.update(fields)
    return values


async def submit(client: httpx.AsyncClient, p: Pitch, **fields: Any) -> httpx.Response:
    return await client.post(
        f"/api/v1/calls/{p.call_id}/submissions", json=body(p.project_id, **fields), headers=p.founder.headers
    )


async def move(
    client: httpx.AsyncClient, user: TestUser, submission_id: int, to_status: str, **fields: Any
) -> httpx.Response:
    return await client.post(
        f"/api/v1/submissions/{submission_id}/moves",
        json={"to_status": to_status, **fields},
        headers=user.headers,
    )


async def status_of(submission_id: int) -> str:
    from roadshows.tables import Submission

    row = await Submission.select(Submission.status).where(Submission.id == submission_id).first()
    assert row is not None
    return row["status"]


async def mails_to(address: str) -> list[dict[str, Any]]:
    from app.mail.tables import OutboxMessage

    return (
        await OutboxMessage.select(OutboxMessage.kind, OutboxMessage.subject, OutboxMessage.body_text)
        .where(OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id)
    )


async def add_editor(project_id: int, user: TestUser) -> None:
    from roadshows.tables import ProjectMember

    await ProjectMember(project=project_id, user=user.id, role="editor").save()


async def investor(factory: Factory) -> TestUser:
    """A member of an investment institution (no organisation, not an entrepreneur)."""
    from app.accounts.tables import Institution, InstitutionMember
    from tests.factories import unique

    user = await factory.user()
    institution = Institution(slug=unique("fund"), name_en="Test Fund", name_zh="测试基金")
    await institution.save()
    await InstitutionMember(institution=institution.id, user=user.id, role="member").save()
    return user

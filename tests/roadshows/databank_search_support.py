"""Builders for databank search tests: listed projects, investors and award-winning origins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.factories import Factory, TestUser, unique
from tests.roadshows import support


async def listed(
    owner: TestUser,
    *,
    visibility: str = "teaser_public",
    origin_submission: int | None = None,
    published_at: dt.datetime | None = None,
    **fields: Any,
) -> int:
    """A project listed in the databank (the listing written directly, as publishing would)."""
    from roadshows.tables import DatabankListing

    project_id = await support.project(owner, **fields)
    await DatabankListing(
        project=project_id,
        visibility=visibility,
        origin_submission=origin_submission,
        published_by=owner.id,
        published_at=published_at or dt.datetime.now(dt.UTC),
    ).save()
    return project_id


async def investor(factory: Factory, *, locale: str = "en") -> TestUser:
    """A member of an institution (an investor; no subscription needed to search)."""
    from app.accounts.tables import Institution, InstitutionMember

    user = await factory.user(locale=locale)
    institution = Institution(slug=unique("inst"), name_en="Test Capital", name_zh="测试资本")
    await institution.save()
    await InstitutionMember(institution=institution.id, user=user.id, role="member").save()
    return user


async def listed_from_event(
    factory: Factory,
    owner: TestUser,
    *,
    status: str = "pitched",
    award_en: str = "",
    award_zh: str = "",
    event_title: str = "Battery Contest",
    event_id: int | None = None,
    **fields: Any,
) -> tuple[int, int]:
    """A project listed from a submission to an event's call; returns (project id, event id)."""
    from roadshows.tables import DatabankListing

    if event_id is None:
        _organiser, organisation_id = await factory.organiser()
        event_id = await factory.event(
            organisation_id, kind="contest", title_en=event_title, title_zh="电池大赛"
        )
    call_id = await support.call(event_id)
    project_id = await support.project(owner, **fields)
    submission_id = await support.submission(
        call_id, project_id, status=status, award_en=award_en, award_zh=award_zh
    )
    await DatabankListing(
        project=project_id,
        visibility="teaser_public",
        origin_submission=submission_id,
        published_by=owner.id,
        published_at=dt.datetime.now(dt.UTC),
    ).save()
    return project_id, event_id


def ids(body: dict[str, Any]) -> list[int]:
    return [item["id"] for item in body["items"]]


def marker() -> str:
    """A word no other test uses (Latin letters), to keep a test's results to its own projects."""
    import uuid

    return "zq" + uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))


def cjk_marker() -> str:
    """Four random CJK ideographs: a Chinese 'word' no other test uses."""
    import random

    return "".join(chr(random.randint(0x5000, 0x8FFF)) for _ in range(4))

"""Builders for the databank detail view and investors' tools tests: institutions, members,
seats, subscriptions and listed projects, straight into the tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tests.factories import Factory, TestUser, unique
from tests.roadshows import support

FULL_KEYS = (
    "financials_en",
    "financials_zh",
    "contact_name",
    "contact_email",
    "contact_phone",
    "website",
    "video_url",
    "deck",
)
SECRET_FIELDS: dict[str, Any] = dict(
    financials_en="Revenue 12M CNY, burn 1M a month",
    financials_zh="收入1200万元",
    contact_name="Wang Li",
    contact_email="wang.li@lake.example",
    contact_phone="+86 571 0000 0000",
    website="https://lake.example",
    video_url="https://video.example/lake",
    team=[{"name": "Wang Li", "role": "CEO"}, {"name": "Zhao Min", "role": "CTO"}],
)


@dataclass
class Investor:
    user: TestUser
    institution_id: int


async def institution(name_en: str = "Test Fund", name_zh: str = "测试基金") -> int:
    from app.accounts.tables import Institution

    row = Institution(slug=unique("fund"), name_en=name_en, name_zh=name_zh)
    await row.save()
    return row.id


async def member(
    factory: Factory, institution_id: int, *, role: str = "member", locale: str = "en"
) -> TestUser:
    from app.accounts.tables import InstitutionMember

    user = await factory.user(locale=locale)
    await InstitutionMember(institution=institution_id, user=user.id, role=role).save()
    return user


async def subscribe(
    institution_id: int,
    *,
    status: str = "active",
    period_end: dt.datetime | str | None = "future",
    source: str = "complimentary",
) -> int:
    from roadshows.tables import InstitutionSubscription

    end = dt.datetime.now(dt.UTC) + dt.timedelta(days=30) if period_end == "future" else period_end
    row = InstitutionSubscription(
        institution=institution_id, source=source, plan="complimentary", status=status, current_period_end=end
    )
    await row.save()
    return row.id


async def seat(institution_id: int, user: TestUser) -> None:
    from roadshows.tables import InstitutionSeat

    await InstitutionSeat(institution=institution_id, user=user.id).save()


async def investor(
    factory: Factory, *, name_en: str = "Test Fund", name_zh: str = "", locale: str = "en"
) -> Investor:
    """A member of a new institution, without a subscription or a seat."""
    institution_id = await institution(name_en, name_zh)
    return Investor(await member(factory, institution_id, locale=locale), institution_id)


async def subscriber(factory: Factory, *, name_en: str = "Subscribed Fund") -> Investor:
    """A member holding a seat of an institution whose subscription is live."""
    found = await investor(factory, name_en=name_en)
    await subscribe(found.institution_id)
    await seat(found.institution_id, found.user)
    return found


async def listed_project(
    owner: TestUser, visibility: str = "full_subscribers", *, withdrawn: bool = False, **fields: Any
) -> int:
    from roadshows.tables import DatabankListing

    project_id = await support.project(owner, **{**SECRET_FIELDS, **fields})
    await DatabankListing(
        project=project_id,
        visibility=visibility,
        published_by=owner.id,
        withdrawn_at=dt.datetime.now(dt.UTC) if withdrawn else None,
    ).save()
    return project_id


async def give_deck(project_id: int) -> None:
    """Store a real PDF as the project's deck (as the upload would)."""
    from roadshows.decks import deck_dir
    from roadshows.tables import Project
    from tests.roadshows.projects_support import small_pdf

    directory = deck_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{unique('deck').replace('-', '_')}{'x' * 8}.pdf"
    (directory / name).write_bytes(small_pdf())
    await Project.update(
        {Project.deck_file: name, Project.deck_name: "deck.pdf", Project.deck_size: 100}
    ).where(Project.id == project_id)


async def accepted_introduction(project_id: int, found: Investor) -> int:
    from roadshows.tables import IntroductionRequest

    row = IntroductionRequest(
        institution=found.institution_id,
        project=project_id,
        requested_by=found.user.id,
        message="Hello",
        status="accepted",
        decided_at=dt.datetime.now(dt.UTC),
    )
    await row.save()
    return row.id


async def outbox_to(address: str) -> list[dict[str, Any]]:
    """The mail queued to ``address``, oldest first (the sender updates rows meanwhile)."""
    from app.mail.tables import OutboxMessage

    return (
        await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.kind)
        .where(OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id)
    )

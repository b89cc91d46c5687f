"""Child process of the databank benchmark: migrate, then grow the databank to ``--total`` projects.

Run with the bench database's ``LUYAN_*`` environment (settings are read once per process):

    python bench/databank_prepare.py --total 10000 --out data.json

Projects come from ``bench.databank_data`` (the same ones for the same seed), go in with bulk
inserts and are listed (about 5% withdrawn again, 5% from a pitch at one of 20 events, some
awarded). The search index is filled by the database itself (SQLite triggers; PostgreSQL's
trigram index), as in production. Writes ``{"owner": [id, token], "investor": [id, token],
"project_ids": [...], "events": [...], "total": N, "seed_s": seconds}``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 1000
SEED = 20261122
EVENTS = 20
OWNER_EMAIL = "databank-bench-owner@example.test"
AWARDS = {"Gold Award": "金奖", "Silver Award": "银奖", "Best Pitch": "最佳路演奖"}


async def migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards(app_name="all")
    if not result.success:
        raise SystemExit(f"migrations failed: {result.message}")


async def people() -> tuple[list[Any], list[Any]]:
    """The projects' owner and an investor, each with a fresh API token."""
    from app.accounts.services import create_api_token
    from app.accounts.tables import Institution, InstitutionMember, User
    from tests.live_data import users_with_tokens

    owner = await User.select(User.id).where(User.email == OWNER_EMAIL).first()
    if owner is None:
        await User(
            email=OWNER_EMAIL, password_hash="!", display_name="Bench owner", is_entrepreneur=True
        ).save()
        owner = await User.select(User.id).where(User.email == OWNER_EMAIL).first()
    owner_token, _ = await create_api_token(owner["id"], "bench")
    (investor,) = await users_with_tokens(1, label="databank-investor")
    institution = Institution(
        slug=f"bench-{uuid.uuid4().hex[:8]}", name_en="Bench Capital", name_zh="基准资本"
    )
    await institution.save()
    await InstitutionMember(institution=institution.id, user=investor.id, role="member").save()
    return [owner["id"], owner_token], [investor.id, investor.token]


async def calls(owner_id: int) -> list[tuple[int, int]]:
    """``EVENTS`` contest events with a call each (made once): [(event id, call id)]."""
    from app.accounts.tables import Organisation
    from events.tables import Event
    from roadshows.tables import PitchCall

    found = await PitchCall.select(PitchCall.id, PitchCall.event).order_by(PitchCall.id)
    if found:
        return [(row["event"], row["id"]) for row in found]
    org = Organisation(slug=f"bench-{uuid.uuid4().hex[:6]}", name_en="Bench Park", name_zh="基准科技园")
    await org.save()
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    pairs = []
    for number in range(EVENTS):
        event = Event(
            organisation=org.id,
            slug=f"bench-contest-{number}",
            kind="contest",
            status="published",
            title_en=f"Innovation and Entrepreneurship Contest {number + 1}",
            title_zh=f"第{number + 1}届创新创业大赛",
            city_en="Jinhua",
            city_zh="金华",
            starts_at=start + dt.timedelta(days=20 * number),
            ends_at=start + dt.timedelta(days=20 * number + 1),
        )
        await event.save()
        call = PitchCall(event=event.id, title_en="Call", title_zh="征集", status="closed", deadline=start)
        await call.save()
        pairs.append((event.id, call.id))
    return pairs


async def grow(total: int, owner_id: int, event_calls: list[tuple[int, int]]) -> list[int]:
    from bench.databank_data import generate
    from roadshows.tables import DatabankListing, Project, Submission

    existing = await Project.count()
    rng = random.Random(SEED + existing)
    now = dt.datetime.now(dt.UTC)
    made: list[int] = []
    generated = itertools.islice(generate(total, SEED), existing, total)
    while batch := list(itertools.islice(generated, BATCH)):
        await Project.insert(
            *[
                Project(
                    owner=owner_id,
                    name_en=g.name_en,
                    name_zh=g.name_zh,
                    summary_en=g.summary_en,
                    summary_zh=g.summary_zh,
                    sector=g.sector,
                    stage=g.stage,
                    region=g.region,
                    funding_sought=g.funding_sought,
                    currency=g.currency,
                    financials_en="Revenue and runway as stated by the team.",
                    contact_email="team@example.test",
                )
                for g in batch
            ]
        )
        names = [g.name_en for g in batch]
        found = await Project.select(Project.id, Project.name_en).where(Project.name_en.is_in(names))
        ids = {row["name_en"]: row["id"] for row in found}
        origins: dict[int, int] = {}
        submissions = []
        for g in batch:
            if rng.random() < 0.05:
                _event, call_id = rng.choice(event_calls)
                award_en = rng.choice(list(AWARDS)) if rng.random() < 0.3 else ""
                submissions.append(
                    Submission(
                        call=call_id,
                        project=ids[g.name_en],
                        status="awarded" if award_en else "pitched",
                        award_en=award_en,
                        award_zh=AWARDS.get(award_en, ""),
                    )
                )
        if submissions:
            await Submission.insert(*submissions)
            rows = await Submission.select(Submission.id, Submission.project).where(
                Submission.project.is_in([s.project for s in submissions])
            )
            origins = {row["project"]: row["id"] for row in rows}
        listings = []
        for g in batch:
            project_id = ids[g.name_en]
            published = now - dt.timedelta(seconds=rng.randint(3600, 2 * 365 * 86400))
            listings.append(
                DatabankListing(
                    project=project_id,
                    visibility=g.visibility,
                    origin_submission=origins.get(project_id),
                    published_by=owner_id,
                    published_at=published,
                )
            )
            made.append(project_id)
        await DatabankListing.insert(*listings)
        withdrawn = [ids[g.name_en] for g in batch if g.withdrawn]
        if withdrawn:
            await DatabankListing.update({DatabankListing.withdrawn_at: now}).where(
                DatabankListing.project.is_in(withdrawn)
            )
        print(f"{existing + len(made)} / {total} projects", flush=True)
    return made


async def analyse() -> None:
    from roadshows.tables import Project

    await Project.raw("ANALYZE")


async def main(args: argparse.Namespace) -> dict[str, Any]:
    from app import db

    await db.start()
    try:
        await migrate()
        started = time.monotonic()
        owner, investor = await people()
        event_calls = await calls(owner[0])
        made = await grow(args.total, owner[0], event_calls)
        await analyse()
        from roadshows.tables import Project

        sample = await Project.select(Project.id).order_by(Project.id).limit(2000)
        return {
            "owner": owner,
            "investor": investor,
            "project_ids": [row["id"] for row in sample],
            "events": [event for event, _call in event_calls],
            "added": len(made),
            "total": await Project.count(),
            "seed_s": round(time.monotonic() - started, 1),
        }
    finally:
        await db.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--total", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    arguments = parser.parse_args()
    result = asyncio.run(main(arguments))
    arguments.out.write_text(json.dumps(result))

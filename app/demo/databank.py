"""The demo's project databank: projects that pitched at last spring's roadshow final, listed for
investors, and two institutions — one without a subscription (the demo investor: subscribe, or
"payments not configured") and one with complimentary access granted by the platform admin.
"""

from __future__ import annotations

import datetime as dt
import random

from rich.progress import Progress

from app.accounts.tables import Institution, InstitutionMember, User
from app.demo.accounts import DemoAccounts
from app.demo.pitches import IDEAS, SURNAMES
from events.tables import Event
from roadshows.tables import (
    DatabankListing,
    InstitutionSeat,
    InstitutionSubscription,
    PitchCall,
    Project,
    ProjectMember,
    Submission,
)

LISTED = 60
REGIONS = [
    ("Hangzhou", "杭州"),
    ("Ningbo", "宁波"),
    ("Jinhua", "金华"),
    ("Yiwu", "义乌"),
    ("Shanghai", "上海"),
    ("Suzhou", "苏州"),
    ("Hefei", "合肥"),
    ("Nanjing", "南京"),
]
VISIBILITIES = ["full_subscribers"] * 3 + ["teaser_public"] * 2 + ["full_on_introduction"]
AWARDS = [("Gold award", "金奖"), ("Silver award", "银奖"), ("Bronze award", "铜奖")]


async def _spring_final(accounts: DemoAccounts, now: dt.datetime) -> tuple[int, int]:
    """Last spring's roadshow final (closed): the event and its call the listed projects came from."""
    starts = now - dt.timedelta(days=75)
    event = Event(
        organisation=accounts.organisation_id,
        slug="yrd-spring-roadshow-final-2026",
        kind="roadshow",
        status="closed",
        title_en="Yangtze River Delta Spring Roadshow Final",
        title_zh="长三角春季路演总决赛",
        description_en="The spring season's best projects pitched to sixty investment institutions.",
        description_zh="春季路演季的优秀项目向六十家投资机构集中路演。",
        venue_en="Jinhua Science and Technology City",
        venue_zh="金华科技城",
        city_en="Jinhua",
        city_zh="金华",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=6),
        published_at=starts - dt.timedelta(days=30),
    )
    await event.save()
    call = PitchCall(
        event=event.id,
        title_en="Spring roadshow final: call for projects",
        title_zh="春季路演总决赛：项目征集",
        status="closed",
        deadline=starts - dt.timedelta(days=14),
    )
    await call.save()
    return event.id, call.id


def _project(index: int, owner: int, rng: random.Random) -> Project:
    sector, stage, name_en, name_zh, summary_en, summary_zh = IDEAS[index % len(IDEAS)]
    region_en, region_zh = REGIONS[index % len(REGIONS)]
    surname_en, surname_zh = SURNAMES[index % len(SURNAMES)]
    revenue = rng.choice([0, 0, 80, 120, 300, 650, 1200])
    return Project(
        owner=owner,
        name_en=f"{region_en} {name_en}",
        name_zh=f"{region_zh}{name_zh}",
        summary_en=summary_en,
        summary_zh=summary_zh,
        sector=sector,
        stage=stage,
        region=region_en,
        country="CN",
        funding_sought=rng.choice([1, 2, 3, 5, 8, 10, 15, 20, 30, 50]) * 1_000_000,
        currency="CNY",
        team=[{"name": f"{surname_zh}总 {surname_en}", "role": "CEO"}],
        website=f"https://example.com/databank-{index + 1}",
        financials_en=f"Revenue 2025: CNY {revenue}0,000. Seed round closed 2024.",
        financials_zh=f"2025年营收{revenue}万元；2024年完成种子轮。",
        contact_name=f"{surname_zh}总 {surname_en}",
        contact_email=f"founder{index + 1}@databank.luyan.demo",
        contact_phone=f"+86 579 8{index:03d} {rng.randint(1000, 9999)}",
    )


async def _institutions(accounts: DemoAccounts, colleague_id: int, now: dt.datetime) -> None:
    # West Lake Angel Fund (the demo investor's): a seat, no subscription yet.
    await InstitutionSeat(
        institution=accounts.institution_id, user=accounts.user_ids["investor"], assigned_by=None
    ).save()
    await InstitutionMember(institution=accounts.institution_id, user=colleague_id, role="member").save()
    # A guidance fund with complimentary access granted by the platform admin.
    fund = Institution(
        slug="jinhua-industrial-guidance-fund",
        name_en="Jinhua Industrial Guidance Fund",
        name_zh="金华产业引导基金",
    )
    await fund.save()
    fund_admin = accounts.user_ids["fund_admin"]
    await InstitutionMember(institution=fund.id, user=fund_admin, role="admin").save()
    await InstitutionSeat(institution=fund.id, user=fund_admin).save()
    await InstitutionSubscription(
        institution=fund.id,
        source="complimentary",
        plan="complimentary",
        status="active",
        seats=3,
        current_period_end=now + dt.timedelta(days=90),
        granted_by=accounts.user_ids["admin"],
        note="Pilot partner",
    ).save()


async def load_databank(
    accounts: DemoAccounts,
    founder_ids: list[int],
    colleague_id: int,
    rng: random.Random,
    progress: Progress,
) -> None:
    task = progress.add_task("databank", total=LISTED)
    now = dt.datetime.now(dt.UTC)
    _event_id, call_id = await _spring_final(accounts, now)
    await User.update({User.is_entrepreneur: True}).where(User.id.is_in(founder_ids))
    projects = [_project(i, founder_ids[i % len(founder_ids)], rng) for i in range(LISTED)]
    await Project.insert(*projects)
    await ProjectMember.insert(*[ProjectMember(project=p.id, user=p.owner, role="owner") for p in projects])
    submissions = []
    for i, project in enumerate(projects):
        award = AWARDS[i] if i < len(AWARDS) else None
        submissions.append(
            Submission(
                call=call_id,
                project=project.id,
                status="awarded" if award else "pitched",
                award_en=award[0] if award else "",
                award_zh=award[1] if award else "",
                submitted_by=project.owner,
                submitted_at=now - dt.timedelta(days=100),
                status_changed_at=now - dt.timedelta(days=75),
            )
        )
    await Submission.insert(*submissions)
    listings = [
        DatabankListing(
            project=p.id,
            origin_submission=s.id,
            visibility=VISIBILITIES[i % len(VISIBILITIES)],
            published_by=accounts.user_ids["organiser"],
            published_at=now - dt.timedelta(days=74 - i),
        )
        for i, (p, s) in enumerate(zip(projects, submissions, strict=True))
    ]
    await DatabankListing.insert(*listings)
    progress.advance(task, LISTED)
    await _institutions(accounts, colleague_id, now)

"""The demo's pitch pipeline: founders' projects, the contest's call and rounds with three judges,
and the first roadshow's call, run of show and databank listings.

The contest is left where an organiser can run it on from the UI: its call is open, most
projects are under review or shortlisted, the preliminary round is scoring with two judges done
and the third (``judge3@luyan.demo``) still to score, the semi-final and final are drafts with
their rubric. The first roadshow week has eight projects scheduled in its run of show, and the
demo entrepreneur's first project is already in the databank.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from rich.progress import Progress

from app.accounts.tables import User
from app.demo.accounts import DemoAccounts
from events.tables import AgendaSession, Event
from roadshows.tables import (
    ContestRound,
    Criterion,
    DatabankListing,
    JudgeAssignment,
    PitchCall,
    PitchSlot,
    Project,
    ProjectMember,
    RoundEntry,
    Score,
    Submission,
    SubmissionMove,
)

CONTEST_SLUG = "return-of-the-star-contest-2026"
ROADSHOW_SLUG = "yrd-open-air-roadshow-week-1-shanghai"
CONTEST_PROJECTS = 36
ROADSHOW_PROJECTS = 8
JUDGES = ("judge1", "judge2", "judge3")
SCORING_JUDGES = ("judge1", "judge2")  # judge3 has not scored yet: the demo's live leaderboard moves

# (key, en, zh, weight)
RUBRIC = [
    ("innovation", "Innovation and technology", "创新性与技术水平", 0.30),
    ("team", "Team", "团队", 0.25),
    ("market", "Market and business model", "市场与商业模式", 0.25),
    ("landing", "Landing plan in Jinhua", "在金华落地计划", 0.20),
]
TRACKS = [
    ("uk", "UK track", "英国赛区"),
    ("usa", "USA track", "美国赛区"),
    ("france", "France track", "法国赛区"),
]

# (sector, stage, en, zh, summary en, summary zh)
IDEAS = [
    (
        "semiconductors",
        "prototype",
        "Quantum sensing for power grids",
        "电网量子传感",
        "Diamond NV-centre sensors that find faults in high-voltage lines before they fail.",
        "基于金刚石NV色心的传感器，在高压线路故障发生前定位隐患。",
    ),
    (
        "biotech",
        "seed",
        "Bio-ink organ printing",
        "生物墨水器官打印",
        "Cell-laden bio-inks and a printer that builds liver tissue for drug testing.",
        "载细胞生物墨水与打印设备，构建用于药物测试的肝脏组织。",
    ),
    (
        "advanced_manufacturing",
        "series_a",
        "Cold-chain robotics",
        "冷链机器人",
        "Robots that pick and pack at minus 25 degrees so people don't have to.",
        "可在零下25度分拣打包的机器人，替代低温环境中的人工作业。",
    ),
    (
        "new_energy",
        "prototype",
        "Solid-state battery cells",
        "固态电池电芯",
        "Sulfide electrolyte cells with twice the energy density of today's packs.",
        "硫化物电解质电芯，能量密度是现有电池包的两倍。",
    ),
    (
        "medtech",
        "seed",
        "AI reading of retinal scans",
        "视网膜影像AI诊断",
        "Screens diabetic eye disease in village clinics from a phone-mounted camera.",
        "通过手机外接相机在乡村诊所筛查糖尿病眼病。",
    ),
    (
        "ai",
        "series_a",
        "Factory vision inspection",
        "工厂视觉质检",
        "Finds defects on hardware-tool production lines, trained from fifty examples.",
        "只需五十个样本即可训练，识别五金工具产线上的缺陷。",
    ),
    (
        "agritech",
        "idea",
        "Tea garden drones",
        "茶园无人机",
        "Drones that map tea gardens and spray only where pests are.",
        "绘制茶园地图并仅在虫害处精准喷洒的无人机。",
    ),
    (
        "advanced_materials",
        "prototype",
        "Graphene heat spreaders",
        "石墨烯散热膜",
        "Thin graphene films that cool phones and base stations.",
        "用于手机和基站散热的超薄石墨烯膜。",
    ),
    (
        "environment",
        "seed",
        "Textile dye water recycling",
        "印染废水回用",
        "Membranes that let dye works reuse 90% of their water.",
        "让印染厂回用90%用水的膜处理技术。",
    ),
    (
        "digital_economy",
        "series_b_plus",
        "Cross-border e-commerce for small makers",
        "小商品跨境电商",
        "Lists Yiwu makers' goods in twelve markets with automatic translation and customs.",
        "帮助义乌小商品厂家在十二个市场上架，自动翻译并处理报关。",
    ),
    (
        "consumer",
        "growth",
        "Smart e-bike locks",
        "智能电动车锁",
        "Locks and an app for the e-bikes made in Yongkang.",
        "面向永康电动车的智能锁与配套应用。",
    ),
    (
        "biotech",
        "prototype",
        "Enzymes for bio-plastics",
        "生物塑料酶",
        "Engineered enzymes that turn food waste into PLA feedstock.",
        "将厨余垃圾转化为聚乳酸原料的工程酶。",
    ),
]
CITIES = [
    ("London", "伦敦", "GB", "uk"),
    ("Boston", "波士顿", "US", "usa"),
    ("Paris", "巴黎", "FR", "france"),
]
SURNAMES = [("Li", "李"), ("Wang", "王"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨")]
GIVEN = [("Wei", "伟"), ("Fang", "芳"), ("Min", "敏"), ("Jun", "军"), ("Lei", "磊"), ("Yan", "燕")]


@dataclass(slots=True)
class Pipeline:
    contest_call: int
    rounds: list[int]
    project_ids: list[int]


def _founder(rng: random.Random) -> dict[str, str]:
    (sur_en, sur_zh), (given_en, given_zh) = rng.choice(SURNAMES), rng.choice(GIVEN)
    return {"name": f"{sur_zh}{given_zh} {given_en} {sur_en}", "role": "CEO"}


async def _projects(owner_ids: list[int], count: int, rng: random.Random, tag: str) -> list[Project]:
    rows = []
    for index in range(count):
        sector, stage, name_en, name_zh, summary_en, summary_zh = IDEAS[index % len(IDEAS)]
        city_en, _city_zh, country, _track = CITIES[index % len(CITIES)]
        suffix = "" if index < len(IDEAS) else f" {index // len(IDEAS) + 1}"
        rows.append(
            Project(
                owner=owner_ids[index % len(owner_ids)],
                name_en=f"{name_en}{suffix}" if tag == "contest" else f"{name_en} ({tag})",
                name_zh=f"{name_zh}{suffix}" if tag == "contest" else f"{name_zh}（{tag}）",
                summary_en=summary_en,
                summary_zh=summary_zh,
                sector=sector,
                stage=stage,
                region=city_en if tag == "contest" else "Shanghai",
                country=country if tag == "contest" else "CN",
                funding_sought=rng.choice([2, 3, 5, 8, 10, 20, 30]) * 1_000_000,
                currency="CNY",
                team=[_founder(rng), {**_founder(rng), "role": "CTO"}],
                website=f"https://example.com/{tag}-{index + 1}",
            )
        )
    await Project.insert(*rows)
    await ProjectMember.insert(*[ProjectMember(project=p.id, user=p.owner, role="owner") for p in rows])
    return rows


async def _submissions(
    call_id: int, projects: list[Project], statuses: list[str], categories: list[str], now: dt.datetime
) -> list[Submission]:
    rows = [
        Submission(
            call=call_id,
            project=p.id,
            category=categories[i % len(categories)] if categories else "",
            status=statuses[i],
            submitted_by=p.owner,
            submitted_at=now - dt.timedelta(days=20 - i % 10),
            status_changed_at=now - dt.timedelta(days=3),
        )
        for i, p in enumerate(projects)
    ]
    await Submission.insert(*rows)
    moves = []
    for row in rows:
        path = ["submitted", "under_review", "shortlisted", "scheduled", "pitched", "awarded"]
        if row.status in path:
            steps = path[: path.index(row.status) + 1]
            moves += [
                SubmissionMove(submission=row.id, from_status=a, to_status=b, note="")
                for a, b in itertools.pairwise(steps)
            ]
    if moves:
        await SubmissionMove.insert(*moves)
    return rows


async def _rounds(call_id: int, judge_ids: dict[str, int]) -> list[int]:
    ids = []
    for position, (kind, en, zh, status) in enumerate(
        [
            ("preliminary", "Preliminary round", "初赛", "scoring"),
            ("semi_final", "Semi-final", "复赛", "draft"),
            ("final", "Final", "决赛", "draft"),
        ]
    ):
        row = ContestRound(
            call=call_id,
            kind=kind,
            position=position,
            name_en=en,
            name_zh=zh,
            status=status,
            blind=kind == "preliminary",  # the preliminary is scored without team names
            scale_min=1,
            scale_max=10,
            advance_count={"preliminary": 12, "semi_final": 6, "final": 0}[kind],
        )
        await row.save()
        await Criterion.insert(
            *[
                Criterion(round=row.id, name_en=c_en, name_zh=c_zh, weight=weight, position=i)
                for i, (_key, c_en, c_zh, weight) in enumerate(RUBRIC)
            ]
        )
        await JudgeAssignment.insert(*[JudgeAssignment(round=row.id, judge=judge_ids[j]) for j in JUDGES])
        ids.append(row.id)
    return ids


async def _scores(
    round_id: int, submissions: list[Submission], judge_ids: dict[str, int], rng: random.Random
) -> None:
    criteria = await Criterion.select(Criterion.id, Criterion.weight).where(Criterion.round == round_id)
    total_weight = sum(c["weight"] for c in criteria)
    # A lenient and a harsh judge, so normalisation has something to do.
    bias = {"judge1": 1.2, "judge2": -1.0}
    rows = []
    for submission in submissions:
        quality = rng.uniform(4.0, 8.5)
        for judge in SCORING_JUDGES:
            values = {
                str(c["id"]): max(1, min(10, round(quality + bias[judge] + rng.uniform(-1.2, 1.2))))
                for c in criteria
            }
            total = sum(values[str(c["id"])] * c["weight"] for c in criteria) / total_weight
            rows.append(
                Score(
                    round=round_id,
                    submission=submission.id,
                    judge=judge_ids[judge],
                    values=values,
                    total=round(total, 4),
                )
            )
    await Score.insert(*rows)


async def load_pipeline(
    accounts: DemoAccounts,
    event_ids: dict[str, int],
    founder_ids: list[int],
    rng: random.Random,
    progress: Progress,
) -> Pipeline:
    task = progress.add_task("pitches", total=4)
    now = dt.datetime.now(dt.UTC)
    contest = await Event.select(Event.starts_at).where(Event.id == event_ids[CONTEST_SLUG]).first()
    assert contest is not None
    owners = [accounts.user_ids["entrepreneur"], *founder_ids]
    await User.update({User.is_entrepreneur: True}).where(User.id.is_in(founder_ids))

    # The contest: an open call, 36 projects in every early state, three rounds, two judges done.
    contest_projects = await _projects(owners, CONTEST_PROJECTS, rng, "contest")
    call = PitchCall(
        event=event_ids[CONTEST_SLUG],
        title_en='"Return of the Star" 2026: call for projects',
        title_zh="“星耀归来”2026：项目征集",
        description_en=(
            "Founders and scholars abroad: submit your project in one of three tracks. Shortlisted projects "
            "pitch online in the preliminary and semi-final; twelve finalists pitch on stage in Jinhua."
        ),
        description_zh="海外创业者和学者：请在三个赛区之一提交项目。入围项目参加线上初赛和复赛，十二强在金华登台决赛。",
        status="open",
        deadline=contest["starts_at"] - dt.timedelta(days=30),
        categories=[{"key": key, "en": en, "zh": zh} for key, en, zh in TRACKS],
        questions=[
            {
                "key": "landing",
                "kind": "single",
                "label_en": "Would you set up a company in Jinhua if you win?",
                "label_zh": "获奖后是否愿意在金华注册公司？",
                "required": True,
                "options": [
                    {"value": "yes", "en": "Yes", "zh": "是"},
                    {"value": "maybe", "en": "Maybe", "zh": "考虑中"},
                ],
            }
        ],
    )
    await call.save()
    statuses = (
        ["shortlisted"] * 18 + ["under_review"] * 10 + ["submitted"] * 5 + ["rejected"] * 2 + ["withdrawn"]
    )
    submissions = await _submissions(call.id, contest_projects, statuses, [k for k, _e, _z in TRACKS], now)
    progress.advance(task)
    round_ids = await _rounds(call.id, accounts.user_ids)
    shortlisted = [s for s in submissions if s.status == "shortlisted"]
    await RoundEntry.insert(*[RoundEntry(round=round_ids[0], submission=s.id) for s in shortlisted])
    await _scores(round_ids[0], shortlisted, accounts.user_ids, rng)
    progress.advance(task)

    # The first roadshow week: eight projects pitched on its stage and published to the databank.
    roadshow_id = event_ids[ROADSHOW_SLUG]
    roadshow_projects = await _projects(owners, ROADSHOW_PROJECTS, rng, "Shanghai")
    roadshow_call = PitchCall(
        event=roadshow_id,
        title_en="Pitch at the Shanghai open-air roadshow",
        title_zh="报名上海露天路演",
        description_en="Eight projects, five minutes each, in front of the investor bench.",
        description_zh="八个项目，每个五分钟，面向投资人席路演。",
        status="closed",
        deadline=now - dt.timedelta(days=2),
    )
    await roadshow_call.save()
    pitched = await _submissions(
        roadshow_call.id, roadshow_projects, ["scheduled"] * ROADSHOW_PROJECTS, [], now
    )
    session = (
        await AgendaSession.select(AgendaSession.id, AgendaSession.room)
        .where(AgendaSession.event == roadshow_id)
        .order_by(AgendaSession.starts_at)
        .first()
    )
    await PitchSlot.insert(
        *[
            PitchSlot(
                event=roadshow_id,
                submission=s.id,
                agenda_session=session["id"] if session else None,
                stage=session["room"] if session else "",
                position=i,
                duration_s=300,
            )
            for i, s in enumerate(pitched)
        ]
    )
    progress.advance(task)
    # The entrepreneur's own first project is in the databank from an earlier roadshow.
    await DatabankListing(
        project=contest_projects[0].id,
        visibility="full_subscribers",
        published_by=accounts.user_ids["organiser"],
    ).save()
    progress.advance(task)
    return Pipeline(contest_call=call.id, rounds=round_ids, project_ids=[p.id for p in contest_projects])

"""What the demo events look like: titles, venues, agendas, tickets and questions in both languages.

Numbers follow the real events (1,000 invited guests at the Jinhua Development Conference,
226 contest projects, 150 academicians); the people and speakers are made up.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class TicketSpec:
    name_en: str
    name_zh: str
    capacity: int
    group: str  # which organisations its holders come from (see people.ORGANISATIONS)
    confirmed: int = 0
    pending: int = 0  # awaiting approval: hold no seat
    waitlisted: int = 0
    offered: int = 0  # a freed seat held for them: counts in ``taken``
    requires_approval: bool = False


@dataclass(slots=True)
class SessionSpec:
    day: int  # 0 = first day of the event
    start: str  # local time "HH:MM"
    minutes: int
    title_en: str
    title_zh: str
    room: str = ""
    speakers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class QuestionSpec:
    kind: str  # text | single | multiple
    label_en: str
    label_zh: str
    required: bool = False
    options: list[tuple[str, str, str]] = field(default_factory=list)  # (value, en, zh)


@dataclass(slots=True)
class EventSpec:
    slug: str
    kind: str
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    venue_en: str
    venue_zh: str
    city_en: str
    city_zh: str
    starts_in_days: int
    days: int
    tickets: list[TicketSpec]
    sessions: list[SessionSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)
    status: str = "published"
    start_time: str = "09:00"
    end_time: str = "17:30"
    invitation_only: bool = False
    invitation_households: int = 0  # one code per invited household (invitation-only events)
    waitlist_enabled: bool = True


def _sessions(rows: list[tuple]) -> list[SessionSpec]:
    """``(day, "HH:MM", minutes, title_en, title_zh, room[, speakers])`` rows as ``SessionSpec``s."""
    return [SessionSpec(*row) for row in rows]


FIELDS = QuestionSpec(
    "single",
    "Your field",
    "您的领域",
    required=True,
    options=[
        ("ai", "Artificial intelligence", "人工智能"),
        ("bio", "Biomedicine", "生物医药"),
        ("materials", "New materials", "新材料"),
        ("manufacturing", "Advanced manufacturing", "高端装备制造"),
        ("digital-trade", "Digital trade", "数字贸易"),
    ],
)

# fmt: off
CONFERENCE = EventSpec(
    slug="jinhua-development-conference-2026",
    kind="conference",
    title_en="Jinhua Development Conference 2026",
    title_zh="2026金华发展大会",
    description_en=(
        "Jinhua invites 1,000 scientists and entrepreneurs from home and abroad to two days of talent "
        "policy, industry forums and project matchmaking. Talent programmes, research funding and "
        "landing support for new ventures are announced at the opening ceremony."
    ),
    description_zh=(
        "金华邀请海内外1000名科学家和企业家齐聚一堂，开展为期两天的人才政策发布、产业论坛和项目对接。"
        "开幕式将发布人才计划、科研资助和项目落地支持政策。"
    ),
    venue_en="Jinhua Convention and Exhibition Centre",
    venue_zh="金华会展中心",
    city_en="Jinhua",
    city_zh="金华",
    starts_in_days=45,
    days=2,
    tickets=[
        TicketSpec("Invited scientist", "特邀科学家", 600, "science", confirmed=412),
        TicketSpec("Entrepreneur", "企业家", 300, "business", confirmed=236),
        TicketSpec("Guest and media", "嘉宾与媒体", 100, "business", confirmed=38, pending=9,
                   requires_approval=True),
    ],
    sessions=_sessions([
        (0, "09:00", 90, "Opening ceremony and talent policy release", "开幕式暨人才政策发布",
         "Main Hall 主会场", ["Mayor of Jinhua 金华市市长", "Prof. Lin Wenbo 林文博教授"]),
        (0, "10:45", 75, "Keynote: science cities of the Yangtze River Delta", "主旨演讲：长三角科创城市",
         "Main Hall 主会场", ["Acad. Zhou Guoping 周国平院士"]),
        (0, "14:00", 150, "Forum: artificial intelligence and advanced manufacturing", "分论坛：人工智能与高端装备",
         "Hall A A厅", ["Dr. Chen Yuhang 陈宇航博士", "Xu Lixin 徐立新"]),
        (0, "14:00", 150, "Forum: biomedicine and health", "分论坛：生物医药与大健康",
         "Hall B B厅", ["Prof. Guo Huimin 郭慧敏教授"]),
        (1, "09:00", 180, "Project matchmaking with county industrial parks", "县市区产业园项目对接会",
         "Exhibition Hall 展厅", ["County delegations 各县市区代表团"]),
        (1, "14:00", 180, "Site visits: Yiwu, Yongkang and Dongyang", "实地考察：义乌、永康、东阳",
         "Coaches from the north gate 北门乘车"),
    ]),
    questions=[
        FIELDS,
        QuestionSpec("text", "Dietary requirements", "饮食要求"),
        QuestionSpec("multiple", "Site visits you would like to join", "希望参加的实地考察", options=[
            ("yiwu", "Yiwu digital trade hub", "义乌数字贸易中心"),
            ("yongkang", "Yongkang hardware park", "永康五金产业园"),
            ("dongyang", "Hengdian film and TV industry", "横店影视产业"),
        ]),
    ],
)

_ROADSHOW_STOPS = [
    ("Shanghai", "上海", "West Bund Riverside Plaza", "徐汇西岸滨江广场"),
    ("Hangzhou", "杭州", "Dream Town Square, Yuhang", "余杭梦想小镇广场"),
    ("Suzhou", "苏州", "Jinji Lake Harmony Square", "金鸡湖畔和谐广场"),
    ("Hefei", "合肥", "Binhu Science City Plaza", "滨湖科学城广场"),
    ("Nanjing", "南京", "Hexi Youth Culture Square", "河西青年文化广场"),
    ("Ningbo", "宁波", "Sanjiangkou Waterfront", "三江口滨水广场"),
    ("Wuxi", "无锡", "Taihu Plaza", "太湖广场"),
    ("Jinhua", "金华", "Yanwei Island Park", "燕尾洲公园"),
]

_ROADSHOW_AGENDA = [
    (0, "14:00", 15, "Welcome and talent policy in five minutes", "开场：五分钟看懂人才政策", "Stage 舞台",
     ["Jinhua Talent Office 金华市人才办"]),
    (0, "14:15", 90, "Eight pitches, five minutes each", "八个项目路演，每个五分钟", "Stage 舞台"),
    (0, "16:00", 60, "Investor questions and one-to-one talks", "投资人提问与一对一洽谈",
     "Investor tents 投资人帐篷", ["West Lake Angel Fund 西湖天使基金"]),
]
# fmt: on


def roadshows() -> list[EventSpec]:
    """Weekly open-air roadshows touring the Yangtze River Delta (the last one still a draft)."""
    events = []
    for week, (city_en, city_zh, venue_en, venue_zh) in enumerate(_ROADSHOW_STOPS, start=1):
        full = week == 1  # the first stop sold out its investor seats: a waiting list with an offer
        draft = week == len(_ROADSHOW_STOPS)  # still being prepared: no registrations yet
        founders = 0 if draft else min(week + 2, 6)
        investors = 0 if draft else 29 if full else 8 + 2 * week
        audience = 0 if draft or week > 6 else 30 + 8 * week
        events.append(
            EventSpec(
                slug=f"yrd-open-air-roadshow-week-{week}-{city_en.lower()}",
                kind="roadshow",
                title_en=f"Yangtze River Delta Open-Air Roadshow · Week {week} · {city_en}",
                title_zh=f"长三角露天路演 · 第{week}周 · {city_zh}",
                description_en=(
                    f"Every Saturday founders pitch in the open air to investors and passers-by. This week in "
                    f"{city_en}: eight projects, five minutes each, questions from the investor bench, and "
                    "a talent-policy desk of the Jinhua Talent Office."
                ),
                description_zh=(
                    f"每周六，创业者在户外向投资人和市民路演。本周在{city_zh}：八个项目，每个五分钟，"
                    "投资人现场提问，金华市人才办设人才政策咨询台。"
                ),
                venue_en=venue_en,
                venue_zh=venue_zh,
                city_en=city_en,
                city_zh=city_zh,
                starts_in_days=7 * week - 3,
                days=1,
                start_time="14:00",
                end_time="17:00",
                status="draft" if draft else "published",
                tickets=[
                    TicketSpec(
                        "Pitching founder",
                        "路演项目方",
                        8,
                        "business",
                        confirmed=founders,
                        pending=0 if draft else 2,
                        requires_approval=True,
                    ),
                    TicketSpec(
                        "Investor seat",
                        "投资人席位",
                        30,
                        "investor",
                        confirmed=investors,
                        waitlisted=6 if full else 0,
                        offered=1 if full else 0,
                    ),
                    TicketSpec("Open-air audience", "现场观众", 200, "business", confirmed=audience),
                ],
                sessions=_sessions(_ROADSHOW_AGENDA),
                questions=[FIELDS] if week % 2 else [],
            )
        )
    return events


# fmt: off
CONTEST = EventSpec(
    slug="return-of-the-star-contest-2026",
    kind="contest",
    title_en='"Return of the Star" Overseas Talent Entrepreneurship Contest',
    title_zh="“星耀归来”海外人才创业大赛",
    description_en=(
        "226 projects led by Chinese scholars and founders in the UK, the USA and France compete for "
        "landing funds, lab space and investment in Jinhua. Semi-finals ran online in London, Boston and "
        "Paris; the finalists pitch on stage in Jinhua."
    ),
    description_zh=(
        "来自英国、美国和法国的226个海外人才创业项目同台竞技，争夺落地资金、实验室空间和投资机会。"
        "半决赛已在伦敦、波士顿和巴黎线上举行，决赛选手将在金华登台路演。"
    ),
    venue_en="Jinhua Science and Technology City Innovation Centre",
    venue_zh="金华科技城创新中心",
    city_en="Jinhua",
    city_zh="金华",
    starts_in_days=60,
    days=2,
    tickets=[
        TicketSpec("Project lead", "项目负责人", 226, "overseas", confirmed=5, pending=9, requires_approval=True),
        TicketSpec("Audience", "观众", 400, "business", confirmed=24),
    ],
    sessions=_sessions([
        (0, "09:00", 30, "Opening and rules of the final", "开幕及决赛规则说明", "Innovation Hall 创新厅",
         ["Jinhua Talent Office 金华市人才办"]),
        (0, "09:30", 240, "Final pitches: UK track", "决赛路演：英国赛区", "Innovation Hall 创新厅",
         ["Judges' panel 评委团"]),
        (0, "14:00", 240, "Final pitches: USA and France tracks", "决赛路演：美国赛区与法国赛区",
         "Innovation Hall 创新厅", ["Judges' panel 评委团"]),
        (1, "10:00", 120, "Awards and landing agreements", "颁奖及项目落地签约", "Innovation Hall 创新厅",
         ["Mayor of Jinhua 金华市市长"]),
    ]),
    questions=[
        QuestionSpec("single", "Where do you study or work?", "您目前在哪个国家学习或工作？", required=True,
                     options=[("uk", "United Kingdom", "英国"), ("usa", "United States", "美国"),
                              ("fr", "France", "法国")]),
        QuestionSpec("text", "Project name", "项目名称"),
    ],
)

RETREAT = EventSpec(
    slug="academician-recuperation-retreat-2026",
    kind="retreat",
    title_en="Provincial Academician Recuperation Retreat 2026",
    title_zh="2026年全省院士休养活动",
    description_en=(
        "Five days of rest for 150 academicians and their families at the Wuyi hot springs: health "
        "check-ups, tea-culture walks, and an informal consultation with Jinhua's industries. By "
        "invitation only; every registration is confirmed by the organisers."
    ),
    description_zh=(
        "150位院士携家属在武义温泉休养五天：健康体检、茶文化游览，并与金华产业界开展座谈交流。"
        "仅限受邀嘉宾报名，所有报名须经主办方确认。"
    ),
    venue_en="Wuyi Hot Spring Resort",
    venue_zh="武义温泉度假村",
    city_en="Wuyi",
    city_zh="武义",
    starts_in_days=90,
    days=5,
    start_time="14:00",
    end_time="12:00",
    invitation_only=True,
    invitation_households=150,
    waitlist_enabled=False,
    tickets=[
        TicketSpec("Academician", "院士", 150, "academy", confirmed=42, pending=11, requires_approval=True),
        TicketSpec("Accompanying family member", "随行家属", 300, "academy", confirmed=55, pending=6,
                   requires_approval=True),
    ],
    sessions=_sessions([
        (0, "14:00", 240, "Arrival and welcome dinner", "报到及欢迎晚宴", "Lobby 大堂"),
        (1, "08:30", 180, "Health check-ups", "健康体检", "Wuyi First People's Hospital 武义县第一人民医院"),
        (2, "09:00", 180, "Tea-culture walk at the Wuyi tea gardens", "武义茶园茶文化游览", "Tea gardens 茶园"),
        (3, "09:30", 120, "Consultation with Jinhua industries", "院士与金华产业座谈会", "Conference room 会议室",
         ["Jinhua Talent Office 金华市人才办"]),
        (4, "09:00", 120, "Farewell and departure", "欢送及返程", "Lobby 大堂"),
    ]),
    questions=[
        QuestionSpec("single", "Accompanying family members", "随行家属人数", required=True,
                     options=[("0", "None", "无"), ("1", "One", "1人"), ("2", "Two", "2人"), ("3", "Three", "3人")]),
        QuestionSpec("text", "Health or mobility needs", "健康或行动方面的需求"),
    ],
)
# fmt: on


def all_events() -> list[EventSpec]:
    return [CONFERENCE, *roadshows(), CONTEST, RETREAT]

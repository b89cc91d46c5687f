"""The demo accounts (one per role), the demo organisation and the demo institution."""

from __future__ import annotations

from dataclasses import dataclass

from app.accounts.tables import Institution, InstitutionMember, Organisation, OrganisationMember, User

DEMO_PASSWORD = "luyan-demo"
MARKER_EMAIL = "organiser@luyan.demo"  # present means "the demo is loaded"

# (role, email, display name, what the account shows)
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    (
        "admin",
        "admin@luyan.demo",
        "平台管理员 Platform Admin",
        "platform admin: every organisation and event",
    ),
    ("organiser", MARKER_EMAIL, "李静 Li Jing", "owner of Jinhua Talent Office 金华市人才办: /dashboard"),
    ("entrepreneur", "entrepreneur@luyan.demo", "陈思远 Chen Siyuan", "returnee founder in the contest"),
    (
        "investor",
        "investor@luyan.demo",
        "周宁 Zhou Ning",
        "admin of West Lake Angel Fund 西湖天使基金: /databank, /me/institution",
    ),
    (
        "fund_admin",
        "fund@luyan.demo",
        "钱晓 Qian Xiao",
        "Jinhua Industrial Guidance Fund: complimentary full access to /databank",
    ),
    ("attendee", "attendee@luyan.demo", "王小明 Wang Xiaoming", "registered for the conference"),
    ("checkin_staff", "staff@luyan.demo", "赵磊 Zhao Lei", "check-in staff of the Jinhua conference"),
    ("judge1", "judge1@luyan.demo", "吴红教授 Prof. Wu Hong", "contest judge (lenient): /judge"),
    ("judge2", "judge2@luyan.demo", "郑国强 Zheng Guoqiang", "contest judge (harsh): /judge"),
    (
        "judge3",
        "judge3@luyan.demo",
        "Dr. Sarah Miller",
        "contest judge, still to score the preliminary: /judge",
    ),
]


@dataclass(slots=True)
class DemoAccounts:
    user_ids: dict[str, int]  # role -> user id
    organisation_id: int
    institution_id: int


async def demo_accounts() -> list[tuple[str, str, str]]:
    """``(role, email, note)`` of the demo accounts when the demo is loaded, else ``[]``."""
    if not await User.exists().where(User.email == MARKER_EMAIL):
        return []
    present = {row["email"] for row in await User.select(User.email).where(User.email.like("%@luyan.demo"))}
    return [(role, email, note) for role, email, _name, note in DEMO_ACCOUNTS if email in present]


async def create_accounts(password_hash: str) -> DemoAccounts:
    users = {
        role: User(
            email=email,
            password_hash=password_hash,
            display_name=name,
            locale="zh" if role in {"organiser", "checkin_staff", "attendee"} else "en",
            is_admin=role == "admin",
            is_entrepreneur=role == "entrepreneur",
        )
        for role, email, name, _note in DEMO_ACCOUNTS
    }
    await User.insert(*users.values())
    organisation = Organisation(
        slug="jinhua-talent-office", name_en="Jinhua Talent Office", name_zh="金华市人才办"
    )
    institution = Institution(
        slug="west-lake-angel-fund", name_en="West Lake Angel Fund", name_zh="西湖天使基金"
    )
    await organisation.save()
    await institution.save()
    await OrganisationMember(organisation=organisation.id, user=users["organiser"].id, role="owner").save()
    await InstitutionMember(institution=institution.id, user=users["investor"].id, role="admin").save()
    return DemoAccounts(
        user_ids={role: user.id for role, user in users.items()},
        organisation_id=organisation.id,
        institution_id=institution.id,
    )

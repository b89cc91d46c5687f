"""A little mail history for the organiser's outbox page (already sent, one failed)."""

from __future__ import annotations

import datetime as dt

from app.demo.accounts import DemoAccounts
from app.mail.tables import OutboxMessage

CONFERENCE = "jinhua-development-conference-2026"
ROADSHOW = "yrd-open-air-roadshow-week-1-shanghai"
RETREAT = "academician-recuperation-retreat-2026"

# (event slug, to, kind, subject, body, status, days ago)
MESSAGES = [
    (
        CONFERENCE,
        "attendee@luyan.demo",
        "registration.confirmed",
        "报名成功：2026金华发展大会",
        "王小明，您好：\n\n您已成功报名2026金华发展大会（特邀科学家）。请于开幕当天持电子票入场。\n\n金华市人才办",
        "sent",
        12,
    ),
    (
        CONFERENCE,
        "guest0007@luyan.demo",
        "registration.confirmed",
        "报名成功：2026金华发展大会",
        "您好：\n\n您已成功报名2026金华发展大会（企业家）。\n\n金华市人才办",
        "sent",
        9,
    ),
    (
        CONFERENCE,
        "press@bounce.luyan.demo",
        "registration.pending",
        "Registration received: Jinhua Development Conference 2026",
        "Hello,\n\nWe received your registration as guest and media. The organisers will confirm it soon.\n\n"
        "Jinhua Talent Office",
        "failed",
        7,
    ),
    (
        ROADSHOW,
        "investor@luyan.demo",
        "registration.confirmed",
        "Registration confirmed: Yangtze River Delta Open-Air Roadshow · Week 1 · Shanghai",
        "Hello Zhou Ning,\n\nYour investor seat at the West Bund Riverside Plaza is confirmed.\n\n"
        "Jinhua Talent Office",
        "sent",
        6,
    ),
    (
        ROADSHOW,
        "guest0042@luyan.demo",
        "waitlist.offered",
        "有空位了：长三角露天路演 · 第1周 · 上海",
        "您好：\n\n投资人席位有空位为您保留48小时。请登录“我的报名”接受。\n\n金华市人才办",
        "sent",
        1,
    ),
    (
        RETREAT,
        "guest0100@luyan.demo",
        "registration.pending",
        "报名已收到：2026年全省院士休养活动",
        "尊敬的院士，您好：\n\n我们已收到您的报名，主办方确认后将另行通知。\n\n金华市人才办",
        "sent",
        3,
    ),
]


async def demo_mail(accounts: DemoAccounts, event_ids: dict[str, int]) -> None:
    now = dt.datetime.now(dt.UTC)
    rows = []
    for slug, to, kind, subject, body, status, days_ago in MESSAGES:
        created = now - dt.timedelta(days=days_ago)
        failed = status == "failed"
        rows.append(
            OutboxMessage(
                to_address=to,
                subject=subject,
                body_text=body + "\n",
                kind=kind,
                status=status,
                attempts=5 if failed else 1,
                last_error="550 5.1.1 mailbox unavailable" if failed else "",
                organisation_id=accounts.organisation_id,
                event_id=event_ids[slug],
                created_at=created,
                next_attempt_at=created,
                sent_at=None if failed else created + dt.timedelta(seconds=3),
            )
        )
    await OutboxMessage.insert(*rows)

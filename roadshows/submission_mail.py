"""Mail to a submission's team: one when it is received, one for each move.

Every account on the project's team (its owner and co-editors) gets the mail in its own
language (``User.locale``), from ``frontend/templates/mail/submission_<status>.txt``. Queued by
the caller inside the transaction that made the change, so a rolled-back move sends nothing.
"""

from __future__ import annotations

from typing import Any

from app.accounts.tables import User
from app.mail.outbox import enqueue, render_mail
from app.settings import get_settings
from roadshows.tables import ProjectMember, Submission

RECEIVED = "received"  # the template sent on submission; the others are named after a status


async def submission_facts(submission_id: int) -> dict[str, Any] | None:
    """What the mails say about a submission: project, call, event and award."""
    return (
        await Submission.select(
            Submission.id,
            Submission.status,
            Submission.award_en,
            Submission.award_zh,
            Submission.project.as_alias("project_id"),
            Submission.project.owner.as_alias("owner_id"),
            Submission.project.name_en.as_alias("project_en"),
            Submission.project.name_zh.as_alias("project_zh"),
            Submission.call.title_en.as_alias("call_en"),
            Submission.call.title_zh.as_alias("call_zh"),
            Submission.call.event.as_alias("event_id"),
            Submission.call.event.title_en.as_alias("event_en"),
            Submission.call.event.title_zh.as_alias("event_zh"),
            Submission.call.event.organisation.as_alias("organisation_id"),
        )
        .where(Submission.id == submission_id)
        .first()
    )


async def team_recipients(project_id: int, owner_id: int) -> list[dict[str, Any]]:
    """The owner and co-editors with an active account: id, email, name, locale."""
    members = await ProjectMember.select(ProjectMember.user).where(ProjectMember.project == project_id)
    ids = {owner_id, *(m["user"] for m in members)}
    return (
        await User.select(User.id, User.email, User.display_name, User.locale)
        .where(User.id.is_in(sorted(ids)) & (User.is_active == True))  # noqa: E712
        .order_by(User.id)
    )


async def queue_team_mail(facts: dict[str, Any], template_status: str, note: str = "") -> int:
    """Queue ``submission_<template_status>`` to each team member; returns how many."""
    recipients = await team_recipients(facts["project_id"], facts["owner_id"])
    link = f"{get_settings().public_base_url}/me/submissions"
    for person in recipients:
        mail = render_mail(
            f"submission_{template_status}",
            person["locale"] or "en",
            name=person["display_name"],
            project_en=facts["project_en"],
            project_zh=facts["project_zh"],
            call_en=facts["call_en"],
            call_zh=facts["call_zh"],
            event_en=facts["event_en"],
            event_zh=facts["event_zh"],
            award_en=facts["award_en"],
            award_zh=facts["award_zh"],
            note=note.strip(),
            link=link,
        )
        await enqueue(
            person["email"],
            mail,
            f"submission.{template_status}",
            organisation_id=facts["organisation_id"],
            event_id=facts["event_id"],
        )
    return len(recipients)

"""Projects and their team: creating, editing and deleting a project, and its co-editors.

A project belongs to the entrepreneur who created it (its owner); the owner adds co-editors by
the email of their account. Everyone on the team may read and edit the project; only the owner
deletes it or changes who is on the team. Anyone else gets 404, as for a missing project.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlparse

import msgspec

from app.accounts.services import normalise_email
from app.accounts.tables import User
from app.auth import CurrentUser
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.i18n import N_
from app.signals import emit
from roadshows import decks
from roadshows.access import team_project
from roadshows.catalog import is_country
from roadshows.project_schemas import (
    DeckRead,
    MemberRead,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
    TeamPerson,
)
from roadshows.tables import DatabankListing, JudgeConflict, Project, ProjectMember, Submission


class ProjectSubmitted(Conflict):
    code = "project_submitted"
    message = N_("This project was submitted to a pitch call and can no longer be deleted.")


class UnknownAccount(NotFound):
    code = "unknown_account"
    message = N_("No account uses this email address. Ask them to sign up first.")


class AlreadyMember(Conflict):
    code = "already_member"
    message = N_("This person is already on the team.")


class OwnerOnly(Forbidden):
    code = "owner_only"
    message = N_("Only the project's owner can do this.")


class OwnerStays(Conflict):
    code = "owner_stays"
    message = N_("The owner cannot be removed from the team.")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def is_unique_violation(exc: Exception) -> bool:
    """SQLite and PostgreSQL both name the broken constraint "unique" in their message."""
    return "unique" in str(exc).lower()


# -- validation ------------------------------------------------------------------------------
def _http_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.hostname) and " " not in value


TEXT_FIELDS = (
    "name_en",
    "name_zh",
    "summary_en",
    "summary_zh",
    "region",
    "financials_en",
    "financials_zh",
    "contact_name",
    "contact_email",
    "contact_phone",
)


def check_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Rules beyond types and lengths, on the project's fields after a change (all of them).

    Returns the values cleaned (trimmed text, upper-case country); raises ``InvalidInput``
    naming each field that needs attention.
    """
    cleaned = dict(values)
    for key in (*TEXT_FIELDS, "website", "video_url"):
        if isinstance(cleaned.get(key), str):
            cleaned[key] = cleaned[key].strip()
    errors: dict[str, str] = {}
    if not cleaned.get("name_en") and not cleaned.get("name_zh"):
        errors["name_en"] = N_("Give the project a name in English or in Chinese.")
    country = str(cleaned.get("country", "")).upper()
    cleaned["country"] = country
    if not is_country(country):
        errors["country"] = N_("Choose a country (a two-letter ISO 3166 code such as CN).")
    for key in ("website", "video_url"):
        if cleaned.get(key) and not _http_url(cleaned[key]):
            errors[key] = N_("Enter a full web address starting with http:// or https://.")
    team = cleaned.get("team")
    if team is not None:
        cleaned["team"] = [
            {"name": p["name"].strip(), "role": p.get("role", "").strip()} for p in msgspec.to_builtins(team)
        ]
        if any(not p["name"] for p in cleaned["team"]):
            errors["team"] = N_("Every person on the team needs a name.")
    if errors:
        raise InvalidInput(errors)
    return cleaned


# -- reading ---------------------------------------------------------------------------------
def _team(raw: Any) -> list[TeamPerson]:
    people = json.loads(raw) if isinstance(raw, str) else (raw or [])
    return [TeamPerson(name=p.get("name", ""), role=p.get("role", "")) for p in people]


def deck_read(row: dict[str, Any]) -> DeckRead | None:
    if not row["deck_file"]:
        return None
    return DeckRead(
        name=row["deck_name"],
        size=row["deck_size"],
        uploaded_at=row["deck_uploaded_at"],
        url=f"/api/v1/projects/{row['id']}/deck",
    )


def project_read(row: dict[str, Any], user_id: int) -> ProjectRead:
    return ProjectRead(
        id=row["id"],
        owner_id=row["owner"],
        my_role="owner" if row["owner"] == user_id else "editor",
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        summary_en=row["summary_en"],
        summary_zh=row["summary_zh"],
        sector=row["sector"],
        stage=row["stage"],
        region=row["region"],
        country=row["country"],
        funding_sought=row["funding_sought"],
        currency=row["currency"],
        team=_team(row["team"]),
        website=row["website"],
        video_url=row["video_url"],
        financials_en=row["financials_en"],
        financials_zh=row["financials_zh"],
        contact_name=row["contact_name"],
        contact_email=row["contact_email"],
        contact_phone=row["contact_phone"],
        deck=deck_read(row),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def get_project(user: CurrentUser, project_id: int) -> ProjectRead:
    return project_read(await team_project(user, project_id), user.id)


async def my_projects(user: CurrentUser) -> list[ProjectRead]:
    """Projects whose team ``user`` is on, most recently changed first."""
    memberships = await ProjectMember.select(ProjectMember.project).where(ProjectMember.user == user.id)
    ids = {m["project"] for m in memberships}
    query = Project.select()
    query = (
        query.where((Project.owner == user.id) | Project.id.is_in(list(ids)))
        if ids
        else query.where(Project.owner == user.id)
    )
    rows = await query.order_by(Project.updated_at, ascending=False).order_by(Project.id, ascending=False)
    return [project_read(row, user.id) for row in rows]


# -- writing ---------------------------------------------------------------------------------
async def create_project(user: CurrentUser, data: ProjectCreate) -> ProjectRead:
    values = check_fields(msgspec.structs.asdict(data))
    async with Project._meta.db.transaction():
        row = Project(owner=user.id, **values)
        await row.save()
        await ProjectMember(project=row.id, user=user.id, role="owner").save()
    return await get_project(user, row.id)


async def update_project(user: CurrentUser, project_id: int, data: ProjectUpdate) -> ProjectRead:
    row = await team_project(user, project_id)
    changes = {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not msgspec.UNSET}
    if changes:
        current = {f: row[f] for f in ProjectCreate.__struct_fields__}
        current["team"] = msgspec.to_builtins(_team(current["team"]))
        merged = check_fields({**current, **msgspec.to_builtins(changes)})
        values = {Project._meta.get_column_by_name(k): merged[k] for k in changes}
        values[Project.updated_at] = now()
        await Project.update(values).where(Project.id == project_id)
    return await get_project(user, project_id)


async def delete_project(user: CurrentUser, project_id: int) -> None:
    """Delete a project that was never submitted (its deck file too); owner only."""
    row = await team_project(user, project_id)
    if row["owner"] != user.id:
        raise OwnerOnly()
    try:
        async with Project._meta.db.transaction():
            if await Submission.exists().where(Submission.project == project_id):
                raise ProjectSubmitted()
            listed = await DatabankListing.exists().where(
                (DatabankListing.project == project_id) & DatabankListing.withdrawn_at.is_null()
            )
            await DatabankListing.delete().where(DatabankListing.project == project_id)
            await JudgeConflict.delete().where(JudgeConflict.project == project_id)
            await Project.delete().where(Project.id == project_id)  # members go by cascade
    except ProjectSubmitted:
        raise
    except Exception as exc:  # a submission made meanwhile still points at the project
        if "foreign key" in str(exc).lower():
            raise ProjectSubmitted() from exc
        raise
    decks.remove_file(row["deck_file"])
    if listed:
        emit("databank.withdrawn", project_id=project_id)


# -- team accounts ---------------------------------------------------------------------------
async def list_members(user: CurrentUser, project_id: int) -> list[MemberRead]:
    await team_project(user, project_id)
    rows = (
        await ProjectMember.select(
            ProjectMember.user,
            ProjectMember.role,
            ProjectMember.created_at,
            ProjectMember.user.email.as_alias("email"),
            ProjectMember.user.display_name.as_alias("display_name"),
        )
        .where(ProjectMember.project == project_id)
        .order_by(ProjectMember.id)
    )
    return [
        MemberRead(
            user_id=r["user"],
            email=r["email"],
            display_name=r["display_name"],
            role="owner" if r["role"] == "owner" else "editor",
            added_at=r["created_at"],
        )
        for r in rows
    ]


async def add_member(user: CurrentUser, project_id: int, email: str) -> MemberRead:
    """The owner adds the account with ``email`` as a co-editor (409 when already on the team)."""
    row = await team_project(user, project_id)
    if row["owner"] != user.id:
        raise OwnerOnly()
    account = (
        await User.select(User.id, User.email, User.display_name)
        .where((User.email == normalise_email(email)) & (User.is_active == True))  # noqa: E712
        .first()
    )
    if account is None:
        raise UnknownAccount(extra={"field": "email"})
    if await ProjectMember.exists().where(
        (ProjectMember.project == project_id) & (ProjectMember.user == account["id"])
    ):
        raise AlreadyMember(extra={"field": "email"})
    member = ProjectMember(project=project_id, user=account["id"], role="editor")
    try:
        await member.save()
    except Exception as exc:  # the unique index (project, user): a concurrent add won
        if is_unique_violation(exc):
            raise AlreadyMember(extra={"field": "email"}) from exc
        raise
    return MemberRead(
        user_id=account["id"],
        email=account["email"],
        display_name=account["display_name"],
        role="editor",
        added_at=member.created_at if isinstance(member.created_at, dt.datetime) else now(),
    )


async def remove_member(user: CurrentUser, project_id: int, member_id: int) -> None:
    """The owner removes a co-editor; a co-editor may also leave the team themselves."""
    row = await team_project(user, project_id)
    if row["owner"] != user.id and member_id != user.id:
        raise OwnerOnly()
    if member_id == row["owner"]:
        raise OwnerStays()
    where = (ProjectMember.project == project_id) & (ProjectMember.user == member_id)
    if not await ProjectMember.exists().where(where):
        raise NotFound()
    await ProjectMember.delete().where(where)

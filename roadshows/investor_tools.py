"""An investor's own tools on databank projects: the watchlist (follows) and private notes.

Both belong to one person. A note is read and written only by its author, through queries
keyed by the author's id: the project's team, the author's colleagues in the same institution
and administrators never read it through any route. Following and writing need the project to
be listed and visible to the investor (``roadshows.databank_views``); unfollowing and deleting
one's own note work even after the listing is withdrawn.
"""

from __future__ import annotations

import datetime as dt

from app.auth import CurrentUser
from app.errors import NotFound
from roadshows.databank_view_schemas import FollowRead, NoteRead, WatchlistItem
from roadshows.databank_views import sight, visible_project
from roadshows.projects import is_unique_violation
from roadshows.tables import DatabankListing, InvestorNote, ProjectFollow


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# -- follows ---------------------------------------------------------------------------------
async def _follow_row(user_id: int, project_id: int) -> dict | None:
    return (
        await ProjectFollow.select()
        .where((ProjectFollow.user == user_id) & (ProjectFollow.project == project_id))
        .first()
    )


async def follow(user: CurrentUser, project_id: int) -> FollowRead:
    """Add the project to my watchlist (idempotent; a concurrent double click makes one row)."""
    await visible_project(user, project_id)
    row = await _follow_row(user.id, project_id)
    if row is None:
        try:
            await ProjectFollow(user=user.id, project=project_id, created_at=_now()).save()
        except Exception as exc:  # the unique index (user, project): the other click won
            if not is_unique_violation(exc):
                raise
        row = await _follow_row(user.id, project_id)
    return FollowRead(project_id=project_id, following=True, since=row["created_at"] if row else None)


async def unfollow(user: CurrentUser, project_id: int) -> FollowRead:
    """Take the project off my watchlist (idempotent while the project is visible)."""
    removed = (
        await ProjectFollow.delete()
        .where((ProjectFollow.user == user.id) & (ProjectFollow.project == project_id))
        .returning(ProjectFollow.id)
    )
    if not removed:
        await visible_project(user, project_id)  # 404 for a project I cannot see
    return FollowRead(project_id=project_id, following=False, since=None)


async def watchlist(user: CurrentUser) -> list[WatchlistItem]:
    """The projects I follow, newest first; ``listed`` is false once one is no longer visible."""
    rows = (
        await ProjectFollow.select(
            ProjectFollow.project.as_alias("project_id"),
            ProjectFollow.created_at,
            ProjectFollow.project.name_en.as_alias("name_en"),
            ProjectFollow.project.name_zh.as_alias("name_zh"),
            ProjectFollow.project.sector.as_alias("sector"),
            ProjectFollow.project.stage.as_alias("stage"),
            ProjectFollow.project.region.as_alias("region"),
            ProjectFollow.project.funding_sought.as_alias("funding_sought"),
            ProjectFollow.project.currency.as_alias("currency"),
        )
        .where(ProjectFollow.user == user.id)
        .order_by(ProjectFollow.created_at, ascending=False)
    )
    if not rows:
        return []
    ids = [r["project_id"] for r in rows]
    listed = {
        r["project"]
        for r in await DatabankListing.select(DatabankListing.project).where(
            DatabankListing.project.is_in(ids) & DatabankListing.withdrawn_at.is_null()
        )
    }
    noted = {
        r["project"]
        for r in await InvestorNote.select(InvestorNote.project).where(
            (InvestorNote.user == user.id) & InvestorNote.project.is_in(ids) & (InvestorNote.body != "")
        )
    }
    items = []
    for r in rows:
        visible = r["project_id"] in listed and await _still_visible(user, r["project_id"])
        items.append(
            WatchlistItem(
                project_id=r["project_id"],
                name_en=r["name_en"],
                name_zh=r["name_zh"],
                listed=visible,
                sector=r["sector"],
                stage=r["stage"],
                region=r["region"],
                funding_sought=r["funding_sought"],
                currency=r["currency"],
                followed_at=r["created_at"],
                has_note=r["project_id"] in noted,
            )
        )
    return items


async def _still_visible(user: CurrentUser, project_id: int) -> bool:
    try:
        seen = await sight(user, project_id)
    except NotFound:
        return False
    return seen.listing["withdrawn_at"] is None


# -- notes -----------------------------------------------------------------------------------
async def _note_row(user_id: int, project_id: int) -> dict | None:
    return (
        await InvestorNote.select()
        .where((InvestorNote.user == user_id) & (InvestorNote.project == project_id))
        .first()
    )


async def get_note(user: CurrentUser, project_id: int) -> NoteRead:
    """My note on the project ("" when I have none)."""
    row = await _note_row(user.id, project_id)
    if row is None:
        await visible_project(user, project_id)
        return NoteRead(project_id=project_id, body="", updated_at=None)
    return NoteRead(project_id=project_id, body=row["body"], updated_at=row["updated_at"])


async def save_note(user: CurrentUser, project_id: int, body: str) -> NoteRead:
    """Write my note (one per project; an empty body deletes it)."""
    await visible_project(user, project_id)
    body = body.strip()
    if not body:
        return await delete_note(user, project_id)
    moment = _now()
    await InvestorNote.insert(
        InvestorNote(user=user.id, project=project_id, body=body, updated_at=moment)
    ).on_conflict(
        target=(InvestorNote.user, InvestorNote.project),
        action="DO UPDATE",
        values=[InvestorNote.body, InvestorNote.updated_at],
    )
    return NoteRead(project_id=project_id, body=body, updated_at=moment)


async def delete_note(user: CurrentUser, project_id: int) -> NoteRead:
    await InvestorNote.delete().where((InvestorNote.user == user.id) & (InvestorNote.project == project_id))
    return NoteRead(project_id=project_id, body="", updated_at=None)

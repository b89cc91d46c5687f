"""Publishing projects to the project databank (one listing per project).

The team publishes its own project and chooses how much investors see:

* ``teaser_public`` — a teaser (name, sector, stage, region) for anyone;
* ``full_subscribers`` — the full profile and deck for subscribing investors;
* ``full_on_introduction`` — the full profile only once an introduction is agreed.

It may change that choice or withdraw the listing (``withdrawn_at``); publishing again
clears the withdrawal. An organiser may publish a project whose submission to one of their
events' calls was pitched or awarded; that listing records the submission it came from. A new
listing made by an organiser starts at the most reserved visibility, an existing one keeps
the team's choice, and a listing the team withdrew stays withdrawn until the team says
otherwise. Emits ``databank.published`` (also when the visibility changes) and
``databank.withdrawn``, each with ``project_id``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.auth import CurrentUser
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.signals import emit
from roadshows.access import organiser_submission, team_project
from roadshows.project_schemas import DatabankPublish, ListingRead, SubmissionPublish, Visibility
from roadshows.projects import is_unique_violation
from roadshows.tables import DatabankListing

PUBLISHABLE_STATUSES = ("pitched", "awarded")
ORGANISER_DEFAULT_VISIBILITY: Visibility = "full_on_introduction"


class NotListed(NotFound):
    code = "not_listed"
    message = N_("This project is not in the databank.")


class NotPitched(Conflict):
    code = "not_pitched"
    message = N_("Only a pitched or awarded project can be published to the databank.")


class WithdrawnByTeam(Conflict):
    code = "withdrawn_by_team"
    message = N_("The team withdrew this project from the databank; only the team can publish it again.")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def listing_read(row: dict[str, Any]) -> ListingRead:
    return ListingRead(
        project_id=row["project"],
        visibility=row["visibility"],
        listed=row["withdrawn_at"] is None,
        published_at=row["published_at"],
        withdrawn_at=row["withdrawn_at"],
        published_by=row["published_by"],
        origin_submission_id=row["origin_submission"],
    )


async def _listing(project_id: int) -> dict[str, Any] | None:
    return await DatabankListing.select().where(DatabankListing.project == project_id).first()


async def _publish(
    project_id: int,
    visibility: Visibility | None,
    *,
    actor_id: int,
    origin_submission: int | None = None,
) -> ListingRead:
    """Create the listing or bring it back; ``visibility=None`` keeps an existing choice."""
    for _attempt in range(3):
        existing = await _listing(project_id)
        if existing is None:
            row = DatabankListing(
                project=project_id,
                visibility=visibility or ORGANISER_DEFAULT_VISIBILITY,
                published_by=actor_id,
                published_at=now(),
                origin_submission=origin_submission,
            )
            try:
                await row.save()
            except Exception as exc:  # the unique index (project): a concurrent publication won
                if is_unique_violation(exc):
                    continue
                raise
            emit("databank.published", project_id=project_id)
            return listing_read(await _listing(project_id) or {})
        changes: dict[Any, Any] = {}
        if visibility is not None and visibility != existing["visibility"]:
            changes[DatabankListing.visibility] = visibility
        if existing["withdrawn_at"] is not None:
            changes.update({DatabankListing.withdrawn_at: None, DatabankListing.published_at: now()})
            changes[DatabankListing.published_by] = actor_id
        if origin_submission is not None and existing["origin_submission"] != origin_submission:
            changes[DatabankListing.origin_submission] = origin_submission
        if changes:
            await DatabankListing.update(changes).where(DatabankListing.id == existing["id"])
            emit("databank.published", project_id=project_id)
        return listing_read(await _listing(project_id) or existing)
    raise Conflict()


# -- the team --------------------------------------------------------------------------------
async def get_listing(user: CurrentUser, project_id: int) -> ListingRead:
    await team_project(user, project_id)
    row = await _listing(project_id)
    if row is None:
        raise NotListed()
    return listing_read(row)


async def listing_or_none(user: CurrentUser, project_id: int) -> ListingRead | None:
    try:
        return await get_listing(user, project_id)
    except NotListed:
        return None


async def publish_by_team(user: CurrentUser, project_id: int, data: DatabankPublish) -> ListingRead:
    """Publish the project, change its visibility, or publish it again after a withdrawal."""
    await team_project(user, project_id)
    return await _publish(project_id, data.visibility, actor_id=user.id)


async def withdraw(user: CurrentUser, project_id: int) -> ListingRead:
    """Take the project out of the databank (kept as a withdrawn listing; idempotent)."""
    await team_project(user, project_id)
    row = await _listing(project_id)
    if row is None:
        raise NotListed()
    if row["withdrawn_at"] is None:
        await DatabankListing.update({DatabankListing.withdrawn_at: now()}).where(
            (DatabankListing.id == row["id"]) & DatabankListing.withdrawn_at.is_null()
        )
        emit("databank.withdrawn", project_id=project_id)
    return listing_read(await _listing(project_id) or row)


# -- an organiser ----------------------------------------------------------------------------
async def publish_submission(user: CurrentUser, submission_id: int, data: SubmissionPublish) -> ListingRead:
    """Publish the project of a pitched or awarded submission to one of my events' calls."""
    submission = await organiser_submission(user, submission_id)
    if submission["status"] not in PUBLISHABLE_STATUSES:
        raise NotPitched(
            extra={"submission_status": submission["status"], "allowed": list(PUBLISHABLE_STATUSES)}
        )
    project_id = submission["project"]
    existing = await _listing(project_id)
    if existing is not None and existing["withdrawn_at"] is not None:
        raise WithdrawnByTeam()
    return await _publish(project_id, data.visibility, actor_id=user.id, origin_submission=submission_id)

"""A project's detail view in the databank: who sees it, and how much (the paywall).

Who sees a listed (not withdrawn) project:

* the **teaser** (name, summary, sector, stage, region, country, funding sought, team names,
  the event it was pitched at and its award): anyone when the listing is ``teaser_public``;
  otherwise every signed-in investor (a member of an institution; administrators too);
* the **full details** (financials, contacts, deck, website, video):

  - ``teaser_public`` and ``full_subscribers``: investors with full access
    (``roadshows.entitlements``: a seat in an institution whose subscription is live);
  - ``full_on_introduction``: members of an institution whose introduction request the team
    **accepted**; a subscription alone is not enough (the team chose to decide who sees it);
  - any visibility: members of an institution with an accepted introduction (the team agreed
    to exchange contacts with them);
  - the project's team, always (a preview, even of a withdrawn listing).

Anything else (no listing, withdrawn, a teaser that is not for this viewer) is ``NotFound``,
exactly as for a project that does not exist. Access is decided on every read, so a
subscription that lapses or a seat that is taken back loses the details at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app.auth import CurrentUser
from app.errors import NotFound
from roadshows import entitlements
from roadshows.databank_view_schemas import (
    Access,
    DatabankProjectRead,
    DeckLink,
    IntroductionBrief,
    OriginEvent,
    ViewerState,
)
from roadshows.project_schemas import TeamPerson
from roadshows.tables import (
    DatabankListing,
    IntroductionRequest,
    InvestorNote,
    Project,
    ProjectFollow,
    ProjectMember,
    Submission,
)

FULL_FOR_SUBSCRIBERS = ("teaser_public", "full_subscribers")


@dataclass(slots=True)
class Sight:
    """What one viewer may see of one project, and why."""

    project: dict[str, Any]
    listing: dict[str, Any]
    access: Access
    is_team: bool = False
    institutions: list[int] = field(default_factory=list)  # the viewer's, sorted
    full_via: list[int] = field(default_factory=list)  # institutions giving full details


async def listing_of(project_id: int) -> dict[str, Any] | None:
    return await DatabankListing.select().where(DatabankListing.project == project_id).first()


async def is_on_team(user: CurrentUser, project: dict[str, Any]) -> bool:
    if project["owner"] == user.id:
        return True
    return await ProjectMember.exists().where(
        (ProjectMember.project == project["id"]) & (ProjectMember.user == user.id)
    )


async def introduced_institutions(project_id: int, institutions: list[int]) -> list[int]:
    """Those of ``institutions`` whose introduction to this project the team accepted."""
    if not institutions:
        return []
    rows = await IntroductionRequest.select(IntroductionRequest.institution).where(
        (IntroductionRequest.project == project_id)
        & IntroductionRequest.institution.is_in(institutions)
        & (IntroductionRequest.status == "accepted")
    )
    return sorted({r["institution"] for r in rows})


async def sight(user: CurrentUser | None, project_id: int) -> Sight:
    """How much ``user`` (``None``: anonymous) sees of the project; ``NotFound`` if nothing."""
    project = await Project.select().where(Project.id == project_id).first()
    listing = await listing_of(project_id) if project is not None else None
    if project is None or listing is None:
        raise NotFound()
    if user is not None and await is_on_team(user, project):
        return Sight(project, listing, "full", is_team=True)
    if listing["withdrawn_at"] is not None:
        raise NotFound()
    institutions = sorted((await user.memberships()).institutions) if user is not None else []
    investor = user is not None and (user.is_admin or bool(institutions))
    if listing["visibility"] != "teaser_public" and not investor:
        raise NotFound()
    full_via = await introduced_institutions(project_id, institutions)
    if not full_via and user is not None and listing["visibility"] in FULL_FOR_SUBSCRIBERS:
        full_via = sorted(await entitlements.full_access_institutions(user))
    access: Access = "full" if full_via else "teaser"
    return Sight(project, listing, access, institutions=institutions, full_via=full_via)


async def visible_project(user: CurrentUser, project_id: int) -> Sight:
    """``sight`` for the investors' tools: the project must be listed and visible to them."""
    seen = await sight(user, project_id)
    if seen.listing["withdrawn_at"] is not None:
        raise NotFound()
    return seen


async def sees_full_details(user: CurrentUser, project_id: int) -> bool:
    """Does ``user`` see this listed project's full details as an investor (deck downloads)?"""
    try:
        seen = await sight(user, project_id)
    except NotFound:
        return False
    return seen.access == "full" and seen.listing["withdrawn_at"] is None


def acting_institution(seen: Sight) -> int | None:
    """The institution a view is logged under: the one giving full details, else the first."""
    if seen.full_via:
        return seen.full_via[0]
    return seen.institutions[0] if seen.institutions else None


# -- the response ----------------------------------------------------------------------------
def _team(raw: Any) -> list[TeamPerson]:
    people = json.loads(raw) if isinstance(raw, str) else (raw or [])
    return [TeamPerson(name=p.get("name", ""), role=p.get("role", "")) for p in people]


async def _origin(submission_id: int | None) -> dict[str, Any] | None:
    if submission_id is None:
        return None
    return (
        await Submission.select(
            Submission.award_en,
            Submission.award_zh,
            Submission.call.event.as_alias("event_id"),
            Submission.call.event.title_en.as_alias("event_en"),
            Submission.call.event.title_zh.as_alias("event_zh"),
        )
        .where(Submission.id == submission_id)
        .first()
    )


async def viewer_state(user: CurrentUser, seen: Sight) -> ViewerState:
    project_id = seen.project["id"]
    following = await ProjectFollow.exists().where(
        (ProjectFollow.user == user.id) & (ProjectFollow.project == project_id)
    )
    has_note = await InvestorNote.exists().where(
        (InvestorNote.user == user.id) & (InvestorNote.project == project_id) & (InvestorNote.body != "")
    )
    brief = None
    if seen.institutions:
        newest = (
            await IntroductionRequest.select(
                IntroductionRequest.id, IntroductionRequest.status, IntroductionRequest.created_at
            )
            .where(
                (IntroductionRequest.project == project_id)
                & IntroductionRequest.institution.is_in(seen.institutions)
            )
            .order_by(IntroductionRequest.id, ascending=False)
            .first()
        )
        if newest is not None:
            brief = IntroductionBrief(
                id=newest["id"], status=newest["status"], created_at=newest["created_at"]
            )
    open_statuses = ("pending", "accepted")
    may_request = bool(seen.institutions) and not (brief is not None and brief.status in open_statuses)
    return ViewerState(
        following=following, has_note=has_note, introduction=brief, may_request_introduction=may_request
    )


async def detail_read(user: CurrentUser | None, seen: Sight) -> DatabankProjectRead:
    p, listing = seen.project, seen.listing
    origin = await _origin(listing["origin_submission"])
    read = DatabankProjectRead(
        id=p["id"],
        access=seen.access,
        visibility=listing["visibility"],
        name_en=p["name_en"],
        name_zh=p["name_zh"],
        summary_en=p["summary_en"],
        summary_zh=p["summary_zh"],
        sector=p["sector"],
        stage=p["stage"],
        region=p["region"],
        country=p["country"],
        funding_sought=p["funding_sought"],
        currency=p["currency"],
        team=_team(p["team"]),
        published_at=listing["published_at"],
        event=OriginEvent(id=origin["event_id"], title_en=origin["event_en"], title_zh=origin["event_zh"])
        if origin
        else None,
        award_en=origin["award_en"] if origin else "",
        award_zh=origin["award_zh"] if origin else "",
        is_team=seen.is_team,
    )
    if user is not None and not seen.is_team and (seen.institutions or user.is_admin):
        read.viewer = await viewer_state(user, seen)
    if seen.access == "full":
        read.financials_en = p["financials_en"]
        read.financials_zh = p["financials_zh"]
        read.contact_name = p["contact_name"]
        read.contact_email = p["contact_email"]
        read.contact_phone = p["contact_phone"]
        read.website = p["website"]
        read.video_url = p["video_url"]
        read.deck = (
            DeckLink(name=p["deck_name"], size=p["deck_size"], url=f"/api/v1/projects/{p['id']}/deck")
            if p["deck_file"]
            else None
        )
    return read


async def project_detail(user: CurrentUser | None, project_id: int) -> DatabankProjectRead:
    """The detail view; an investor's view is counted in the view log."""
    from roadshows.view_log import record_view_quietly

    seen = await sight(user, project_id)
    if user is not None and not seen.is_team:
        institution = acting_institution(seen)
        if institution is not None:
            await record_view_quietly(project_id, institution, user.id)
    return await detail_read(user, seen)

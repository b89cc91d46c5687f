"""Request and response shapes of projects, their team, pitch deck and databank listing.

Types and lengths are checked here; rules that need a message on a particular field (a name in
at least one language, a real country code, http(s) links) are checked by
``roadshows.projects.check_fields`` so both the API and the forms answer them the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from roadshows.catalog import CURRENCIES, SECTORS, STAGES

MAX_TEAM = 20  # people listed on a project's team

Sector = Literal[tuple(SECTORS)]  # type: ignore[valid-type]
Stage = Literal[tuple(STAGES)]  # type: ignore[valid-type]
Currency = Literal[tuple(CURRENCIES)]  # type: ignore[valid-type]
Visibility = Literal["teaser_public", "full_subscribers", "full_on_introduction"]
MemberRole = Literal["owner", "editor"]
VISIBILITIES: tuple[str, ...] = ("teaser_public", "full_subscribers", "full_on_introduction")

Name = Annotated[str, msgspec.Meta(max_length=200)]
Summary = Annotated[str, msgspec.Meta(max_length=5_000)]
Region = Annotated[str, msgspec.Meta(max_length=100)]
CountryCode = Annotated[str, msgspec.Meta(min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")]
Funding = Annotated[int, msgspec.Meta(ge=0, le=10**13)]
Website = Annotated[str, msgspec.Meta(max_length=300)]
VideoUrl = Annotated[str, msgspec.Meta(max_length=500)]
PersonName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
PersonRole = Annotated[str, msgspec.Meta(max_length=120)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Financials = Annotated[str, msgspec.Meta(max_length=5_000)]
ContactName = Annotated[str, msgspec.Meta(max_length=120)]
# Empty (no contact given) or an address; a form's empty field must not be a 422.
ContactEmail = Annotated[str, msgspec.Meta(max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")]
ContactPhone = Annotated[str, msgspec.Meta(max_length=40, pattern=r"^[0-9+()\-. ]*$")]


class TeamPerson(msgspec.Struct, forbid_unknown_fields=True):
    """Someone shown on the project's team (not an account: see the members routes)."""

    name: PersonName
    role: PersonRole = ""


Team = Annotated[list[TeamPerson], msgspec.Meta(max_length=MAX_TEAM)]


# -- projects --------------------------------------------------------------------------------
class ProjectCreate(msgspec.Struct, forbid_unknown_fields=True):
    sector: Sector
    stage: Stage
    name_en: Name = ""
    name_zh: Name = ""
    summary_en: Summary = ""
    summary_zh: Summary = ""
    region: Region = ""
    country: CountryCode = "CN"
    funding_sought: Funding = 0
    currency: Currency = "CNY"
    team: Team = []
    website: Website = ""
    video_url: VideoUrl = ""
    # Full details: in the databank only for institutions with access (docs/databank.md).
    financials_en: Financials = ""
    financials_zh: Financials = ""
    contact_name: ContactName = ""
    contact_email: ContactEmail = ""
    contact_phone: ContactPhone = ""


class ProjectUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name_en: Name | UnsetType = UNSET
    name_zh: Name | UnsetType = UNSET
    summary_en: Summary | UnsetType = UNSET
    summary_zh: Summary | UnsetType = UNSET
    sector: Sector | UnsetType = UNSET
    stage: Stage | UnsetType = UNSET
    region: Region | UnsetType = UNSET
    country: CountryCode | UnsetType = UNSET
    funding_sought: Funding | UnsetType = UNSET
    currency: Currency | UnsetType = UNSET
    team: Team | UnsetType = UNSET
    website: Website | UnsetType = UNSET
    video_url: VideoUrl | UnsetType = UNSET
    financials_en: Financials | UnsetType = UNSET
    financials_zh: Financials | UnsetType = UNSET
    contact_name: ContactName | UnsetType = UNSET
    contact_email: ContactEmail | UnsetType = UNSET
    contact_phone: ContactPhone | UnsetType = UNSET


class DeckRead(msgspec.Struct):
    name: str  # the file name it was uploaded with
    size: int  # bytes
    uploaded_at: dt.datetime | None
    url: str  # where the team (and whoever else may read it) downloads it


class ProjectRead(msgspec.Struct):
    id: int
    owner_id: int
    my_role: MemberRole
    name_en: str
    name_zh: str
    summary_en: str
    summary_zh: str
    sector: str
    stage: str
    region: str
    country: str
    funding_sought: int
    currency: str
    team: list[TeamPerson]
    website: str
    video_url: str
    financials_en: str
    financials_zh: str
    contact_name: str
    contact_email: str
    contact_phone: str
    deck: DeckRead | None
    created_at: dt.datetime
    updated_at: dt.datetime


# -- team accounts ---------------------------------------------------------------------------
class MemberAdd(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class MemberRead(msgspec.Struct):
    user_id: int
    email: str
    display_name: str
    role: MemberRole
    added_at: dt.datetime


# -- databank --------------------------------------------------------------------------------
class DatabankPublish(msgspec.Struct, forbid_unknown_fields=True):
    visibility: Visibility


class SubmissionPublish(msgspec.Struct, forbid_unknown_fields=True):
    """An organiser's publication: a listing keeps the visibility the team chose; a new one
    starts at the most reserved level unless the organiser names another."""

    visibility: Visibility | None = None


class ListingRead(msgspec.Struct):
    project_id: int
    visibility: Visibility
    listed: bool  # published and not withdrawn
    published_at: dt.datetime
    withdrawn_at: dt.datetime | None
    published_by: int | None
    origin_submission_id: int | None

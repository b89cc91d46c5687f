"""Schemas of the databank search: the search's parameters, teasers, pages, facets and saved searches.

A teaser is what anyone allowed to see a listing in the results sees: never the financials,
the contacts or the deck (those are on the project's databank page, behind the paywall).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

SectorKey = Literal[
    "biotech",
    "medtech",
    "ai",
    "semiconductors",
    "new_energy",
    "advanced_materials",
    "advanced_manufacturing",
    "digital_economy",
    "agritech",
    "environment",
    "consumer",
    "other",
]
StageKey = Literal["idea", "prototype", "seed", "series_a", "series_b_plus", "growth"]
# Funding sought, in yuan at indicative rates (roadshows.databank_index.FUNDING_BUCKETS).
FundingBucket = Literal["not_stated", "under_1m", "1m_5m", "5m_20m", "20m_100m", "100m_plus"]
SortKey = Literal["relevance", "newest", "funding_asc", "funding_desc", "name"]
Frequency = Literal["daily", "weekly", "never"]

MAX_QUERY_LENGTH = 100
MAX_VALUES = 20  # values of one facet in one search
MAX_PER_PAGE = 50
MAX_PAGE = 10_000

Query = Annotated[str, msgspec.Meta(max_length=MAX_QUERY_LENGTH)]
Region = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Award = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
EventId = Annotated[int, msgspec.Meta(ge=1)]


class SearchQuery(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What was searched: text and facet filters (several values of one facet: any of them)."""

    q: Query = ""
    sector: Annotated[list[SectorKey], msgspec.Meta(max_length=MAX_VALUES)] = []
    stage: Annotated[list[StageKey], msgspec.Meta(max_length=MAX_VALUES)] = []
    region: Annotated[list[Region], msgspec.Meta(max_length=MAX_VALUES)] = []
    funding: Annotated[list[FundingBucket], msgspec.Meta(max_length=MAX_VALUES)] = []
    event: Annotated[list[EventId], msgspec.Meta(max_length=MAX_VALUES)] = []
    award: Annotated[list[Award], msgspec.Meta(max_length=MAX_VALUES)] = []
    awarded: bool = False  # only projects whose originating submission won an award
    sort: SortKey | None = None  # default: relevance with text, else newest


class SearchRequest(msgspec.Struct, kw_only=True):
    query: SearchQuery
    page: Annotated[int, msgspec.Meta(ge=1, le=MAX_PAGE)] = 1
    per_page: Annotated[int, msgspec.Meta(ge=1, le=MAX_PER_PAGE)] = 20


class OriginEvent(msgspec.Struct, kw_only=True):
    id: int
    title_en: str
    title_zh: str


class ProjectTeaser(msgspec.Struct, kw_only=True):
    id: int
    name_en: str
    name_zh: str
    summary_en: str
    summary_zh: str
    sector: str
    sector_label: str
    stage: str
    stage_label: str
    region: str
    country: str
    funding_sought: int
    currency: str
    listed_at: dt.datetime
    origin_event: OriginEvent | None
    awarded: bool
    award_en: str
    award_zh: str
    url: str  # the project's databank page
    api_url: str  # its details in the API


class SearchPage(msgspec.Struct, kw_only=True):
    items: list[ProjectTeaser]
    total: int
    page: int
    per_page: int
    pages: int
    sort: SortKey
    query: SearchQuery


class FacetValue(msgspec.Struct, kw_only=True):
    value: str
    label: str
    count: int
    selected: bool


class Facets(msgspec.Struct, kw_only=True):
    """Counts per value for the current search; a facet's own selection is left out of its counts
    (choosing another sector adds to the results), the other facets' selections apply."""

    sector: list[FacetValue]
    stage: list[FacetValue]
    region: list[FacetValue]
    funding: list[FacetValue]
    event: list[FacetValue]
    award: list[FacetValue]
    awarded: int  # how many results the "award winners only" filter would leave
    total: int


class SavedSearchCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    query: SearchQuery = msgspec.field(default_factory=SearchQuery)
    frequency: Frequency = "weekly"


class SavedSearchRead(msgspec.Struct, kw_only=True):
    id: int
    name: str
    query: SearchQuery
    frequency: Frequency
    last_sent_at: dt.datetime | None
    created_at: dt.datetime
    url: str  # the search page with this search filled in

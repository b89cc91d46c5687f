"""Searching the project databank: text, facets with counts, sorting and pages of teasers.

Only listed projects (a listing not withdrawn) are found. Anonymous visitors, and signed-in
people who are neither investors (members of an institution) nor administrators, find only
listings the team made ``teaser_public``; investors find every listed project. Either way a
result is a teaser (``ProjectTeaser``): full details are on the project's databank page.

Every query is plain SQL on ``app.db.fast`` (one round trip each, no ORM overhead): a page is
a count, the page's ids in order, and their teasers.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.db import fast
from app.i18n import N_, _, current_locale, localized
from roadshows.catalog import SECTORS, STAGES, sector_label, stage_label
from roadshows.databank_index import (
    AWARDED,
    BUCKET,
    INVESTOR,
    LISTINGS,
    ORIGIN,
    PUBLIC,
    Params,
    Viewer,
    order_by,
    split_terms,
    where_clause,
)
from roadshows.databank_search_schemas import (
    Facets,
    FacetValue,
    OriginEvent,
    ProjectTeaser,
    SearchPage,
    SearchQuery,
    SortKey,
)

FACETS = ("sector", "stage", "region", "funding", "event", "award")
MAX_REGIONS = 30  # region values offered (the most frequent)
MAX_AWARDS = 30
MAX_EVENTS = 30
FUNDING_LABELS: dict[str, str] = {
    "not_stated": N_("Not stated"),
    "under_1m": N_("Under ¥1 million"),
    "1m_5m": N_("¥1–5 million"),
    "5m_20m": N_("¥5–20 million"),
    "20m_100m": N_("¥20–100 million"),
    "100m_plus": N_("¥100 million and more"),
}
SORT_LABELS: dict[str, str] = {
    "relevance": N_("Best match"),
    "newest": N_("Newest listed"),
    "funding_asc": N_("Funding sought, lowest first"),
    "funding_desc": N_("Funding sought, highest first"),
    "name": N_("Name"),
}

TEASER_SQL = """
SELECT p.id, p.name_en, p.name_zh, p.summary_en, p.summary_zh, p.sector, p.stage, p.region,
       p.country, p.funding_sought, p.currency, l.published_at,
       e.id AS event_id, e.title_en AS event_title_en, e.title_zh AS event_title_zh,
       s.status AS origin_status, s.award_en, s.award_zh
FROM luyan_databank_listing l JOIN luyan_project p ON p.id = l.project
LEFT JOIN luyan_submission s ON s.id = l.origin_submission
LEFT JOIN luyan_pitch_call c ON c.id = s.call
LEFT JOIN luyan_event e ON e.id = c.event
WHERE p.id IN ({ids})
"""


async def viewer_for(user: CurrentUser | None) -> Viewer:
    if user is not None and (user.is_admin or await user.is_investor()):
        return INVESTOR
    return PUBLIC


def effective_sort(query: SearchQuery) -> SortKey:
    if query.sort is None or (query.sort == "relevance" and not split_terms(query.q)):
        return "relevance" if split_terms(query.q) else "newest"
    return query.sort


def project_url(project_id: int) -> str:
    return f"/databank/projects/{project_id}"


# -- reading ---------------------------------------------------------------------------------
def as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC)


def teaser(row: dict[str, Any]) -> ProjectTeaser:
    event = None
    if row["event_id"] is not None:
        event = OriginEvent(
            id=row["event_id"], title_en=row["event_title_en"], title_zh=row["event_title_zh"]
        )
    award_en, award_zh = row["award_en"] or "", row["award_zh"] or ""
    return ProjectTeaser(
        id=row["id"],
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        summary_en=row["summary_en"],
        summary_zh=row["summary_zh"],
        sector=row["sector"],
        sector_label=sector_label(row["sector"]),
        stage=row["stage"],
        stage_label=stage_label(row["stage"]),
        region=row["region"],
        country=row["country"],
        funding_sought=int(row["funding_sought"]),
        currency=row["currency"],
        listed_at=as_datetime(row["published_at"]),
        origin_event=event,
        awarded=row["origin_status"] == "awarded" or bool(award_en or award_zh),
        award_en=award_en,
        award_zh=award_zh,
        url=project_url(row["id"]),
        api_url=f"/api/v1/databank/projects/{row['id']}",
    )


async def teasers(project_ids: list[int]) -> list[ProjectTeaser]:
    """Teasers of these projects, in the order given."""
    if not project_ids:
        return []
    params = Params()
    rows = await fast().fetch(TEASER_SQL.format(ids=params.many(project_ids)), *params.values)
    by_id = {row["id"]: teaser(row) for row in rows}
    return [by_id[i] for i in project_ids if i in by_id]


async def _fetch(sql: str, *args: Any, text: bool = False) -> list[dict[str, Any]]:
    """Rows of a search statement. On PostgreSQL a statement with text is planned for its
    values every time: the pool's prepared statements switch to a generic plan after five
    runs, and without the pattern the planner cannot judge the trigram index (measured at
    100,000 projects: 3 ms with the values, 15 to 45 ms generic)."""
    db = fast()
    if not text or db.dialect != "postgres":
        return await db.fetch(sql, *args)
    async with db.pool.acquire() as conn, conn.transaction(readonly=True):
        await conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        return [dict(row) for row in await conn.fetch(sql, *args)]


def _narrow(query: SearchQuery) -> bool:
    """Only listing conditions: the count need not read projects."""
    return not (split_terms(query.q) or any(getattr(query, f) for f in FACETS) or query.awarded)


async def count(query: SearchQuery, viewer: Viewer, **window: dt.datetime | None) -> int:
    params = Params()
    where = where_clause(query, viewer, params, fast().dialect, **window)
    narrow = "luyan_databank_listing l"
    source = narrow if _narrow(query) else LISTINGS + (ORIGIN if where.origin else "")
    text = bool(split_terms(query.q))
    rows = await _fetch(f"SELECT COUNT(*) AS n FROM {source} WHERE {where.sql}", *params.values, text=text)
    return int(rows[0]["n"]) if rows else 0


async def _page_ids(
    query: SearchQuery, viewer: Viewer, sort: SortKey, page: int, per_page: int, window: dict[str, Any]
) -> tuple[list[int], int | None]:
    """The page's project ids in order, and the total when it came with them.

    With text, the matches are few next to the databank and all of them are read to sort them
    anyway: one statement counts them too (``COUNT(*) OVER ()``). Without text, the newest
    order walks an index and stops after the page, so counting apart is cheaper."""
    params = Params()
    where = where_clause(query, viewer, params, fast().dialect, **window)
    joins = ORIGIN if where.origin else ""
    with_total = bool(split_terms(query.q))
    order = order_by(sort, query, params, fast().dialect, counted=with_total)
    limit, offset = params.add(per_page), params.add((page - 1) * per_page)
    total_column = ", COUNT(*) OVER () AS total" if with_total else ""
    rows = await _fetch(
        f"SELECT p.id{total_column} FROM {LISTINGS}{joins} WHERE {where.sql} "
        f"ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        *params.values,
        text=with_total,
    )
    total = int(rows[0]["total"]) if with_total and rows else None
    return [row["id"] for row in rows], total


async def search(
    query: SearchQuery,
    viewer: Viewer,
    *,
    page: int = 1,
    per_page: int = 20,
    listed_after: dt.datetime | None = None,
    listed_until: dt.datetime | None = None,
) -> SearchPage:
    """One page of teasers for ``query`` as ``viewer`` sees it, with the total."""
    sort = effective_sort(query)
    window = {"listed_after": listed_after, "listed_until": listed_until}
    ids, total = await _page_ids(query, viewer, sort, page, per_page, window)
    if total is None:
        total = len(ids) if page == 1 and len(ids) < per_page else await count(query, viewer, **window)
    return SearchPage(
        items=await teasers(ids),
        total=total,
        page=page,
        per_page=per_page,
        pages=max(1, -(-total // per_page)),
        sort=sort,
        query=query,
    )


# -- facets ----------------------------------------------------------------------------------
FACET_ROWS_SQL = """
SELECT p.sector, p.stage, p.region, {bucket} AS funding, c.event, s.award_en, s.award_zh,
       CASE WHEN {awarded} THEN 1 ELSE 0 END AS awarded
FROM {listings}{origin} WHERE {where}
"""
FACET_CACHE_S = 30.0
_facet_cache: dict[tuple[Any, ...], tuple[float, Facets]] = {}


def forget_facets() -> None:
    """Drop cached facet counts (a listing changed in this process)."""
    _facet_cache.clear()


async def facets(query: SearchQuery, viewer: Viewer) -> Facets:
    """Counts per facet value for ``query`` (each facet counted without its own selection).

    One statement reads the facet values of every match of the text (few columns, no facet
    filter) and the counting is done here, so the cost is one pass whatever the facets.
    Results are cached for ``FACET_CACHE_S`` seconds per search, viewer kind and language (the
    databank's landing page is the same for every visitor); publishing or withdrawing in this
    process clears the cache, other processes catch up within that time."""
    key = (viewer.investor, current_locale.get(), msgspec.json.encode(query))
    cached = _facet_cache.get(key)
    clock = time.monotonic()
    if cached is not None and cached[0] > clock:
        return cached[1]
    params = Params()
    base = msgspec.structs.replace(query, sector=[], stage=[], region=[], funding=[], event=[], award=[])
    base = msgspec.structs.replace(base, awarded=False, sort=None)
    where = where_clause(base, viewer, params, fast().dialect)
    sql = FACET_ROWS_SQL.format(
        bucket=BUCKET, awarded=AWARDED, listings=LISTINGS, origin=ORIGIN, where=where.sql
    )
    rows = await _fetch(sql, *params.values, text=bool(split_terms(query.q)))
    tally = _count_facets(query, rows)
    result = await _facets_read(query, tally)
    if len(_facet_cache) > 500:
        _facet_cache.clear()
    _facet_cache[key] = (clock + FACET_CACHE_S, result)
    return result


@dataclass(slots=True)
class _Tally:
    counts: dict[str, dict[str, int]]
    award_labels: dict[str, str]
    total: int = 0
    awarded: int = 0


def _count_facets(query: SearchQuery, rows: list[dict[str, Any]]) -> _Tally:
    """Disjunctive counts: a row counts for a facet's value when it passes every other facet."""
    selected: dict[str, set[str]] = {f: {str(v) for v in getattr(query, f)} for f in FACETS}
    tally = _Tally(counts={f: {} for f in FACETS}, award_labels={})
    for row in rows:
        award = row["award_en"] or row["award_zh"] or ""
        values = {
            "sector": row["sector"],
            "stage": row["stage"],
            "region": row["region"],
            "funding": row["funding"],
            "event": str(row["event"]) if row["event"] is not None else "",
            "award": award,
        }
        failing = [f for f in FACETS if selected[f] and values[f] not in selected[f]]
        if query.awarded and not row["awarded"]:
            failing.append("awarded")
        if len(failing) > 1:
            continue
        for facet in failing or FACETS:
            if facet != "awarded" and values[facet]:
                bucket = tally.counts[facet]
                bucket[values[facet]] = bucket.get(values[facet], 0) + 1
        if award:
            tally.award_labels[award] = _localized(row["award_en"], row["award_zh"])
        if not failing:
            tally.total += 1
        if row["awarded"] and (not failing or failing == ["awarded"]):
            tally.awarded += 1
    return tally


async def _event_labels(event_ids: list[str]) -> dict[str, str]:
    ids = [int(e) for e in event_ids]
    if not ids:
        return {}
    params = Params()
    rows = await fast().fetch(
        f"SELECT id, title_en, title_zh FROM luyan_event WHERE id IN ({params.many(ids)})", *params.values
    )
    return {str(r["id"]): _localized(r["title_en"], r["title_zh"]) for r in rows}


async def _facets_read(query: SearchQuery, tally: _Tally) -> Facets:
    counts = tally.counts
    selected = {f: {str(v) for v in getattr(query, f)} for f in FACETS}
    events = _top(counts["event"], MAX_EVENTS)
    vocabulary = {"sector": SECTORS, "stage": STAGES, "funding": FUNDING_LABELS}
    fixed = {
        facet: _values(counts[facet], {k: _(v) for k, v in words.items()}, selected[facet], list(words))
        for facet, words in vocabulary.items()
    }
    return Facets(
        **fixed,
        region=_values(_top(counts["region"], MAX_REGIONS), {}, selected["region"]),
        event=_values(events, await _event_labels([*events, *selected["event"]]), selected["event"]),
        award=_values(_top(counts["award"], MAX_AWARDS), tally.award_labels, selected["award"]),
        awarded=tally.awarded,
        total=tally.total,
    )


def _top(counts: dict[str, int], limit: int) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit])


def _values(
    counts: dict[str, int], labels: dict[str, str], selected: set[str], order: list[str] | None = None
) -> list[FacetValue]:
    """Facet values with their counts (selected ones always shown, even at 0)."""
    keys = order if order is not None else sorted(counts, key=lambda k: (-counts[k], labels.get(k, k)))
    keys = [k for k in keys if counts.get(k) or k in selected]
    keys += sorted(k for k in selected if k not in keys)
    return [
        FacetValue(value=k, label=labels.get(k, k), count=counts.get(k, 0), selected=k in selected)
        for k in keys
    ]


def _localized(en: str | None, zh: str | None) -> str:
    return localized(en or "", zh or "")


def query_pairs(query: SearchQuery) -> list[tuple[str, str]]:
    """``query`` as query-string pairs (``sector=ai&sector=biotech``) for links."""
    pairs: list[tuple[str, str]] = []
    if query.q:
        pairs.append(("q", query.q))
    for facet in FACETS:
        pairs += [(facet, str(value)) for value in getattr(query, facet)]
    if query.awarded:
        pairs.append(("awarded", "true"))
    if query.sort:
        pairs.append(("sort", query.sort))
    return pairs


def search_url(query: SearchQuery, **extra: str | int) -> str:
    from urllib.parse import urlencode

    pairs = query_pairs(query) + [(key, str(value)) for key, value in extra.items()]
    return "/databank" + (f"?{urlencode(pairs)}" if pairs else "")

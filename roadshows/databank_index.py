"""The databank's text index and the SQL pieces of a search, for SQLite and PostgreSQL.

The index (migration ``2026_11_22t08_30``) is of character trigrams, so any substring of three
characters or more is found, in Chinese as in English ("固态电池" in "硫化物固态电池电芯",
"batt" in "battery"):

* SQLite: FTS5 ``trigram`` table ``luyan_databank_fts`` holding listed projects only, queried
  with ``MATCH`` (each term a quoted phrase: a substring, case-insensitive);
* PostgreSQL: a ``pg_trgm`` GIN index on ``SEARCH_TEXT`` that ``LIKE '%term%'`` uses.

A term shorter than three characters (two Chinese characters such as "电池" are a common
word) has no trigram: it is matched with ``LIKE`` over the rows the other conditions leave
(facets, listed, visibility, longer terms), which is a scan when it stands alone; see
docs/databank-search.md for what that costs at 100,000 projects.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from app.i18n import current_locale
from roadshows.databank_search_schemas import SearchQuery, SortKey

MIN_TRIGRAM = 3
MAX_TERMS = 8
MAX_TERM_LENGTH = 50

# Identical to the indexed expression of the PostgreSQL migration (or the index is not used).
SEARCH_TEXT = "lower(p.name_en || ' ' || p.name_zh || ' ' || p.summary_en || ' ' || p.summary_zh)"
FTS_TABLE = "luyan_databank_fts"

# Spaces and the punctuation people type between words, in both scripts.
_SEPARATORS = re.compile(r"[\s,;，、；。！？!?\"“”'‘’()（）]+")

# Indicative rates to compare funding sought across currencies (yuan per unit). Buckets and the
# funding order use them; the amount shown is always the team's own figure and currency.
YUAN_PER_UNIT: dict[str, float] = {
    "CNY": 1.0,
    "USD": 7.2,
    "EUR": 7.8,
    "HKD": 0.92,
    "SGD": 5.3,
    "GBP": 9.1,
    "JPY": 0.048,
}
_RATE_CASES = " ".join(f"WHEN '{code}' THEN {rate}" for code, rate in YUAN_PER_UNIT.items() if rate != 1.0)
FUNDING_YUAN = f"(p.funding_sought * CASE p.currency {_RATE_CASES} ELSE 1.0 END)"

# bucket key -> (lower bound inclusive, upper bound exclusive) in yuan; None: open
FUNDING_BUCKETS: dict[str, tuple[float | None, float | None]] = {
    "under_1m": (None, 1_000_000),
    "1m_5m": (1_000_000, 5_000_000),
    "5m_20m": (5_000_000, 20_000_000),
    "20m_100m": (20_000_000, 100_000_000),
    "100m_plus": (100_000_000, None),
}


def funding_bucket_sql() -> str:
    """The bucket key of a project's funding sought ('not_stated' when 0)."""
    cases = ["WHEN p.funding_sought <= 0 THEN 'not_stated'"]
    for key, (_low, high) in FUNDING_BUCKETS.items():
        cases.append(f"WHEN {FUNDING_YUAN} < {high} THEN '{key}'" if high is not None else f"ELSE '{key}'")
    return "CASE " + " ".join(cases) + " END"


def split_terms(text: str) -> list[str]:
    """Search terms: normalised (full-width to half-width), lower-cased, split at spaces and
    punctuation, without repeats; at most ``MAX_TERMS`` of ``MAX_TERM_LENGTH`` characters."""
    normal = unicodedata.normalize("NFKC", text).lower()
    terms: list[str] = []
    for piece in _SEPARATORS.split(normal):
        piece = piece.strip()[:MAX_TERM_LENGTH]
        if piece and piece not in terms:
            terms.append(piece)
    return terms[:MAX_TERMS]


class Params:
    """Numbered placeholders (``$1``) for both backends (``app.db.fast`` maps them for SQLite)."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"

    def many(self, values: list[Any]) -> str:
        return ", ".join(self.add(value) for value in values)


def like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _like(expression: str, term: str, params: Params, dialect: str) -> str:
    # PostgreSQL's default escape is the backslash; an explicit ESCAPE would hide the pattern
    # from the trigram index when the statement is prepared.
    escape = " ESCAPE '\\'" if dialect == "sqlite" else ""
    return f"{expression} LIKE {params.add(like_pattern(term))}{escape}"


def fts_phrase(terms: list[str]) -> str:
    """An FTS5 query: every term as a quoted phrase (a substring for the trigram tokenizer)."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _contains(column: str, term: str, params: Params, dialect: str) -> str:
    function = "instr" if dialect == "sqlite" else "strpos"
    return f"{function}({column}, {params.add(term)}) > 0"


def _in_columns(columns: list[str], term: str, params: Params, dialect: str) -> str:
    """``term`` occurs in one of ``columns`` (lower-cased first when it has Latin letters).

    On SQLite, ``instr`` per column is about three times faster than ``LIKE`` over the joined
    text (no concatenation, a byte search instead of pattern matching)."""
    latin = any("a" <= ch <= "z" for ch in term)
    return (
        "("
        + " OR ".join(_contains(f"lower({c})" if latin else c, term, params, dialect) for c in columns)
        + ")"
    )


TEXT_COLUMNS = ["p.name_zh", "p.summary_zh", "p.name_en", "p.summary_en"]
NAME_COLUMNS = ["p.name_zh", "p.name_en"]


def text_conditions(terms: list[str], params: Params, dialect: str, *, indexed_facets: int = 0) -> list[str]:
    """WHERE conditions (ANDed) matching every term in a project's names or summaries.

    Short terms are tested column by column on the rows the other conditions leave. On
    PostgreSQL they must not be written against the indexed expression: a pattern without a
    trigram makes the GIN index read all of itself (hundreds of milliseconds at 100,000).

    ``indexed_facets``: how many of sector, stage and region are chosen (they have indexes).
    On SQLite the text then filters the projects the facets leave (``+p.id``): the planner
    would otherwise drive the search by the match's rowids, three times slower at 100,000
    projects with two facets. PostgreSQL combines the trigram index with the facets' own
    (a bitmap AND) by itself."""
    long_terms = [t for t in terms if len(t) >= MIN_TRIGRAM]
    short = [_in_columns(TEXT_COLUMNS, t, params, dialect) for t in terms if len(t) < MIN_TRIGRAM]
    if not long_terms:
        return short
    if dialect == "sqlite":
        match = params.add(fts_phrase(long_terms))
        rowid = "+p.id" if indexed_facets else "p.id"
        return [f"{rowid} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {match})", *short]
    return [*(_like(SEARCH_TEXT, t, params, dialect) for t in long_terms), *short]


def relevance_sql(terms: list[str], params: Params, dialect: str) -> str:
    """How many terms occur in the name (matches in the name come before matches elsewhere)."""
    hits = [f"(CASE WHEN {_in_columns(NAME_COLUMNS, t, params, dialect)} THEN 1 ELSE 0 END)" for t in terms]
    return "(" + " + ".join(hits) + ")"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who searches: investors see every listed project's teaser, others the public ones."""

    investor: bool


PUBLIC = Viewer(investor=False)
INVESTOR = Viewer(investor=True)


LISTINGS = "luyan_databank_listing l JOIN luyan_project p ON p.id = l.project"
ORIGIN = (
    " LEFT JOIN luyan_submission s ON s.id = l.origin_submission"
    " LEFT JOIN luyan_pitch_call c ON c.id = s.call"
)
AWARDED = "(s.status = 'awarded' OR s.award_en <> '' OR s.award_zh <> '')"
BUCKET = funding_bucket_sql()


# -- a search as SQL ------------------------------------------------------------------------
@dataclass(slots=True)
class Where:
    sql: str
    origin: bool  # needs the originating submission joined


def where_clause(
    query: SearchQuery,
    viewer: Viewer,
    params: Params,
    dialect: str,
    *,
    skip: str | None = None,
    listed_after: dt.datetime | None = None,
    listed_until: dt.datetime | None = None,
) -> Where:
    """The conditions of ``query`` for ``viewer``, leaving out facet ``skip`` (for its counts)."""
    conditions = ["l.withdrawn_at IS NULL"]
    if not viewer.investor:
        conditions.append("l.visibility = 'teaser_public'")
    if listed_after is not None:
        conditions.append(f"l.published_at > {params.add(listed_after)}")
    if listed_until is not None:
        conditions.append(f"l.published_at <= {params.add(listed_until)}")
    origin = False
    if query.sector and skip != "sector":
        conditions.append(f"p.sector IN ({params.many(list(query.sector))})")
    if query.stage and skip != "stage":
        conditions.append(f"p.stage IN ({params.many(list(query.stage))})")
    if query.region and skip != "region":
        conditions.append(f"p.region IN ({params.many(query.region)})")
    if query.funding and skip != "funding":
        conditions.append(f"{BUCKET} IN ({params.many(list(query.funding))})")
    if query.event and skip != "event":
        conditions.append(f"c.event IN ({params.many(query.event)})")
        origin = True
    if query.award and skip != "award":
        awards = params.many(query.award)
        conditions.append(f"(s.award_en IN ({awards}) OR s.award_zh IN ({awards}))")
        origin = True
    if query.awarded and skip != "awarded":
        conditions.append(AWARDED)
        origin = True
    # Last: cheap facet tests rule rows out before the text is looked at.
    indexed = sum(1 for f in ("sector", "stage", "region") if getattr(query, f) and skip != f)
    conditions += text_conditions(split_terms(query.q), params, dialect, indexed_facets=indexed)
    return Where(" AND ".join(conditions), origin)


def order_by(
    sort: SortKey, query: SearchQuery, params: Params, dialect: str, *, counted: bool = False
) -> str:
    """ORDER BY of a page. ``counted``: the statement also counts every match (``COUNT(*) OVER
    ()``), so all of them are read anyway; PostgreSQL must then not walk the listings in time
    order (it would read every listing to feed the count: 250 ms instead of 10 ms at 100,000),
    and an expression keeps it from using that index."""
    listed = (
        "l.published_at + INTERVAL '0 seconds'" if counted and dialect == "postgres" else "l.published_at"
    )
    newest = f"{listed} DESC, p.id DESC"
    if sort == "relevance":
        return f"{relevance_sql(split_terms(query.q), params, dialect)} DESC, {newest}"
    if sort == "funding_asc":
        return f"CASE WHEN p.funding_sought <= 0 THEN 1 ELSE 0 END, {FUNDING_YUAN}, p.id"
    if sort == "funding_desc":
        return f"{FUNDING_YUAN} DESC, p.id DESC"
    if sort == "name":
        if current_locale.get() == "zh":
            return "CASE WHEN p.name_zh <> '' THEN p.name_zh ELSE lower(p.name_en) END, p.id"
        return "lower(p.name_en), p.id"
    return newest

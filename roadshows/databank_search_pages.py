"""The databank search as HTML pages: ``/databank`` (search box, facets with counts, sort,
pages, "save this search") and an investor's saved searches.

Everything is one GET form, so a search is a link that can be shared, bookmarked or saved;
it works without JavaScript. Saving and deleting post back and redirect (PRG) with a flash.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, public, requires_investor
from app.forms import humanize, read_form
from app.i18n import N_, _, current_locale
from app.templating import page, set_flash
from roadshows import databank_search, saved_searches
from roadshows.catalog import country_name
from roadshows.databank_search_schemas import MAX_PAGE, SavedSearchCreate, SearchQuery

PER_PAGE = 20
LIST_FIELDS = ("sector", "stage", "region", "funding", "event", "award")
FACET_TITLES: dict[str, str] = {
    "sector": N_("Sector"),
    "stage": N_("Stage"),
    "region": N_("Region"),
    "funding": N_("Funding sought"),
    "event": N_("Pitched at"),
    "award": N_("Award"),
}
FREQUENCY_LABELS: dict[str, str] = {
    "daily": N_("Daily"),
    "weekly": N_("Weekly"),
    "never": N_("Never (keep the search only)"),
}
SAVED_PAGE = "/databank/saved-searches"


def parse_query(pairs: list[tuple[str, str]]) -> tuple[SearchQuery, int, dict[str, str]]:
    """The search and page number of a query string; bad values give ``errors`` (by field)."""
    data: dict[str, Any] = {field: [] for field in LIST_FIELDS}
    page_number: Any = 1
    for key, value in pairs:
        value = value.strip()
        if key in LIST_FIELDS:
            if value:
                data[key].append(value)
        elif key == "q":
            data["q"] = value
        elif key == "sort" and value:
            data["sort"] = value
        elif key == "awarded":
            data["awarded"] = value.lower() in {"1", "true", "on", "yes"}
        elif key == "page" and value:
            page_number = value
    errors: dict[str, str] = {}
    try:
        query = msgspec.convert(data, SearchQuery, strict=False)
    except msgspec.ValidationError as exc:
        field, message = humanize(str(exc))
        errors[field or "q"] = message
        query = SearchQuery()
    try:
        number = int(page_number)
        if not 1 <= number <= MAX_PAGE:
            raise ValueError
    except ValueError:
        errors["page"] = _("Enter a page number from 1 to %(n)s.") % {"n": MAX_PAGE}
        number = 1
    return query, number, errors


def funding_text(amount: int, currency: str) -> str:
    """The team's own figure in its own currency (Chinese readers count in 万)."""
    if amount <= 0:
        return _("Not stated")
    if current_locale.get() == "zh" and amount >= 10_000:
        return f"{amount / 10_000:,.6g}万 {currency}"
    return f"{currency} {amount:,}"


def _toggle_url(query: SearchQuery, facet: str, value: str) -> str:
    """The search with ``value`` of ``facet`` removed (for the active-filter chips)."""
    if facet == "awarded":
        changed = msgspec.structs.replace(query, awarded=False)
    elif facet == "q":
        changed = msgspec.structs.replace(query, q="")
    else:
        kept = [v for v in getattr(query, facet) if str(v) != value]
        changed = msgspec.structs.replace(query, **{facet: kept})
    return databank_search.search_url(changed)


@get("/databank", include_in_schema=False, guards=[public])
async def search_page(request: Request) -> Template:
    query, page_number, errors = parse_query(list(request.query_params.multi_items()))
    viewer = await databank_search.viewer_for(request.scope.get("user"))
    results = await databank_search.search(query, viewer, page=page_number, per_page=PER_PAGE)
    facets = await databank_search.facets(query, viewer)
    chips = _chips(query, facets)
    return await page(
        request,
        "roadshows/databank/search.html",
        422 if errors else 200,
        query=query,
        results=results,
        facets=facets,
        chips=chips,
        errors=errors,
        investor=viewer.investor,
        facet_titles=FACET_TITLES,
        sort_labels=databank_search.SORT_LABELS,
        frequency_labels=FREQUENCY_LABELS,
        funding_text=funding_text,
        country_name=country_name,
        page_url=lambda number: databank_search.search_url(query, page=number),
        query_string=urlencode(databank_search.query_pairs(query)),
        suggested_name=query.q or _("My databank search"),
    )


def _chips(query: SearchQuery, facets: Any) -> list[tuple[str, str]]:
    """(label, url without it) for each active filter."""
    chips: list[tuple[str, str]] = []
    if query.q:
        chips.append((f"“{query.q}”", _toggle_url(query, "q", query.q)))
    for facet in LIST_FIELDS:
        labels = {v.value: v.label for v in getattr(facets, facet)}
        for value in getattr(query, facet):
            text = labels.get(str(value), str(value))
            chips.append((text, _toggle_url(query, facet, str(value))))
    if query.awarded:
        chips.append((_("Award winners"), _toggle_url(query, "awarded", "true")))
    return chips


@post("/databank/saved-searches", include_in_schema=False, guards=[requires_investor])
async def save_search(request: Request) -> Redirect | Template:
    form = await read_form(request)
    query, _page, errors = parse_query(parse_qsl(str(form.get("query", "")), keep_blank_values=True))
    data = {"name": str(form.get("name", "")).strip(), "frequency": form.get("frequency") or "weekly"}
    try:
        create = msgspec.convert({**data, "query": msgspec.to_builtins(query)}, SavedSearchCreate)
    except msgspec.ValidationError as exc:
        field, message = humanize(str(exc))
        errors[field or "name"] = message
    if errors:
        set_flash(request, "; ".join(errors.values()), kind="error")
        return Redirect(databank_search.search_url(query))
    saved = await saved_searches.create_saved(current_user(request), create)
    set_flash(request, _("Search saved: “%(name)s”.") % {"name": saved.name})
    return Redirect(SAVED_PAGE)


@get(SAVED_PAGE, include_in_schema=False, guards=[requires_investor])
async def saved_searches_page(request: Request) -> Template:
    return await page(
        request,
        "roadshows/databank/search_saved.html",
        searches=await saved_searches.list_saved(current_user(request)),
        frequency_labels=FREQUENCY_LABELS,
    )


@post(SAVED_PAGE + "/{search_id:int}/delete", include_in_schema=False, guards=[requires_investor])
async def delete_saved_search(request: Request, search_id: FromPath[int]) -> Redirect:
    user = current_user(request)
    saved = await saved_searches.get_saved(user, search_id)
    await saved_searches.delete_saved(user, search_id)
    set_flash(request, _("Saved search deleted: “%(name)s”.") % {"name": saved.name})
    return Redirect(SAVED_PAGE)


ROUTES = [search_page, save_search, saved_searches_page, delete_saved_search]

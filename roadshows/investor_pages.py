"""The databank pages of a project and the investors' own pages: a project's detail page (teaser
or full details), following, the private note and asking for an introduction from it; the
watchlist; the institution's introduction requests.

Forms post back and redirect (PRG) with a flash message; an invalid introduction request
re-renders the project page with its errors (422). What a viewer sees is decided by
``roadshows.databank_views``; a hidden project is the same 404 page as a missing one.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import CurrentUser, current_user, public, requires_investor
from app.errors import Conflict, Forbidden, InvalidInput
from app.forms import read_form
from app.i18n import N_, _, localized
from app.templating import page, set_flash
from roadshows import databank_views, introductions, investor_tools
from roadshows.catalog import country_name, currency_label, sector_label, stage_label
from roadshows.decks import size_label
from roadshows.project_pages import VISIBILITY_LABELS

INVESTOR_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_investor]}
HELPERS: dict[str, Any] = {
    "sector_label": sector_label,
    "stage_label": stage_label,
    "currency_label": currency_label,
    "country_name": country_name,
    "visibility_labels": VISIBILITY_LABELS,
    "size_label": size_label,
}
STATUS_LABELS = {
    "pending": N_("Waiting for the team"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
}


def back_to(project_id: int, anchor: str = "") -> Redirect:
    return Redirect(f"/databank/projects/{project_id}" + (f"#{anchor}" if anchor else ""), status_code=303)


async def _institution_choices(user: CurrentUser | None) -> list[tuple[int, str]]:
    if user is None:
        return []
    ids = sorted((await user.memberships()).institutions)
    names = {
        r["id"]: localized(r["name_en"], r["name_zh"]) for r in await introductions.institution_names(ids)
    }
    return [(i, names.get(i, str(i))) for i in ids]


async def render_project(
    request: Request,
    project_id: int,
    status: int = 200,
    *,
    count_view: bool = True,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    user: CurrentUser | None = request.scope.get("user")
    if count_view:
        project = await databank_views.project_detail(user, project_id)
    else:
        project = await databank_views.detail_read(user, await databank_views.sight(user, project_id))
    note = None
    if project.viewer:
        note = await investor_tools.get_note(user, project_id)  # type: ignore[arg-type]
    return await page(
        request,
        "roadshows/databank/project.html",
        status,
        project=project,
        note=note,
        institutions=await _institution_choices(user),
        errors=errors or {},
        values=values or {},
        status_labels=STATUS_LABELS,
        **HELPERS,
    )


@get("/databank/projects/{project_id:int}", include_in_schema=False, guards=[public])
async def project_page(request: Request, project_id: FromPath[int]) -> Template:
    return await render_project(request, project_id)


@post("/databank/projects/{project_id:int}/follow", **INVESTOR_OPTS)
async def follow(request: Request, project_id: FromPath[int]) -> Redirect:
    await investor_tools.follow(current_user(request), project_id)
    set_flash(request, _("The project is on your watchlist."))
    return back_to(project_id, "tools")


@post("/databank/projects/{project_id:int}/unfollow", **INVESTOR_OPTS)
async def unfollow(request: Request, project_id: FromPath[int]) -> Redirect:
    await investor_tools.unfollow(current_user(request), project_id)
    set_flash(request, _("The project is off your watchlist."))
    raw = await read_form(request)
    if raw.get("next") == "watchlist":
        return Redirect("/databank/watchlist", status_code=303)
    return back_to(project_id, "tools")


@post("/databank/projects/{project_id:int}/note", **INVESTOR_OPTS)
async def save_note(request: Request, project_id: FromPath[int]) -> Template | Redirect:
    raw = await read_form(request)
    body = str(raw.get("body", ""))
    if len(body) > 20_000:
        return await render_project(
            request,
            project_id,
            422,
            count_view=False,
            errors={"body": _("Keep the note under %(n)s characters.") % {"n": "20,000"}},
            values={"body": body},
        )
    note = await investor_tools.save_note(current_user(request), project_id, body)
    set_flash(request, _("Your note is saved.") if note.body else _("Your note is deleted."))
    return back_to(project_id, "note")


@post("/databank/projects/{project_id:int}/introductions", **INVESTOR_OPTS)
async def request_introduction(request: Request, project_id: FromPath[int]) -> Template | Redirect:
    raw = await read_form(request)
    message = str(raw.get("message", ""))
    institution = str(raw.get("institution_id", "")).strip()
    values = {"message": message, "institution_id": institution}
    errors: dict[str, str] = {}
    if not message.strip():
        errors["message"] = _("Write a few words about why you would like to meet.")
    elif len(message) > 2_000:
        errors["message"] = _("Keep the message under %(n)s characters.") % {"n": "2,000"}
    if errors:
        return await render_project(request, project_id, 422, count_view=False, errors=errors, values=values)
    try:
        await introductions.request_introduction(
            current_user(request), project_id, message, int(institution) if institution.isdigit() else None
        )
    except InvalidInput as exc:
        errors = {field: _(text) for field, text in exc.errors.items()}
        return await render_project(request, project_id, 422, count_view=False, errors=errors, values=values)
    except (Conflict, Forbidden) as exc:
        set_flash(request, exc.detail(), "error")
        return back_to(project_id, "introduction")
    set_flash(request, _("Your request is sent. We will write to you when the team answers."))
    return back_to(project_id, "introduction")


# -- the investor's own pages ----------------------------------------------------------------
@get("/databank/watchlist", **INVESTOR_OPTS)
async def watchlist_page(request: Request) -> Template:
    items = await investor_tools.watchlist(current_user(request))
    return await page(request, "roadshows/investors/watchlist.html", items=items, **HELPERS)


@get("/databank/introductions", **INVESTOR_OPTS)
async def introductions_page(request: Request) -> Template:
    items = await introductions.my_introductions(current_user(request))
    return await page(
        request, "roadshows/investors/introductions.html", items=items, status_labels=STATUS_LABELS, **HELPERS
    )


@post("/databank/introductions/{request_id:int}/withdraw", **INVESTOR_OPTS)
async def withdraw_introduction(request: Request, request_id: FromPath[int]) -> Redirect:
    try:
        await introductions.withdraw_introduction(current_user(request), request_id)
    except (Conflict, Forbidden) as exc:
        set_flash(request, exc.detail(), "error")
    else:
        set_flash(request, _("Your introduction request is withdrawn."))
    return Redirect("/databank/introductions", status_code=303)


ROUTES = [
    project_page,
    follow,
    unfollow,
    save_note,
    request_introduction,
    watchlist_page,
    introductions_page,
    withdraw_introduction,
]

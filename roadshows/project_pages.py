"""The entrepreneur's pages: my projects, a new project, and one project's page (details, team
accounts, pitch deck, databank listing).

Forms post back and redirect (PRG) with a flash message; invalid input re-renders the page
with field errors (422). Anyone on a project's team may use its page; creating a project
needs an entrepreneur account. Other people's projects answer 404.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, requires_entrepreneur, requires_login
from app.errors import InvalidInput
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import page, set_flash
from roadshows import databank, decks, projects
from roadshows.catalog import (
    CURRENCIES,
    SECTORS,
    STAGES,
    choices,
    country_choices,
    country_name,
    currency_label,
    sector_label,
    stage_label,
)
from roadshows.project_schemas import MAX_TEAM, VISIBILITIES, DatabankPublish, ProjectCreate, ProjectUpdate

LOGIN_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
FIELDS = tuple(ProjectCreate.__struct_fields__)
EMPTY_TEAM_ROWS = 3
VISIBILITY_LABELS = {
    "teaser_public": (N_("Teaser for everyone"), N_("Name, sector, stage and region are public.")),
    "full_subscribers": (
        N_("Full profile for subscribers"),
        N_("Subscribing investors see the full profile and the pitch deck."),
    ),
    "full_on_introduction": (
        N_("Full profile on introduction"),
        N_("Investors see the teaser; the full profile only once you accept an introduction."),
    ),
}
HELPERS: dict[str, Any] = {
    "sector_label": sector_label,
    "stage_label": stage_label,
    "currency_label": currency_label,
    "country_name": country_name,
    "visibility_labels": VISIBILITY_LABELS,
    "visibilities": VISIBILITIES,
    "size_label": decks.size_label,
}


def back_to(project_id: int, anchor: str = "") -> Redirect:
    return Redirect(f"/me/projects/{project_id}" + (f"#{anchor}" if anchor else ""), status_code=303)


def _translated(errors: dict[str, str]) -> dict[str, str]:
    return {field: _(message) for field, message in errors.items()}


def _form_context() -> dict[str, Any]:
    return {
        "sectors": choices(SECTORS),
        "stages": choices(STAGES),
        "currencies": choices(CURRENCIES),
        "countries": country_choices(),
        "max_team": MAX_TEAM,
        **HELPERS,
    }


def _team_from_form(raw: dict[str, Any]) -> list[dict[str, str]]:
    """``team_name`` / ``team_role`` rows (repeated fields) without the empty ones."""
    names, roles = raw.get("team_name", []), raw.get("team_role", [])
    names = names if isinstance(names, list) else [names]
    roles = roles if isinstance(roles, list) else [roles]
    rows = [(n.strip(), (roles[i] if i < len(roles) else "").strip()) for i, n in enumerate(names)]
    return [{"name": n, "role": r} for n, r in rows if n or r]


def _project_form(raw: dict[str, Any]) -> tuple[ProjectCreate | None, dict[str, str]]:
    data = {key: value for key, value in raw.items() if key in FIELDS and key != "team"}
    team = _team_from_form(raw)
    data["team"] = team
    if len(team) > MAX_TEAM:
        return None, {"team": _("List at most %(n)s people.") % {"n": MAX_TEAM}}
    form, errors = convert_form(data, ProjectCreate)
    if errors:
        errors = {("team" if key.startswith("team") else key): text for key, text in errors.items()}
    return form, errors


def _form_values(raw: dict[str, Any]) -> dict[str, Any]:
    values = {key: value for key, value in raw.items() if key in FIELDS}
    values["team"] = _team_from_form(raw)
    return values


def _values_of(project: Any) -> dict[str, Any]:
    values = {field: getattr(project, field) for field in FIELDS}
    values["team"] = msgspec.to_builtins(project.team)
    return values


# -- my projects -----------------------------------------------------------------------------
@get("/me/projects", **LOGIN_OPTS)
async def my_projects_page(request: Request) -> Template:
    items = await projects.my_projects(current_user(request))
    return await page(request, "roadshows/projects/list.html", projects=items, **HELPERS)


async def _new_form(
    request: Request, status: int, values: dict[str, Any], errors: dict[str, str]
) -> Template:
    return await page(
        request, "roadshows/projects/new.html", status, values=values, errors=errors, **_form_context()
    )


@get("/me/projects/new", include_in_schema=False, guards=[requires_entrepreneur])
async def new_project_page(request: Request) -> Template:
    return await _new_form(request, 200, {"country": "CN", "currency": "CNY", "team": []}, {})


@post("/me/projects/new", include_in_schema=False, guards=[requires_entrepreneur])
async def new_project_submit(request: Request) -> Template | Redirect:
    raw = await read_form(request)
    form, errors = _project_form(raw)
    if form is None:
        return await _new_form(request, 422, _form_values(raw), errors)
    try:
        project = await projects.create_project(current_user(request), form)
    except InvalidInput as exc:
        return await _new_form(request, 422, _form_values(raw), _translated(exc.errors))
    set_flash(request, _("Your project is created. Add your pitch deck and team next."))
    return back_to(project.id)


# -- one project -----------------------------------------------------------------------------
async def render_project(
    request: Request,
    project_id: int,
    status: int = 200,
    section: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    """The project's page; ``section`` names the form that failed, if any."""
    user = current_user(request)
    project = await projects.get_project(user, project_id)
    return await page(
        request,
        "roadshows/projects/manage.html",
        status,
        project=project,
        members=await projects.list_members(user, project_id),
        listing=await databank.listing_or_none(user, project_id),
        section=section,
        errors=errors or {},
        values=values if section == "details" and values is not None else _values_of(project),
        deck_limit=decks.max_deck_bytes(),
        **_form_context(),
    )


@get("/me/projects/{project_id:int}", **LOGIN_OPTS)
async def project_page(request: Request, project_id: FromPath[int]) -> Template:
    return await render_project(request, project_id)


@post("/me/projects/{project_id:int}", **LOGIN_OPTS)
async def edit_project(request: Request, project_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    await projects.get_project(user, project_id)  # 404 before anything else
    raw = await read_form(request)
    form, errors = _project_form(raw)
    if form is None:
        return await render_project(request, project_id, 422, "details", errors, _form_values(raw))
    try:
        await projects.update_project(user, project_id, ProjectUpdate(**msgspec.structs.asdict(form)))
    except InvalidInput as exc:
        return await render_project(
            request, project_id, 422, "details", _translated(exc.errors), _form_values(raw)
        )
    set_flash(request, _("Your changes are saved."))
    return back_to(project_id)


@post("/me/projects/{project_id:int}/delete", **LOGIN_OPTS)
async def delete_project(request: Request, project_id: FromPath[int]) -> Redirect:
    try:
        await projects.delete_project(current_user(request), project_id)
    except (projects.ProjectSubmitted, projects.OwnerOnly) as exc:
        set_flash(request, exc.detail(), "error")
        return back_to(project_id)
    set_flash(request, _("The project is deleted."))
    return Redirect("/me/projects", status_code=303)


# -- team accounts ---------------------------------------------------------------------------
@post("/me/projects/{project_id:int}/members", **LOGIN_OPTS)
async def add_member(request: Request, project_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    await projects.get_project(user, project_id)
    raw = await read_form(request)
    email = str(raw.get("email", "")).strip()
    if not email:
        return await render_project(
            request, project_id, 422, "members", {"email": _("This field is required.")}
        )
    try:
        member = await projects.add_member(user, project_id, email)
    except (projects.UnknownAccount, projects.AlreadyMember, projects.OwnerOnly) as exc:
        return await render_project(request, project_id, exc.status, "members", {"email": exc.detail()})
    set_flash(request, _("%(name)s can now edit this project.") % {"name": member.display_name})
    return back_to(project_id, "members")


@post("/me/projects/{project_id:int}/members/{user_id:int}/remove", **LOGIN_OPTS)
async def remove_member(request: Request, project_id: FromPath[int], user_id: FromPath[int]) -> Redirect:
    user = current_user(request)
    try:
        await projects.remove_member(user, project_id, user_id)
    except (projects.OwnerOnly, projects.OwnerStays) as exc:
        set_flash(request, exc.detail(), "error")
        return back_to(project_id, "members")
    if user_id == user.id:
        set_flash(request, _("You left the project's team."))
        return Redirect("/me/projects", status_code=303)
    set_flash(request, _("The co-editor is removed from the team."))
    return back_to(project_id, "members")


# -- pitch deck ------------------------------------------------------------------------------
@post(
    "/me/projects/{project_id:int}/deck",
    # Bounds what the CSRF check may read before the handler; the deck limit itself is
    # enforced while staging the file (roadshows.decks).
    request_max_body_size=decks.max_deck_bytes() + decks.MULTIPART_ALLOWANCE,
    **LOGIN_OPTS,
)
async def upload_deck(request: Request, project_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    await projects.get_project(user, project_id)
    try:
        staged = await decks.receive_upload(request)
        await decks.save_deck(user, project_id, staged)
    except (decks.NotAPdf, decks.DeckTooLarge) as exc:
        return await render_project(request, project_id, exc.status, "deck", {"file": exc.detail()})
    except InvalidInput as exc:
        errors = _translated(exc.errors) or {"file": exc.detail()}
        return await render_project(request, project_id, exc.status, "deck", errors)
    set_flash(request, _("Your pitch deck is uploaded."))
    return back_to(project_id, "deck")


@post("/me/projects/{project_id:int}/deck/delete", **LOGIN_OPTS)
async def delete_deck(request: Request, project_id: FromPath[int]) -> Redirect:
    await decks.delete_deck(current_user(request), project_id)
    set_flash(request, _("The pitch deck is removed."))
    return back_to(project_id, "deck")


# -- databank --------------------------------------------------------------------------------
@post("/me/projects/{project_id:int}/databank", **LOGIN_OPTS)
async def publish(request: Request, project_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    await projects.get_project(user, project_id)
    raw = await read_form(request)
    form, errors = convert_form(raw, DatabankPublish)
    if form is None:
        return await render_project(request, project_id, 422, "databank", errors)
    await databank.publish_by_team(user, project_id, form)
    set_flash(request, _("Your project is listed in the databank."))
    return back_to(project_id, "databank")


@post("/me/projects/{project_id:int}/databank/withdraw", **LOGIN_OPTS)
async def withdraw(request: Request, project_id: FromPath[int]) -> Redirect:
    try:
        await databank.withdraw(current_user(request), project_id)
    except databank.NotListed as exc:
        set_flash(request, exc.detail(), "error")
        return back_to(project_id, "databank")
    set_flash(request, _("Your project is withdrawn from the databank."))
    return back_to(project_id, "databank")


ROUTES = [
    my_projects_page,
    new_project_page,
    new_project_submit,
    project_page,
    edit_project,
    delete_project,
    add_member,
    remove_member,
    upload_deck,
    delete_deck,
    publish,
    withdraw,
]

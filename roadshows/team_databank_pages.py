"""The team's databank activity page: which institutions viewed the project and when (with a
chart of views per day), and the introduction requests to accept or decline.

Anyone on the project's team (owner or co-editors) may use it; other people's projects answer
404. Decisions post back and redirect (PRG) with a flash message.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, requires_login
from app.errors import Conflict
from app.i18n import _
from app.templating import page, set_flash
from roadshows import databank, introductions, projects, view_log
from roadshows.investor_pages import STATUS_LABELS
from roadshows.project_pages import VISIBILITY_LABELS

LOGIN_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}


def _page_url(project_id: int, anchor: str = "") -> str:
    return f"/me/projects/{project_id}/databank" + (f"#{anchor}" if anchor else "")


@get("/me/projects/{project_id:int}/databank", **LOGIN_OPTS)
async def activity_page(request: Request, project_id: FromPath[int]) -> Template:
    user = current_user(request)
    project = await projects.get_project(user, project_id)  # 404 unless on the team
    log = await view_log.view_log(user, project_id)
    chart = {
        "labels": [d.day[5:] for d in log.per_day],
        "views": [d.views for d in log.per_day],
        "label": _("Views"),
    }
    return await page(
        request,
        "roadshows/investors/team_databank.html",
        project=project,
        listing=await databank.listing_or_none(user, project_id),
        log=log,
        chart=chart,
        requests=await introductions.team_introductions(user, project_id),
        status_labels=STATUS_LABELS,
        visibility_labels=VISIBILITY_LABELS,
    )


async def _decide(request: Request, project_id: int, request_id: int, accept: bool) -> Redirect:
    try:
        await introductions.decide(current_user(request), project_id, request_id, accept)
    except Conflict as exc:
        set_flash(request, exc.detail(), "error")
        return Redirect(_page_url(project_id, "introductions"), status_code=303)
    if accept:
        set_flash(request, _("Introduction accepted: you now see each other's contact details."))
    else:
        set_flash(request, _("Introduction declined. Nothing was shared."))
    return Redirect(_page_url(project_id, "introductions"), status_code=303)


@post("/me/projects/{project_id:int}/databank/introductions/{request_id:int}/accept", **LOGIN_OPTS)
async def accept(request: Request, project_id: FromPath[int], request_id: FromPath[int]) -> Redirect:
    return await _decide(request, project_id, request_id, True)


@post("/me/projects/{project_id:int}/databank/introductions/{request_id:int}/decline", **LOGIN_OPTS)
async def decline(request: Request, project_id: FromPath[int], request_id: FromPath[int]) -> Redirect:
    return await _decide(request, project_id, request_id, False)


ROUTES = [activity_page, accept, decline]

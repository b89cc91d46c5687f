"""Submissions as HTML pages: my teams' submissions (progress, withdraw) and the organiser's table
of a call's submissions (filters, counts per status, a button per allowed move).

Every move asks for confirmation and posts back (PRG with a flash); a move that is no longer
allowed (someone moved it first) comes back as an error message, never a broken page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, requires_login, requires_organiser
from app.errors import DomainError, InvalidInput
from app.forms import read_form
from app.i18n import N_, _
from app.templating import page, set_flash
from events.access import organiser_event
from roadshows import calls, submissions
from roadshows.submission_schemas import MoveCreate
from roadshows.workflow import MOVE_LABELS, PIPELINE, STATUS_LABELS, STATUSES, progress

LOGIN_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
ORGANISER_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
PER_PAGE = 50
FILTERS = ("status", "category", "q")
MOVED_FLASH = N_("The submission is now: %(status)s.")


# -- my submissions ------------------------------------------------------------------------------
@get("/me/submissions", **LOGIN_OPTS)
async def my_submissions_page(request: Request) -> Template:
    user = current_user(request)
    return await page(
        request,
        "roadshows/calls/my_submissions.html",
        submissions=await submissions.my_submissions(user),
        status_labels=STATUS_LABELS,
        progress=progress,
        pipeline=PIPELINE,
    )


@post("/me/submissions/{submission_id:int}/withdraw", **LOGIN_OPTS)
async def withdraw_submission(request: Request, submission_id: FromPath[int]) -> Redirect:
    note = str((await read_form(request)).get("note", ""))[:2000]
    try:
        await submissions.withdraw(current_user(request), submission_id, note)
    except DomainError as exc:
        if exc.status != 409:
            raise
        set_flash(request, exc.detail(), "error")
    else:
        set_flash(request, _("Your submission was withdrawn."))
    return Redirect("/me/submissions", status_code=303)


# -- the organiser's table -----------------------------------------------------------------------
def clean_filters(params: Any, categories: list[str]) -> dict[str, str]:
    """Filters from a GET form: odd values are ignored rather than answered with an error."""
    status = str(params.get("status") or "")
    category = str(params.get("category") or "")
    return {
        "status": status if status in STATUSES else "",
        "category": category if category in categories else "",
        "q": str(params.get("q") or "").strip()[:200],
    }


def submissions_url(call_id: int, filters: dict[str, str], page_number: int = 1) -> str:
    query = {k: v for k, v in filters.items() if v}
    if page_number > 1:
        query["page"] = str(page_number)
    return f"/dashboard/calls/{call_id}/submissions" + (f"?{urlencode(query)}" if query else "")


@get("/dashboard/calls/{call_id:int}/submissions", **ORGANISER_OPTS)
async def call_submissions_page(request: Request, call_id: FromPath[int]) -> Template:
    user = current_user(request)
    call = await calls.get_organiser_call(user, call_id)
    event = await organiser_event(user, call.event_id)
    filters = clean_filters(request.query_params, [c.key for c in call.categories])
    number = request.query_params.get("page", "1")
    current = int(number) if number.isdigit() and 0 < int(number) < 100_000 else 1
    result = await submissions.call_submissions(
        user,
        call_id,
        status=filters["status"] or None,
        category=filters["category"] or None,
        q=filters["q"] or None,
        page=current,
        per_page=PER_PAGE,
    )
    pages = max((result.total + PER_PAGE - 1) // PER_PAGE, 1)
    return await page(
        request,
        "roadshows/calls/dashboard_submissions.html",
        event=event,
        call=call,
        result=result,
        filters=filters,
        filtered=any(filters.values()),
        statuses=STATUSES,
        status_labels=STATUS_LABELS,
        move_labels=MOVE_LABELS,
        category_names={c.key: c for c in call.categories},
        back=submissions_url(call_id, filters, current),
        status_link=lambda status: submissions_url(call_id, {**filters, "status": status}),
        prev_link=submissions_url(call_id, filters, current - 1) if current > 1 else None,
        next_link=submissions_url(call_id, filters, current + 1) if current < pages else None,
    )


def _safe_back(value: str, call_id: int) -> str:
    """Only ever back to this call's table (no open redirect)."""
    base = f"/dashboard/calls/{call_id}/submissions"
    return value if value == base or value.startswith(base + "?") else base


@post("/dashboard/submissions/{submission_id:int}/moves", **ORGANISER_OPTS)
async def move_submission(request: Request, submission_id: FromPath[int]) -> Redirect:
    user = current_user(request)
    row, _roles = await submissions.visible_submission(user, submission_id)
    data = await read_form(request)
    back = _safe_back(str(data.get("back", "")), row["call"])
    to_status = str(data.get("to_status", ""))
    from_status = str(data.get("from_status", ""))
    if to_status not in STATUSES or from_status not in STATUSES:
        set_flash(request, _("Choose one of the offered values."), "error")
        return Redirect(back, status_code=303)
    form = MoveCreate(
        to_status=to_status,  # type: ignore[arg-type]
        from_status=from_status,  # type: ignore[arg-type]
        note=str(data.get("note", ""))[:2000],
        award_en=str(data.get("award_en", ""))[:200] if to_status == "awarded" else "",
        award_zh=str(data.get("award_zh", ""))[:200] if to_status == "awarded" else "",
    )
    try:
        await submissions.move(user, submission_id, form)
    except InvalidInput as exc:
        set_flash(request, " ".join(_(m) for m in exc.errors.values()) or exc.detail(), "error")
    except DomainError as exc:
        if exc.status != 409:
            raise
        set_flash(request, _("Someone moved this submission first, or this move is not allowed."), "error")
    else:
        set_flash(request, _(MOVED_FLASH) % {"status": _(STATUS_LABELS[to_status])})
    return Redirect(back, status_code=303)


ROUTES = [my_submissions_page, withdraw_submission, call_submissions_page, move_submission]

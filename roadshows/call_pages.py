"""Pitch calls as HTML pages: the public call page with the submit form, and the organiser's
calls of an event (create, edit, open, close).

Forms post back and redirect (PRG) with a flash; invalid input re-renders the page with the
errors next to the fields (422). Everything works without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import CurrentUser, current_user, public, requires_entrepreneur, requires_organiser
from app.errors import DomainError, InvalidInput, NotFound
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import page, set_flash
from events.access import organiser_event, public_event
from events.page_helpers import local_datetimes, options_text, parse_options, translated_errors
from events.registration_answers import answers_from_form
from events.timezones import input_value
from roadshows import calls, submissions
from roadshows.call_schemas import CallCreate, CallRead, CallUpdate, OrganiserCallRead
from roadshows.submission_schemas import SubmissionCreate
from roadshows.tables import Project, Submission
from roadshows.workflow import STATUS_LABELS

PUBLIC_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [public]}
ORGANISER_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
NEW_QUESTION_ROWS = 2  # empty question rows offered on each call form
CALL_FLASH = {
    "open": N_("The call is open: teams can submit projects until the deadline."),
    "closed": N_("The call is closed: no more submissions."),
}
STATUS_BUTTONS = {
    "open": (N_("Open the call"), N_("Open this call? Teams can submit projects until the deadline.")),
    "closed": (N_("Close the call"), N_("Close this call? Teams can no longer submit projects.")),
}


def call_url(event_id: int, call_id: int) -> str:
    return f"/events/{event_id}/calls/{call_id}"


def form_errors(exc: InvalidInput) -> dict[str, str]:
    """Service field names to form field names (``answers.traction`` is the form's ``q_traction``)."""
    return {key.replace("answers.", "q_"): _(message) for key, message in exc.errors.items()}


# -- the public call page --------------------------------------------------------------------
async def _team_projects(
    user: CurrentUser | None, call_id: int
) -> tuple[list[dict[str, Any]], dict[int, Any]]:
    """The user's team projects, and their submissions to this call by project id."""
    if user is None:
        return [], {}
    ids = await submissions.team_project_ids(user.id)
    if not ids:
        return [], {}
    projects = (
        await Project.select(Project.id, Project.name_en, Project.name_zh)
        .where(Project.id.is_in(ids))
        .order_by(Project.name_en)
    )
    rows = await Submission.select(Submission.id, Submission.project, Submission.status).where(
        (Submission.call == call_id) & Submission.project.is_in(ids)
    )
    return projects, {r["project"]: r for r in rows}


async def _call_page(
    request: Request,
    event_id: int,
    call_id: int,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> Template:
    viewer: CurrentUser | None = request.scope.get("user")
    row = await calls.visible_call(call_id, viewer)
    if row["event"] != event_id:
        raise NotFound()
    event = await public_event(event_id, viewer)
    projects, submitted = await _team_projects(viewer, call_id)
    open_projects = [p for p in projects if p["id"] not in submitted]
    return await page(
        request,
        "roadshows/calls/call.html",
        status_code,
        event=event,
        call=calls.call_read(row),
        projects=projects,
        open_projects=open_projects,
        submitted=submitted,
        status_labels=STATUS_LABELS,
        call_status_labels=calls.CALL_STATUS_LABELS,
        values=values or {},
        errors=errors or {},
        error=error,
    )


@get("/events/{event_id:int}/calls/{call_id:int}", **PUBLIC_OPTS)
async def call_page(request: Request, event_id: FromPath[int], call_id: FromPath[int]) -> Template:
    return await _call_page(request, event_id, call_id)


@post(
    "/events/{event_id:int}/calls/{call_id:int}/submit",
    include_in_schema=False,
    guards=[requires_entrepreneur],
)
async def submit_project(
    request: Request, event_id: FromPath[int], call_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)
    row = await calls.visible_call(call_id, user)
    if row["event"] != event_id:
        raise NotFound()
    data = await read_form(request)
    raw_project = str(data.get("project_id", "")).strip()
    if not raw_project.isdigit():
        errors = {"project_id": _("Choose one of your projects.")}
        return await _call_page(request, event_id, call_id, 422, data, errors)
    questions = submissions.call_questions(row)
    form = SubmissionCreate(
        project_id=int(raw_project),
        category=str(data.get("category", ""))[:40],
        answers=answers_from_form(data, questions),
    )
    try:
        await submissions.submit(user, call_id, form)
    except InvalidInput as exc:
        return await _call_page(request, event_id, call_id, 422, data, form_errors(exc))
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _call_page(request, event_id, call_id, exc.status, data, {}, exc.detail())
    set_flash(request, _("Your project has been submitted. We have sent you a confirmation."))
    return Redirect("/me/submissions", status_code=303)


# -- the organiser's calls of an event --------------------------------------------------------
def slug_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")


def parse_categories(text: str, existing: list[dict[str, str]]) -> list[dict[str, str]]:
    """Categories typed one per line as ``English | 中文``. A category keeps its key while its
    English name stays the same, so submissions in it stay in it."""
    known = {c["en"]: c["key"] for c in existing}
    categories: list[dict[str, str]] = []
    taken: set[str] = set()
    for index, line in enumerate(line for line in (text or "").splitlines() if line.strip()):
        en, _sep, zh = line.partition("|")
        en, zh = en.strip() or zh.strip(), zh.strip()
        key = known.get(en) or slug_key(en) or f"c{index + 1}"
        if key in taken:
            key = f"{key[:35]}-{index + 1}"
        taken.add(key)
        categories.append({"key": key, "en": en, "zh": zh})
    return categories


def categories_text(categories: list[Any]) -> str:
    return "\n".join(f"{c.en} | {c.zh}" if c.zh else c.en for c in categories)


def parse_questions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Question rows ``q<i>_*`` of the call form; a row without an English label is dropped."""
    rows = sorted({int(m.group(1)) for key in data if (m := re.match(r"^q(\d+)_label_en$", key))})
    questions: list[dict[str, Any]] = []
    taken: set[str] = set()
    for i in rows:
        label_en = str(data.get(f"q{i}_label_en", "")).strip()
        if not label_en:
            continue
        key = str(data.get(f"q{i}_key", "")).strip() or f"q{i + 1}"
        while key in taken:
            key = f"{key}-{i + 1}"
        taken.add(key)
        kind = str(data.get(f"q{i}_kind", "text"))
        questions.append(
            {
                "key": key,
                "kind": kind,
                "label_en": label_en,
                "label_zh": str(data.get(f"q{i}_label_zh", "")).strip(),
                "required": data.get(f"q{i}_required") not in (None, "", "false"),
                "options": [] if kind == "text" else parse_options(str(data.get(f"q{i}_options", ""))),
            }
        )
    return questions


def question_rows(questions: list[Any]) -> list[dict[str, Any]]:
    """Form values for the question rows: the call's questions, then empty rows to add more."""
    rows = [
        {
            "key": q.key,
            "kind": q.kind,
            "label_en": q.label_en,
            "label_zh": q.label_zh,
            "required": q.required,
            "options": options_text(q.options),
        }
        for q in questions
    ]
    return rows + [
        {"key": "", "kind": "text", "label_en": "", "label_zh": "", "required": False, "options": ""}
    ] * (NEW_QUESTION_ROWS)


def form_question_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The question rows as submitted (for re-display after an error)."""
    rows = sorted({int(m.group(1)) for key in data if (m := re.match(r"^q(\d+)_label_en$", key))})
    return [
        {
            "key": data.get(f"q{i}_key", ""),
            "kind": data.get(f"q{i}_kind", "text"),
            "label_en": data.get(f"q{i}_label_en", ""),
            "label_zh": data.get(f"q{i}_label_zh", ""),
            "required": data.get(f"q{i}_required") not in (None, "", "false"),
            "options": data.get(f"q{i}_options", ""),
        }
        for i in rows
    ]


def call_values(call: CallRead, timezone: str) -> dict[str, Any]:
    return {
        "title_en": call.title_en,
        "title_zh": call.title_zh,
        "description_en": call.description_en,
        "description_zh": call.description_zh,
        "deadline": input_value(call.deadline, timezone),
        "categories": categories_text(call.categories),
        "questions": question_rows(call.questions),
    }


def read_call_form(
    data: dict[str, Any], timezone: str, existing: list[dict[str, str]]
) -> tuple[CallCreate | None, dict[str, str]]:
    values = {k: v for k, v in data.items() if k in CallCreate.__struct_fields__}
    local_datetimes(values, timezone, "deadline")
    values["categories"] = parse_categories(str(data.get("categories", "")), existing)
    values["questions"] = parse_questions(data)
    return convert_form(values, CallCreate)


async def render_calls(
    request: Request,
    event_id: int,
    status: int = 200,
    section: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    event_calls: list[OrganiserCallRead] = await calls.organiser_calls(user, event_id)
    return await page(
        request,
        "roadshows/calls/dashboard_calls.html",
        status,
        event=event,
        calls=event_calls,
        takes_calls=event["kind"] in calls.CALL_KINDS,
        call_status_labels=calls.CALL_STATUS_LABELS,
        status_buttons=STATUS_BUTTONS,
        status_labels=STATUS_LABELS,
        call_values=lambda c: call_values(c, event["timezone"]),
        new_values={"questions": question_rows([])},
        section=section,
        errors=errors or {},
        values=values or {},
    )


def calls_url(event_id: int, anchor: str = "") -> str:
    return f"/dashboard/events/{event_id}/calls" + (f"#{anchor}" if anchor else "")


def _redisplay(raw: dict[str, Any]) -> dict[str, Any]:
    return {**raw, "questions": form_question_rows(raw) + question_rows([])[:1]}


@get("/dashboard/events/{event_id:int}/calls", **ORGANISER_OPTS)
async def calls_dashboard(request: Request, event_id: FromPath[int]) -> Template:
    return await render_calls(request, event_id)


@post("/dashboard/events/{event_id:int}/calls", **ORGANISER_OPTS)
async def create_call(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    raw = await read_form(request)
    form, errors = read_call_form(raw, event["timezone"], [])
    if form is None:
        return await render_calls(request, event_id, 422, "new", errors, _redisplay(raw))
    try:
        created = await calls.create_call(user, event_id, form)
    except InvalidInput as exc:
        return await render_calls(
            request, event_id, 422, "new", translated_errors(exc.errors), _redisplay(raw)
        )
    set_flash(request, _("The call was created as a draft. Open it when it is ready."))
    return Redirect(calls_url(event_id, f"call-{created.id}"), status_code=303)


@post("/dashboard/calls/{call_id:int}", **ORGANISER_OPTS)
async def edit_call(request: Request, call_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    current = await calls.get_organiser_call(user, call_id)
    event = await organiser_event(user, current.event_id)
    section = f"call-{call_id}"
    raw = await read_form(request)
    existing = [{"key": c.key, "en": c.en, "zh": c.zh} for c in current.categories]
    form, errors = read_call_form(raw, event["timezone"], existing)
    if form is None:
        return await render_calls(request, event["id"], 422, section, errors, _redisplay(raw))
    try:
        await calls.update_call(
            user, call_id, CallUpdate(**{f: getattr(form, f) for f in form.__struct_fields__})
        )
    except InvalidInput as exc:
        return await render_calls(
            request, event["id"], 422, section, translated_errors(exc.errors), _redisplay(raw)
        )
    except DomainError as exc:
        if exc.status != 409:
            raise
        return await render_calls(request, event["id"], 409, section, {"form": exc.detail()}, _redisplay(raw))
    set_flash(request, _("The call was saved."))
    return Redirect(calls_url(event["id"], section), status_code=303)


@post("/dashboard/calls/{call_id:int}/status", **ORGANISER_OPTS)
async def change_call_status(request: Request, call_id: FromPath[int]) -> Redirect:
    user = current_user(request)
    current = await calls.get_organiser_call(user, call_id)
    target = str((await read_form(request)).get("status", ""))
    if target not in STATUS_BUTTONS:
        set_flash(request, _("Choose one of the offered values."), "error")
        return Redirect(calls_url(current.event_id, f"call-{call_id}"), status_code=303)
    try:
        await calls.set_call_status(user, call_id, target)
    except DomainError as exc:
        if exc.status != 409:
            raise
        set_flash(request, exc.detail(), "error")
    else:
        set_flash(request, _(CALL_FLASH[target]))
    return Redirect(calls_url(current.event_id, f"call-{call_id}"), status_code=303)


ROUTES = [call_page, submit_project, calls_dashboard, create_call, edit_call, change_call_status]

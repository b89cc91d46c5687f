"""The organiser's round pages: the rounds of a call (with the form adding one), and one round
with its settings, rubric, entries, panel, conflicts of interest and scoring progress.

Forms post back and redirect (PRG) with a flash; invalid input re-renders the page with the
errors in the form's own section (422); a refused move (409) comes back as an error flash.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, requires_organiser
from app.errors import DomainError, InvalidInput, NotFound
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import page, set_flash
from events.page_helpers import checkboxes, translated_errors
from roadshows import judging, panel, rounds
from roadshows.access import organiser_call, organiser_round
from roadshows.judge_pages import HELPERS
from roadshows.judging_schemas import (
    ConflictRecord,
    CriterionCreate,
    CriterionUpdate,
    EntriesAdd,
    JudgeAdd,
    RoundCreate,
    RoundUpdate,
)
from roadshows.tables import PitchCall, RoundEntry, Submission

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
MOVE_LABELS = {
    ("draft", "scoring"): (N_("Open scoring"), N_("Open this round for scoring? Judges can then score.")),
    ("scoring", "closed"): (N_("Close scoring"), N_("Close scoring? Judges can no longer change scores.")),
    ("scoring", "draft"): (N_("Back to draft"), N_("Take this round back to draft? Judges stop scoring.")),
    ("closed", "scoring"): (
        N_("Reopen scoring"),
        N_("Reopen scoring? Judges can change their scores again."),
    ),
}
ROUND_FIELDS = ("name_en", "name_zh", "scale_min", "scale_max", "advance_count")
CRITERION_FIELDS = ("name_en", "name_zh", "description_en", "description_zh", "weight")


def round_url(round_id: int, anchor: str = "") -> str:
    return f"/dashboard/rounds/{round_id}" + (f"#{anchor}" if anchor else "")


# -- the rounds of a call ----------------------------------------------------------------------
async def render_call_rounds(
    request: Request,
    call_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: Any = None,
) -> Template:
    user = current_user(request)
    call = await organiser_call(user, call_id)
    listed = await rounds.list_rounds(user, call_id)
    return await page(
        request,
        "roadshows/judging/call_rounds.html",
        status,
        call=call,
        rounds=listed,
        errors=errors or {},
        values=values or {"scale_min": 1, "scale_max": 10, "advance_count": 0},
        **HELPERS,
    )


@get("/dashboard/calls/{call_id:int}/rounds", **PAGE_OPTS)
async def call_rounds_page(request: Request, call_id: FromPath[int]) -> Template:
    return await render_call_rounds(request, call_id)


@post("/dashboard/calls/{call_id:int}/rounds", **PAGE_OPTS)
async def create_round(request: Request, call_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    await organiser_call(user, call_id)
    raw = await read_form(request)
    data = dict(raw)
    checkboxes(data, "blind")
    form, errors = convert_form(data, RoundCreate)
    if form is None:
        return await render_call_rounds(request, call_id, 422, errors, raw)
    try:
        created = await rounds.create_round(user, call_id, form)
    except InvalidInput as exc:
        return await render_call_rounds(request, call_id, 422, translated_errors(exc.errors), raw)
    except DomainError as exc:
        if exc.status != 409:
            raise
        return await render_call_rounds(request, call_id, 409, {"form": exc.detail()}, raw)
    set_flash(request, _("The round was added. Now write its rubric and seat its judges."))
    return Redirect(round_url(created.id), status_code=303)


# -- one round ---------------------------------------------------------------------------------
async def _candidates(call_id: int, round_id: int) -> list[dict[str, Any]]:
    """Submissions of the call not yet entered in the round, for the "add entries" form."""
    entered = RoundEntry.select(RoundEntry.submission).where(RoundEntry.round == round_id)
    return (
        await Submission.select(
            Submission.id,
            Submission.status,
            Submission.project.name_en.as_alias("name_en"),
            Submission.project.name_zh.as_alias("name_zh"),
        )
        .where((Submission.call == call_id) & Submission.id.not_in([r["submission"] for r in await entered]))
        .order_by(Submission.project.name_en)
    )


async def render_round(
    request: Request,
    round_id: int,
    status: int = 200,
    section: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    """The round's page; ``section`` names the form that failed, if any."""
    user = current_user(request)
    round_ = await rounds.get_round(user, round_id)
    call = (
        await PitchCall.select(PitchCall.id, PitchCall.title_en, PitchCall.title_zh)
        .where(PitchCall.id == round_.call_id)
        .first()
    )
    settings = {f: getattr(round_, f) for f in ROUND_FIELDS} | {"blind": round_.blind}
    return await page(
        request,
        "roadshows/judging/round.html",
        status,
        round=round_,
        call=call,
        entries=await judging.round_entries(user, round_id),
        candidates=await _candidates(round_.call_id, round_id),
        matrix=await judging.progress_matrix(user, round_id),
        conflicts=await judging.list_conflicts(user, round_id),
        move_labels=MOVE_LABELS,
        section=section,
        errors=errors or {},
        values=values or {},
        settings=values if section == "settings" else settings,
        criterion_values=lambda c: {f: getattr(c, f) for f in CRITERION_FIELDS},
        **HELPERS,
    )


@get("/dashboard/rounds/{round_id:int}", **PAGE_OPTS)
async def round_page(request: Request, round_id: FromPath[int]) -> Template:
    return await render_round(request, round_id)


async def _form_action(
    request: Request,
    round_id: int,
    section: str,
    schema: type[msgspec.Struct] | None,
    action: Callable[[Any], Awaitable[Any]],
    done: str,
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Template | Redirect:
    """Validate the form against ``schema``, run ``action``, then flash and go back to ``section``."""
    await organiser_round(current_user(request), round_id)  # 404 before reading the form
    raw = await read_form(request)
    form: Any = None
    if schema is not None:
        form, errors = convert_form(prepare(dict(raw)) if prepare else raw, schema)
        if form is None:
            return await render_round(request, round_id, 422, section, errors, raw)
    try:
        await action(form)
    except InvalidInput as exc:
        return await render_round(request, round_id, 422, section, translated_errors(exc.errors), raw)
    except DomainError as exc:
        if exc.status != 409:
            raise
        set_flash(request, exc.detail(), "error")
        return Redirect(round_url(round_id, section.split("-")[0]), status_code=303)
    set_flash(request, _(done))
    return Redirect(round_url(round_id, section.split("-")[0]), status_code=303)


def _settings(data: dict[str, Any]) -> dict[str, Any]:
    checkboxes(data, "blind")
    return data


@post("/dashboard/rounds/{round_id:int}", **PAGE_OPTS)
async def save_settings(request: Request, round_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)

    async def action(form: RoundUpdate) -> None:
        await rounds.update_round(user, round_id, form)

    return await _form_action(
        request, round_id, "settings", RoundUpdate, action, N_("Your changes are saved."), _settings
    )


@post("/dashboard/rounds/{round_id:int}/status/{target:str}", **PAGE_OPTS)
async def move_round(request: Request, round_id: FromPath[int], target: FromPath[str]) -> Template | Redirect:
    user = current_user(request)

    async def action(_form: None) -> None:
        await rounds.move_round(user, round_id, target)

    return await _form_action(request, round_id, "status", None, action, N_("The round's status is changed."))


@post("/dashboard/rounds/{round_id:int}/delete", **PAGE_OPTS)
async def delete_round(request: Request, round_id: FromPath[int]) -> Redirect:
    user = current_user(request)
    row = await organiser_round(user, round_id)
    try:
        await rounds.delete_round(user, round_id)
    except DomainError as exc:
        if exc.status != 409:
            raise
        set_flash(request, exc.detail(), "error")
        return Redirect(round_url(round_id), status_code=303)
    set_flash(request, _("The round was deleted."))
    return Redirect(f"/dashboard/calls/{row['call']}/rounds", status_code=303)


# -- rubric ------------------------------------------------------------------------------------
@post("/dashboard/rounds/{round_id:int}/criteria", **PAGE_OPTS)
async def add_criterion(request: Request, round_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)

    async def action(form: CriterionCreate) -> None:
        await rounds.add_criterion(user, round_id, form)

    return await _form_action(
        request, round_id, "rubric", CriterionCreate, action, N_("The criterion was added.")
    )


@post("/dashboard/rounds/{round_id:int}/criteria/{criterion_id:int}", **PAGE_OPTS)
async def edit_criterion(
    request: Request, round_id: FromPath[int], criterion_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)

    async def action(form: CriterionCreate) -> None:
        update = CriterionUpdate(**{f: getattr(form, f) for f in CRITERION_FIELDS})
        await rounds.update_criterion(user, round_id, criterion_id, update)

    section = f"rubric-{criterion_id}"
    return await _form_action(
        request, round_id, section, CriterionCreate, action, N_("The criterion was saved.")
    )


@post("/dashboard/rounds/{round_id:int}/criteria/{criterion_id:int}/{verb:str}", **PAGE_OPTS)
async def change_criterion(
    request: Request, round_id: FromPath[int], criterion_id: FromPath[int], verb: FromPath[str]
) -> Template | Redirect:
    """``delete``, ``up`` or ``down``."""
    user = current_user(request)
    if verb not in ("delete", "up", "down"):
        raise NotFound()

    async def action(_form: None) -> None:
        if verb == "delete":
            await rounds.delete_criterion(user, round_id, criterion_id)
        else:
            await rounds.move_criterion(user, round_id, criterion_id, -1 if verb == "up" else 1)

    done = N_("The criterion was removed.") if verb == "delete" else N_("The rubric's order is saved.")
    return await _form_action(request, round_id, "rubric", None, action, done)


# -- entries, panel and conflicts --------------------------------------------------------------
def _entries_form(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("all_with_status"):
        data.pop("submission_ids", None)
    return data


@post("/dashboard/rounds/{round_id:int}/entries", **PAGE_OPTS)
async def add_entries(request: Request, round_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)

    async def action(form: EntriesAdd) -> None:
        await rounds.add_entries(user, round_id, form)

    return await _form_action(
        request, round_id, "entries", EntriesAdd, action, N_("The entries were added."), _entries_form
    )


@post("/dashboard/rounds/{round_id:int}/entries/{submission_id:int}/delete", **PAGE_OPTS)
async def remove_entry(
    request: Request, round_id: FromPath[int], submission_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)

    async def action(_form: None) -> None:
        await rounds.remove_entry(user, round_id, submission_id)

    return await _form_action(request, round_id, "entries", None, action, N_("The entry was removed."))


@post("/dashboard/rounds/{round_id:int}/judges", **PAGE_OPTS)
async def add_judge(request: Request, round_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)

    async def action(form: JudgeAdd) -> None:
        if form.email is None:
            raise InvalidInput({"email": N_("Give the judge's e-mail or account id.")})
        await panel.add_judge(user, round_id, form)

    return await _form_action(request, round_id, "panel", JudgeAdd, action, N_("The judge is on the panel."))


@post("/dashboard/rounds/{round_id:int}/judges/{user_id:int}/delete", **PAGE_OPTS)
async def remove_judge(
    request: Request, round_id: FromPath[int], user_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)

    async def action(_form: None) -> None:
        await panel.remove_judge(user, round_id, user_id)

    return await _form_action(
        request, round_id, "panel", None, action, N_("The judge was taken off the panel.")
    )


@post("/dashboard/rounds/{round_id:int}/conflicts", **PAGE_OPTS)
async def record_conflict(request: Request, round_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)

    async def action(form: ConflictRecord) -> None:
        await judging.record_conflict(user, round_id, form.judge_id, form.submission_id, form.reason)

    return await _form_action(
        request, round_id, "conflicts", ConflictRecord, action, N_("The conflict of interest is recorded.")
    )


@post("/dashboard/rounds/{round_id:int}/conflicts/{conflict_id:int}/delete", **PAGE_OPTS)
async def withdraw_conflict(
    request: Request, round_id: FromPath[int], conflict_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)

    async def action(_form: None) -> None:
        await judging.withdraw_conflict(user, round_id, conflict_id)

    return await _form_action(
        request, round_id, "conflicts", None, action, N_("The conflict of interest was withdrawn.")
    )


ROUTES = [
    call_rounds_page,
    create_round,
    round_page,
    save_settings,
    move_round,
    delete_round,
    add_criterion,
    edit_criterion,
    change_criterion,
    add_entries,
    remove_entry,
    add_judge,
    remove_judge,
    record_conflict,
    withdraw_conflict,
]

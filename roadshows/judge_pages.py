"""The judges' pages, made for a phone in one hand: my rounds, a round's entries, and the
scoring form of one entry (one big control per criterion, a comment, Save / Save and next,
and declaring a conflict of interest).

Everything works without JavaScript: forms post back and redirect (PRG); an invalid score
re-renders the form with the errors beside each criterion (422).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, requires_login
from app.errors import DomainError, InvalidInput, NotFound
from app.forms import read_form
from app.i18n import N_, _
from app.templating import page, set_flash
from roadshows import judging
from roadshows.catalog import sector_label, stage_label
from roadshows.judging_schemas import COMMENT_MAX, ScoreInput
from roadshows.rounds import criteria_of

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
RADIO_POINTS_MAX = 11  # scales up to this many points get a row of buttons, wider ones a number field
KIND_LABELS = {"preliminary": N_("Preliminary"), "semi_final": N_("Semi-final"), "final": N_("Final")}
ROUND_STATUS_LABELS = {
    "draft": N_("Not open yet"),
    "scoring": N_("Open for scoring"),
    "closed": N_("Scoring closed"),
    "published": N_("Results published"),
}
HELPERS: dict[str, Any] = {
    "kind_labels": KIND_LABELS,
    "round_status_labels": ROUND_STATUS_LABELS,
    "sector_label": sector_label,
    "stage_label": stage_label,
}


def entry_url(round_id: int, submission_id: int) -> str:
    return f"/judge/rounds/{round_id}/entries/{submission_id}"


@get("/judge", **PAGE_OPTS)
async def judge_home(request: Request) -> Template:
    rounds = await judging.my_rounds(current_user(request))
    return await page(request, "roadshows/judging/judge_home.html", rounds=rounds, **HELPERS)


@get("/judge/rounds/{round_id:int}", **PAGE_OPTS)
async def judge_round_page(request: Request, round_id: FromPath[int]) -> Template:
    user = current_user(request)
    round_ = await judging.view_round(user, round_id)
    entries = await judging.judge_entries(user, round_id)
    done = sum(1 for e in entries if e.my_state == "scored")
    assignable = sum(1 for e in entries if e.my_state != "conflict")
    return await page(
        request,
        "roadshows/judging/judge_round.html",
        round=round_,
        entries=entries,
        done=done,
        assignable=assignable,
        **HELPERS,
    )


async def render_entry(
    request: Request,
    round_id: int,
    submission_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    """The scoring page; ``values`` are the submitted ones when the form is shown again."""
    user = current_user(request)
    row, entry = await judging.judge_entry(user, round_id, submission_id)
    entries = await judging.judge_entries(user, round_id)
    order = [e.submission_id for e in entries]
    index = order.index(submission_id)
    if values is None:
        values = {"comment": ""}
        try:
            score = await judging.my_score(user, round_id, submission_id)
        except NotFound:
            score = None
        if score is not None:
            values = {f"c{key}": _point(value) for key, value in score.values.items()}
            values["comment"] = score.comment
        entry.my_state = entry.my_state or ("scored" if score else "pending")
    points = row["scale_max"] - row["scale_min"] + 1
    return await page(
        request,
        "roadshows/judging/judge_entry.html",
        status,
        round=row,
        entry=entry,
        criteria=await criteria_of(round_id),
        values=values,
        errors=errors or {},
        scale=list(range(row["scale_min"], row["scale_max"] + 1)) if points <= RADIO_POINTS_MAX else None,
        position=index + 1,
        total=len(order),
        previous_id=order[index - 1] if index > 0 else None,
        next_id=order[index + 1] if index + 1 < len(order) else None,
        comment_max=COMMENT_MAX,
        **HELPERS,
    )


def _point(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@get("/judge/rounds/{round_id:int}/entries/{submission_id:int}", **PAGE_OPTS)
async def judge_entry_page(
    request: Request, round_id: FromPath[int], submission_id: FromPath[int]
) -> Template:
    return await render_entry(request, round_id, submission_id)


def _score_form(raw: dict[str, Any]) -> tuple[ScoreInput | None, dict[str, str]]:
    """Fields ``c<criterion id>`` become ``values``; a value that is not a number is an error."""
    values: dict[str, float] = {}
    errors: dict[str, str] = {}
    for key, value in raw.items():
        if key.startswith("c") and key[1:].isdigit() and str(value).strip():
            try:
                values[key[1:]] = float(str(value).strip())
            except ValueError:
                errors[f"values.{key[1:]}"] = _("Enter a number.")
    comment = str(raw.get("comment", ""))
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("Use at most %(n)s characters.") % {"n": COMMENT_MAX}
    return (None, errors) if errors else (ScoreInput(values=values, comment=comment), {})


async def _next_pending(request: Request, round_id: int, after: int) -> str:
    """The next entry I have not scored (after this one, then from the top), or the round."""
    entries = await judging.judge_entries(current_user(request), round_id)
    order = [e.submission_id for e in entries]
    start = order.index(after) + 1 if after in order else 0
    for entry in entries[start:] + entries[:start]:
        if entry.my_state == "pending" and entry.submission_id != after:
            return entry_url(round_id, entry.submission_id)
    return f"/judge/rounds/{round_id}"


@post("/judge/rounds/{round_id:int}/entries/{submission_id:int}", **PAGE_OPTS)
async def save_score(
    request: Request, round_id: FromPath[int], submission_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)
    raw = await read_form(request)
    form, errors = _score_form(raw)
    if form is None:
        return await render_entry(request, round_id, submission_id, 422, errors, raw)
    try:
        await judging.save_score(user, round_id, submission_id, form)
    except InvalidInput as exc:
        return await render_entry(request, round_id, submission_id, 422, exc.errors, raw)
    except DomainError as exc:
        if exc.status != 409:
            raise
        set_flash(request, exc.detail(), "error")
        return Redirect(entry_url(round_id, submission_id), status_code=303)
    set_flash(request, _("Your score is saved."))
    if raw.get("then") == "next":
        return Redirect(await _next_pending(request, round_id, submission_id), status_code=303)
    return Redirect(entry_url(round_id, submission_id), status_code=303)


@post("/judge/rounds/{round_id:int}/entries/{submission_id:int}/conflict", **PAGE_OPTS)
async def declare_conflict(
    request: Request, round_id: FromPath[int], submission_id: FromPath[int]
) -> Template | Redirect:
    user = current_user(request)
    await judging.judge_entry(user, round_id, submission_id)  # 404 before reading the form
    raw = await read_form(request)
    reason = str(raw.get("reason", "")).strip()
    if raw.get("confirm") != "yes":
        errors = {"confirm": _("Tick the box to confirm the conflict of interest.")}
        return await render_entry(
            request, round_id, submission_id, 422, errors, {**raw, "open_conflict": True}
        )
    if len(reason) > 2000:
        errors = {"reason": _("Use at most %(n)s characters.") % {"n": 2000}}
        return await render_entry(
            request, round_id, submission_id, 422, errors, {**raw, "open_conflict": True}
        )
    await judging.declare_conflict(user, round_id, submission_id, reason)
    set_flash(request, _("Your conflict of interest is recorded. You will not score this project."))
    return Redirect(f"/judge/rounds/{round_id}", status_code=303)


ROUTES = [judge_home, judge_round_page, judge_entry_page, save_score, declare_conflict]

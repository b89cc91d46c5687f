"""Results pages: the organiser's results of a round, and an event's public results.

The organiser's page shows the ranking, a histogram of the judges' totals, the advance form
(top N or hand-picked entries) and the publish button, both behind a confirmation. Forms post
back here and redirect (PRG) with a flash; invalid input re-renders the page (422). Everything
works without JavaScript; ``score_chart.js`` draws the histogram.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, public, requires_login
from app.errors import DomainError, InvalidInput
from app.forms import read_form
from app.i18n import N_, _, localized
from app.templating import page, set_flash
from events.access import organiser_event, public_event
from roadshows import results
from roadshows.access import organiser_round
from roadshows.ranking import RoundRanking, round_ranking
from roadshows.results_schemas import AdvanceRequest, AdvanceResult
from roadshows.tables import PitchCall

ORGANISER_PAGE: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
PUBLIC_PAGE: dict[str, Any] = {"include_in_schema": False, "guards": [public]}
KIND_LABELS = {
    "preliminary": N_("Preliminary round"),
    "semi_final": N_("Semi-final"),
    "final": N_("Final"),
}
STATUS_LABELS = {
    "draft": N_("Draft"),
    "scoring": N_("Scoring open"),
    "closed": N_("Scoring closed"),
    "published": N_("Results published"),
}


def round_title(row: Any) -> str:
    """A round's own name, or the name of its kind."""
    get_ = row.get if isinstance(row, dict) else lambda key: getattr(row, key)
    return localized(get_("name_en") or "", get_("name_zh") or "") or _(
        KIND_LABELS.get(get_("kind"), N_("Round"))
    )


def results_url(round_id: int, anchor: str = "") -> str:
    return f"/dashboard/rounds/{round_id}/results" + (f"#{anchor}" if anchor else "")


def _chart_config(ranking: RoundRanking) -> dict[str, Any]:
    """What ``score_chart.js`` needs, embedded as JSON (strings already translated)."""
    return {
        "labels": [b.label for b in ranking.distribution],
        "counts": [b.count for b in ranking.distribution],
        "strings": {"scores": _("Judges' totals"), "axis": _("Number of scores")},
    }


async def render_results(
    request: Request,
    round_id: int,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    user = current_user(request)
    round_row = await organiser_round(user, round_id)
    event = await organiser_event(user, round_row["event"])
    call = (
        await PitchCall.select(PitchCall.id, PitchCall.title_en, PitchCall.title_zh)
        .where(PitchCall.id == round_row["call"])
        .first()
    )
    ranking = await round_ranking(round_id)
    following = await results.next_round(round_row)
    return await page(
        request,
        "roadshows/results/dashboard.html",
        status,
        event=event,
        call=call,
        round=round_row,
        round_name=round_title(round_row),
        ranking=ranking,
        chart_config=_chart_config(ranking),
        next_round=following,
        next_round_name=round_title(following) if following else "",
        can_advance=round_row["status"] in results.ADVANCE_FROM
        and following is not None
        and following["status"] not in ("closed", "published"),
        status_labels=STATUS_LABELS,
        errors=errors or {},
        values=values or {},
    )


@get("/dashboard/rounds/{round_id:int}/results", **ORGANISER_PAGE)
async def results_page(request: Request, round_id: FromPath[int]) -> Template:
    return await render_results(request, round_id)


def advance_form(raw: dict[str, Any]) -> tuple[AdvanceRequest | None, dict[str, str]]:
    """The form's two modes: ``mode=top`` with ``top``, or ``mode=pick`` with ticked entries."""
    if raw.get("mode") == "pick":
        picked = raw.get("submission_ids", [])
        picked = picked if isinstance(picked, list) else [picked]
        ids = [int(v) for v in picked if str(v).isdigit()]
        if not ids:
            return None, {"submission_ids": _("Tick at least one entry.")}
        return AdvanceRequest(submission_ids=ids), {}
    top = str(raw.get("top", "")).strip()
    if not top.isdigit() or not 1 <= int(top) <= 10_000:
        return None, {"top": _("Enter a whole number of 1 or more.")}
    return AdvanceRequest(top=int(top)), {}


def advanced_message(done: AdvanceResult, next_round_name: str) -> str:
    text = _("Entries advanced to %(round)s: %(n)s.") % {"round": next_round_name, "n": len(done.advanced)}
    if done.tied_at_cutoff:
        text += " " + _("%(n)s entries shared place %(rank)s at the cut-off, so all of them advanced.") % {
            "n": len(done.tied_at_cutoff),
            "rank": done.cutoff_rank,
        }
    return text


@post("/dashboard/rounds/{round_id:int}/results/advance", **ORGANISER_PAGE)
async def advance_entries(request: Request, round_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    round_row = await organiser_round(user, round_id)  # 404 before reading the form
    raw = await read_form(request)
    data, errors = advance_form(raw)
    if data is None:
        return await render_results(request, round_id, 422, errors, raw)
    try:
        done = await results.advance(user, round_id, data)
    except InvalidInput as exc:
        return await render_results(request, round_id, 422, {k: _(v) for k, v in exc.errors.items()}, raw)
    except DomainError as exc:
        if exc.status != 409:
            raise
        set_flash(request, exc.detail(), "error")
        return Redirect(results_url(round_id, "advance"), status_code=303)
    following = await results.next_round(round_row)
    set_flash(request, advanced_message(done, round_title(following) if following else ""))
    return Redirect(results_url(round_id, "advance"), status_code=303)


@post("/dashboard/rounds/{round_id:int}/results/publish", **ORGANISER_PAGE)
async def publish_results(request: Request, round_id: FromPath[int]) -> Redirect:
    try:
        await results.publish(current_user(request), round_id)
    except DomainError as exc:
        if exc.status != 409:
            raise
        set_flash(request, exc.detail(), "error")
        return Redirect(results_url(round_id, "publish"), status_code=303)
    set_flash(request, _("The results are published; the ranking of this round is now final."))
    return Redirect(results_url(round_id), status_code=303)


@get("/events/{event_id:int}/results", **PUBLIC_PAGE)
async def public_results_page(request: Request, event_id: FromPath[int]) -> Template:
    viewer = request.scope.get("user")
    event = await public_event(event_id, viewer)
    published = await results.public_results(event_id, viewer)
    return await page(
        request,
        "roadshows/results/public.html",
        event=event,
        rounds=published.rounds,
        round_title=round_title,
    )


ROUTES = [results_page, advance_entries, publish_results, public_results_page]

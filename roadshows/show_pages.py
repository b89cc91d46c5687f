"""Stage pages: the stage manager's run of show, the public screen and the live leaderboard.

The stage manager page works without JavaScript (forms post back and redirect with a flash);
``show.js`` adds the running countdown and follows changes made elsewhere. The public screen
and the leaderboard are live pages fed by their websockets.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user, public, requires_login, requires_organiser
from app.errors import Conflict, InvalidInput
from app.forms import convert_form, read_form
from app.i18n import N_, _, localized
from app.templating import page, set_flash
from events import agenda
from events.access import organiser_event, public_event
from events.page_helpers import time_of, translated_errors
from events.tables import Event
from roadshows import leaderboard, show, slots
from roadshows.slot_schemas import SlotCreate, SlotRead, SlotUpdate

PAGE_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
STATUS_LABELS = {"upcoming": N_("Upcoming"), "now": N_("On stage"), "done": N_("Done")}
ROUND_KIND_LABELS = {
    "preliminary": N_("Preliminary round"),
    "semi_final": N_("Semi-final"),
    "final": N_("Final"),
}


def show_url(event_id: int, anchor: str = "") -> str:
    return f"/dashboard/events/{event_id}/show" + (f"#{anchor}" if anchor else "")


def back_to(event_id: int, anchor: str = "") -> Redirect:
    return Redirect(show_url(event_id, anchor), status_code=303)


def _strings() -> dict[str, str]:
    """Words the live scripts show, already translated."""
    return {
        "live": _("Live"),
        "connecting": _("Connecting…"),
        "offline": _("Reconnecting…"),
        "nothing": _("Nothing on stage right now."),
        "none_next": _("Nothing else is planned."),
        "overtime": _("Over time"),
    }


def _show_config(event: dict[str, Any], state: Any) -> dict[str, Any]:
    return {
        "socket": show.SHOW_PATH.replace("{event_id:int}", str(event["id"])),
        "timezone": event["timezone"],
        "state": msgspec.to_builtins(state),
        "strings": _strings(),
    }


def slot_values(slot: SlotRead) -> dict[str, Any]:
    return {
        "submission_id": "" if slot.submission_id is None else str(slot.submission_id),
        "title_en": slot.title_en,
        "title_zh": slot.title_zh,
        "agenda_session_id": "" if slot.agenda_session_id is None else str(slot.agenda_session_id),
        "stage": slot.stage,
        "duration_min": str(slot.duration_min),
    }


async def render_show(
    request: Request,
    event_id: int,
    status: int = 200,
    section: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    """The stage manager page; ``section`` names the form that failed, if any."""
    event = await organiser_event(current_user(request), event_id)
    run = await slots.event_slots(event)
    state = show.state_from(event_id, [slots.public_slot(s) for s in run])
    return await page(
        request,
        "roadshows/show/manage.html",
        status,
        event=event,
        slots=run,
        state=state,
        show_config=_show_config(event, state),
        submissions=await slots.pickable_submissions(event_id),
        sessions=await agenda.sessions_of(event_id),
        status_labels=STATUS_LABELS,
        slot_values=slot_values,
        time_of=time_of,
        section=section,
        errors=errors or {},
        values=values or {},
    )


@get("/dashboard/events/{event_id:int}/show", **PAGE_OPTS)
async def manage_page(request: Request, event_id: FromPath[int]) -> Template:
    return await render_show(request, event_id)


# -- slots -----------------------------------------------------------------------------------
async def _save_slot(request: Request, event_id: int, slot_id: int | None) -> Template | Redirect:
    user = current_user(request)
    await organiser_event(user, event_id)  # 404 before reading anything
    section = "add" if slot_id is None else f"slot-{slot_id}"
    raw = await read_form(request)
    form, errors = convert_form(raw, SlotCreate)
    if form is None:
        return await render_show(request, event_id, 422, section, translated_errors(errors), raw)
    try:
        if slot_id is None:
            await slots.create_slot(user, event_id, form)
        else:
            # The edit form shows every field, so it replaces them all.
            fields = msgspec.structs.asdict(form)
            fields.pop("position")
            await slots.update_slot(user, event_id, slot_id, SlotUpdate(**fields))
    except InvalidInput as exc:
        return await render_show(request, event_id, 422, section, translated_errors(exc.errors), raw)
    set_flash(request, _("The slot was added.") if slot_id is None else _("The slot was saved."))
    return back_to(event_id, "slots")


@post("/dashboard/events/{event_id:int}/show/slots", **PAGE_OPTS)
async def add_slot(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    return await _save_slot(request, event_id, None)


@post("/dashboard/events/{event_id:int}/show/slots/{slot_id:int}", **PAGE_OPTS)
async def edit_slot(request: Request, event_id: FromPath[int], slot_id: FromPath[int]) -> Template | Redirect:
    return await _save_slot(request, event_id, slot_id)


@post("/dashboard/events/{event_id:int}/show/slots/{slot_id:int}/delete", **PAGE_OPTS)
async def remove_slot(request: Request, event_id: FromPath[int], slot_id: FromPath[int]) -> Redirect:
    await slots.delete_slot(current_user(request), event_id, slot_id)
    set_flash(request, _("The slot was removed."))
    return back_to(event_id, "slots")


@post("/dashboard/events/{event_id:int}/show/slots/{slot_id:int}/move", **PAGE_OPTS)
async def move_slot(request: Request, event_id: FromPath[int], slot_id: FromPath[int]) -> Redirect:
    direction = (await read_form(request)).get("direction")
    await slots.move_slot(current_user(request), event_id, slot_id, -1 if direction == "up" else 1)
    return back_to(event_id, f"row-{slot_id}")


# -- stage manager actions -------------------------------------------------------------------
def _form_id(raw: dict[str, Any], name: str) -> int | None:
    value = raw.get(name)
    return int(value) if isinstance(value, str) and value.isdigit() else None


async def _act(request: Request, event_id: int, action: str) -> Redirect:
    """Run a stage action; a refusal (409: the stage moved on, nothing on stage) is a flash."""
    user = current_user(request)
    await organiser_event(user, event_id)
    raw = await read_form(request)
    try:
        if action == "start":
            slot_id = _form_id(raw, "slot_id")
            if slot_id is None:
                raise InvalidInput({"slot_id": N_("Choose a slot.")})
            await show.start_slot(user, event_id, slot_id)
        elif action == "next":
            await show.next_slot(user, event_id, _form_id(raw, "current_slot_id"))
        elif action == "end":
            await show.end_slot(user, event_id)
        else:
            await show.reset(user, event_id, _form_id(raw, "slot_id"))
    except (Conflict, InvalidInput) as exc:
        set_flash(request, exc.detail(), "error")
    return back_to(event_id, "stage")


@post("/dashboard/events/{event_id:int}/show/start", **PAGE_OPTS)
async def start_slot(request: Request, event_id: FromPath[int]) -> Redirect:
    return await _act(request, event_id, "start")


@post("/dashboard/events/{event_id:int}/show/next", **PAGE_OPTS)
async def next_slot(request: Request, event_id: FromPath[int]) -> Redirect:
    return await _act(request, event_id, "next")


@post("/dashboard/events/{event_id:int}/show/end", **PAGE_OPTS)
async def end_slot(request: Request, event_id: FromPath[int]) -> Redirect:
    return await _act(request, event_id, "end")


@post("/dashboard/events/{event_id:int}/show/reset", **PAGE_OPTS)
async def reset_show(request: Request, event_id: FromPath[int]) -> Redirect:
    return await _act(request, event_id, "reset")


# -- the public screen -----------------------------------------------------------------------
@get("/events/{event_id:int}/show", include_in_schema=False, guards=[public])
async def screen_page(request: Request, event_id: FromPath[int]) -> Template:
    event = await public_event(event_id, request.scope.get("user"))
    state = await show.state_of(event)
    return await page(
        request,
        "roadshows/show/screen.html",
        event=event,
        state=state,
        show_config=_show_config(event, state),
        time_of=time_of,
    )


# -- the live leaderboard --------------------------------------------------------------------
@get("/dashboard/rounds/{round_id:int}/leaderboard", include_in_schema=False, guards=[requires_login])
async def leaderboard_page(request: Request, round_id: FromPath[int]) -> Template:
    """For the event's organisers and the round's judges (others: 404)."""
    row = await leaderboard.watchable_round(current_user(request), round_id)
    event = (
        await Event.select(Event.id, Event.title_en, Event.title_zh).where(Event.id == row["event"]).first()
    )
    view = await leaderboard.board(round_id)
    round_name = localized(view.name_en, view.name_zh) or _(ROUND_KIND_LABELS.get(view.kind, view.kind))
    config = {
        "socket": leaderboard.LEADERBOARD_PATH.replace("{round_id:int}", str(round_id)),
        "leaderboard": msgspec.to_builtins(view),
        "strings": {
            **_strings(),
            "empty": _("No entries in this round yet."),
        },
    }
    return await page(
        request,
        "roadshows/show/leaderboard.html",
        event=event,
        board=view,
        round_name=round_name,
        config=config,
    )


ROUTES = [
    manage_page,
    add_slot,
    edit_slot,
    remove_slot,
    move_slot,
    start_slot,
    next_slot,
    end_slot,
    reset_show,
    screen_page,
    leaderboard_page,
]

"""Scanner devices on the organiser's check-in page: add a phone, show its pairing QR, pair it
again, revoke it.

The pairing code exists in clear only in the answer to "add" or "new pairing code" (the table
keeps a hash), so those answers render the pairing page directly instead of redirecting, and
are marked ``no-store`` so no cache keeps the code.
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.auth import current_user
from app.errors import InvalidInput
from app.forms import convert_form, read_form
from app.i18n import _
from app.settings import get_settings
from app.templating import page, set_flash
from checkin import devices, qr
from checkin.dashboard_pages import PAGE_OPTS, back_to, checkin_url, render_checkin
from checkin.schemas import DeviceCreate, DevicePairing
from events.access import organiser_event


def pairing_url(pairing: DevicePairing) -> str:
    """Absolute, so a phone's camera app opens it: ``<base>/scanner/pair#<code>``."""
    return get_settings().public_base_url + pairing.pairing_url_path


def _inline_svg(data: bytes) -> str:
    """qrcode's SVG document without its XML declaration, to sit inside the page."""
    text = data.decode()
    return text[text.index("<svg") :]


async def _pairing_page(request: Request, event: dict[str, Any], pairing: DevicePairing) -> Template:
    url = pairing_url(pairing)
    svg = _inline_svg(await asyncio.to_thread(qr.render_svg, url))  # ~10 ms: off the event loop
    response = await page(
        request,
        "checkin/dashboard_pairing.html",
        event=event,
        pairing=pairing,
        pairing_url=url,
        pairing_qr=svg,
        back=checkin_url(event["id"], "devices"),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@post("/dashboard/events/{event_id:int}/checkin/devices", **PAGE_OPTS)
async def add_device(request: Request, event_id: FromPath[int]) -> Template:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    raw = await read_form(request)
    form, errors = convert_form(raw, DeviceCreate)
    if form is None:
        return await render_checkin(request, event_id, 422, "devices", errors, raw)
    try:
        pairing = await devices.create_device(user, event_id, form)
    except InvalidInput as exc:
        errors = {k: _(v) for k, v in exc.errors.items()}
        return await render_checkin(request, event_id, 422, "devices", errors, raw)
    return await _pairing_page(request, event, pairing)


@post("/dashboard/events/{event_id:int}/checkin/devices/{device_id:int}/pairing", **PAGE_OPTS)
async def renew_device_pairing(
    request: Request, event_id: FromPath[int], device_id: FromPath[int]
) -> Template:
    user = current_user(request)
    event = await organiser_event(user, event_id)
    pairing = await devices.renew_pairing(user, event_id, device_id)
    return await _pairing_page(request, event, pairing)


@post("/dashboard/events/{event_id:int}/checkin/devices/{device_id:int}/revoke", **PAGE_OPTS)
async def revoke_device(request: Request, event_id: FromPath[int], device_id: FromPath[int]) -> Redirect:
    device = await devices.revoke_device(current_user(request), event_id, device_id)
    set_flash(request, _("“%(name)s” can no longer scan.") % {"name": device.name})
    return back_to(event_id, "devices")


ROUTES = [add_device, renew_device_pairing, revoke_device]

"""Invitation pages: the organiser's list (invite, import a CSV, resend, revoke) and the guest's
personal link (accept or decline).

Organiser forms post back and redirect with a flash (PRG); invalid input re-renders with the
errors (422). The personal link needs no sign-in to be read; accepting follows the rules of
``events.retreats.invitations`` and signs a newly made account in.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.accounts.controllers import start_session
from app.auth import current_user, public, requires_organiser
from app.errors import DomainError
from app.forms import convert_form, read_form
from app.i18n import N_, _
from app.templating import format_datetime, page, set_flash
from events.page_helpers import translated_errors
from events.retreats import invitation_import, invitations
from events.retreats.invitation_schemas import INVITATION_STATUSES, ImportReport, InvitationCreate

ORGANISER_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_organiser]}
GUEST_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [public]}
MAX_UPLOAD = 2_000_000
STATUS_LABELS = {
    "sent": N_("Awaiting answer"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "revoked": N_("Revoked"),
}


def invitations_url(event_id: int) -> str:
    return f"/dashboard/events/{event_id}/retreat/invitations"


async def _list_page(
    request: Request,
    event_id: int,
    status_code: int = 200,
    *,
    status: str | None = None,
    q: str | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    report: ImportReport | None = None,
) -> Template:
    user = current_user(request)
    event = await invitations.retreat_event(user, event_id)
    listing = await invitations.list_invitations(
        user, event_id, status if status in INVITATION_STATUSES else None, q
    )
    return await page(
        request,
        "retreats/invitations/list.html",
        status_code,
        event=event,
        listing=listing,
        status=status or "",
        q=q or "",
        statuses=INVITATION_STATUSES,
        status_labels={k: _(v) for k, v in STATUS_LABELS.items()},
        values=values or {"companions_allowed": "2"},
        errors=errors or {},
        report=report,
        when=format_datetime(event["starts_at"], event["timezone"]),
    )


@get("/dashboard/events/{event_id:int}/retreat/invitations", **ORGANISER_OPTS)
async def invitations_page(
    request: Request,
    event_id: FromPath[int],
    status: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
) -> Template:
    return await _list_page(request, event_id, status=status, q=q)


@post("/dashboard/events/{event_id:int}/retreat/invitations", **ORGANISER_OPTS)
async def invite_submit(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    data = await read_form(request)
    form, errors = convert_form(data, InvitationCreate)
    if form is None:
        return await _list_page(request, event_id, 422, values=data, errors=translated_errors(errors))
    try:
        created = await invitations.create_invitation(current_user(request), event_id, form)
    except invitations.AlreadyInvited as exc:
        return await _list_page(request, event_id, 409, values=data, errors={"email": exc.detail()})
    set_flash(request, _("Invitation mailed to %(email)s.") % {"email": created.invitation.email})
    return Redirect(invitations_url(event_id), status_code=303)


@post("/dashboard/events/{event_id:int}/retreat/invitations/import", **ORGANISER_OPTS)
async def import_submit(request: Request, event_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    await invitations.retreat_event(user, event_id)  # 404 before reading anyone's upload
    form = await request.form()
    upload = form.get("file")
    duplicates = "refuse" if form.get("duplicates") == "refuse" else "skip"
    if not isinstance(upload, UploadFile):
        return await _list_page(request, event_id, 422, errors={"file": _("Choose a CSV file.")})
    content = await upload.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return await _list_page(
            request, event_id, 422, errors={"file": _("The file is too large (2 MB at most).")}
        )
    report = await invitation_import.import_for_organiser(user, event_id, content, duplicates)
    if report.errors:
        return await _list_page(request, event_id, 422, report=report)
    message = _("%(created)d guests invited.") % {"created": report.created}
    if report.skipped:
        message += " " + _("Already invited, skipped: %(emails)s.") % {"emails": ", ".join(report.skipped)}
    set_flash(request, message)
    return Redirect(invitations_url(event_id), status_code=303)


@post("/dashboard/events/{event_id:int}/retreat/invitations/{invitation_id:int}/resend", **ORGANISER_OPTS)
async def resend_submit(request: Request, event_id: FromPath[int], invitation_id: FromPath[int]) -> Redirect:
    created = await invitations.resend(current_user(request), event_id, invitation_id)
    set_flash(
        request,
        _("A new link was mailed to %(email)s; the old one no longer works.")
        % {"email": created.invitation.email},
    )
    return Redirect(invitations_url(event_id), status_code=303)


@post("/dashboard/events/{event_id:int}/retreat/invitations/{invitation_id:int}/revoke", **ORGANISER_OPTS)
async def revoke_submit(request: Request, event_id: FromPath[int], invitation_id: FromPath[int]) -> Redirect:
    try:
        row = await invitations.revoke(current_user(request), event_id, invitation_id)
    except invitations.NotRevocable as exc:
        set_flash(request, exc.detail(), "error")
    else:
        set_flash(
            request,
            _("The invitation of %(name)s is revoked; the link no longer works.") % {"name": row.name},
        )
    return Redirect(invitations_url(event_id), status_code=303)


# -- the personal link ----------------------------------------------------------------------------


async def _invitation_page(
    request: Request, inv: dict[str, Any], status_code: int = 200, error: str = ""
) -> Template:
    return await page(
        request,
        "retreats/invitations/personal.html",
        status_code,
        inv=inv,
        error=error,
        when=format_datetime(inv["starts_at"], inv["timezone"]),
        viewer=request.scope.get("user"),
    )


@get("/retreat-invitations/{secret:str}", **GUEST_OPTS)
async def personal_page(request: Request, secret: FromPath[str]) -> Template:
    return await _invitation_page(request, await invitations.by_secret(secret))


@post("/retreat-invitations/{secret:str}/accept", **GUEST_OPTS)
async def accept_submit(request: Request, secret: FromPath[str]) -> Template | Redirect:
    viewer = request.scope.get("user")
    try:
        accepted = await invitations.accept(secret, viewer)
    except invitations.SignInRequired:
        set_flash(request, _("An account exists for this email address: sign in to accept."), "info")
        return Redirect(f"/login?next=/retreat-invitations/{secret}", status_code=303)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _invitation_page(request, await invitations.by_secret(secret), exc.status, exc.detail())
    if accepted.user_row is not None:
        start_session(request, accepted.user_row)
    set_flash(request, _("Welcome! Your place is confirmed. Add the people travelling with you below."))
    return Redirect(f"/me/retreats/{accepted.event_id}", status_code=303)


@post("/retreat-invitations/{secret:str}/decline", **GUEST_OPTS)
async def decline_submit(request: Request, secret: FromPath[str]) -> Template:
    try:
        inv = await invitations.decline(secret)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return await _invitation_page(request, await invitations.by_secret(secret), exc.status, exc.detail())
    return await _invitation_page(request, inv)

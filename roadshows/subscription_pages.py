"""Pages of investor subscriptions: the institution's page for its members (``/me/institution``)
and the platform admins' page for complimentary access (``/dashboard/institutions``).

Forms post back and redirect (PRG) with a flash message. Subscribing and the billing portal
redirect to Stripe's hosted pages; the return from Checkout reads the session back from Stripe
so the page shows the new subscription even before the webhooks arrive.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.auth import current_user, requires_admin, requires_login
from app.errors import DomainError, InvalidInput
from app.forms import convert_form, read_form
from app.i18n import _, current_locale
from app.templating import page, set_flash
from roadshows import seats, subscriptions, webhooks
from roadshows.subscription_controllers import app_settings, gateway
from roadshows.subscription_schemas import CheckoutCreate, ComplimentaryCreate

LOGIN_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_login]}
ADMIN_OPTS: dict[str, Any] = {"include_in_schema": False, "guards": [requires_admin]}
HELPERS: dict[str, Any] = {"plan_names": subscriptions.PLAN_NAMES, "status_names": subscriptions.STATUS_NAMES}


def back_to(institution_id: int) -> Redirect:
    return Redirect(f"/me/institution?institution={institution_id}", status_code=303)


def _flash_error(request: Request, exc: DomainError) -> None:
    set_flash(request, exc.detail(), "error")


# -- the institution's page -------------------------------------------------------------------
@get("/me/institution", **LOGIN_OPTS)
async def institution_page(
    request: Request,
    institution: FromQuery[int | None] = None,
    checkout: FromQuery[str | None] = None,
    session_id: FromQuery[str | None] = None,
) -> Template | Redirect:
    user = current_user(request)
    mine = await subscriptions.my_institutions(user)
    if institution is None and mine:
        institution = mine[0]["id"]
    if institution is None:
        return await page(request, "roadshows/subscriptions/institution.html", institutions=[], access=None)
    if checkout is not None:
        return await _returned_from_checkout(request, institution, checkout, session_id)
    access = await subscriptions.overview(user, institution)
    return await page(
        request,
        "roadshows/subscriptions/institution.html",
        institutions=mine,
        access=access,
        plans=subscriptions.plans(app_settings(request).stripe),
        free_members=[m for m in access.members if not m.seated],
        has_stripe=any(s.source == "stripe" and s.status != "incomplete" for s in access.subscriptions),
        ongoing_stripe=any(
            s.source == "stripe" and s.status in subscriptions.ONGOING_STATUSES for s in access.subscriptions
        ),
        **HELPERS,
    )


async def _returned_from_checkout(
    request: Request, institution_id: int, outcome: str, session_id: str | None
) -> Redirect:
    user = current_user(request)
    await subscriptions.member_role(user, institution_id)
    if outcome != "success" or not session_id:
        set_flash(request, _("Checkout was cancelled: nothing was charged."), "info")
        return back_to(institution_id)
    try:
        applied = await webhooks.sync_checkout(user, institution_id, session_id, gateway(request))
    except DomainError as exc:
        _flash_error(request, exc)
        return back_to(institution_id)
    if applied is None:
        set_flash(
            request, _("Thank you! Your payment is being confirmed; this page updates in a moment."), "info"
        )
    else:
        set_flash(request, _("Thank you! Your subscription is active."))
    return back_to(institution_id)


@post("/me/institution/{institution_id:int}/subscribe", **LOGIN_OPTS)
async def subscribe(request: Request, institution_id: FromPath[int]) -> Redirect:
    user = current_user(request)
    await subscriptions.member_role(user, institution_id)  # 404 before anything else
    form, errors = convert_form(await read_form(request), CheckoutCreate)
    if form is None:
        set_flash(request, next(iter(errors.values())), "error")
        return back_to(institution_id)
    try:
        started = await subscriptions.start_checkout(
            user,
            institution_id,
            form.plan,
            form.seats,
            gateway=gateway(request),
            base_url=app_settings(request).public_base_url,
            locale=current_locale.get(),
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        _flash_error(request, exc)  # not configured, not an admin, already subscribed, Stripe down
        return back_to(institution_id)
    return Redirect(started.url, status_code=303)


@post("/me/institution/{institution_id:int}/billing", **LOGIN_OPTS)
async def billing_portal(request: Request, institution_id: FromPath[int]) -> Redirect:
    user = current_user(request)
    await subscriptions.member_role(user, institution_id)
    try:
        portal = await subscriptions.open_portal(
            user, institution_id, gateway=gateway(request), base_url=app_settings(request).public_base_url
        )
    except DomainError as exc:
        if exc.status == 404:
            raise
        _flash_error(request, exc)
        return back_to(institution_id)
    return Redirect(portal.url, status_code=303)


@post("/me/institution/{institution_id:int}/seats", **LOGIN_OPTS)
async def assign_seat(request: Request, institution_id: FromPath[int]) -> Redirect:
    user = current_user(request)
    await subscriptions.member_role(user, institution_id)
    raw = await read_form(request)
    member = str(raw.get("user_id", ""))
    if not member.isdigit():
        set_flash(request, _("Choose a member first."), "error")
        return back_to(institution_id)
    try:
        seat = await seats.assign_seat(user, institution_id, int(member))
    except DomainError as exc:
        if exc.status == 404 and exc.code == "not_found":
            raise
        _flash_error(request, exc)
        return back_to(institution_id)
    set_flash(request, _("%(name)s now holds a seat.") % {"name": seat.display_name})
    return back_to(institution_id)


@post("/me/institution/{institution_id:int}/seats/{user_id:int}/delete", **LOGIN_OPTS)
async def remove_seat(request: Request, institution_id: FromPath[int], user_id: FromPath[int]) -> Redirect:
    user = current_user(request)
    try:
        await seats.remove_seat(user, institution_id, user_id)
    except DomainError as exc:
        if exc.status == 404:
            raise
        _flash_error(request, exc)
        return back_to(institution_id)
    set_flash(request, _("The seat is free again."))
    return back_to(institution_id)


# -- complimentary access (platform admins) ---------------------------------------------------------
async def _admin_page(
    request: Request,
    status: int = 200,
    form_for: int | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    return await page(
        request,
        "roadshows/subscriptions/admin.html",
        status,
        institutions=await subscriptions.all_institutions(current_user(request)),
        form_for=form_for,
        errors=errors or {},
        values=values or {},
        **HELPERS,
    )


@get("/dashboard/institutions", **ADMIN_OPTS)
async def institutions_page(request: Request) -> Template:
    return await _admin_page(request)


@post("/dashboard/institutions/{institution_id:int}/complimentary", **ADMIN_OPTS)
async def grant_page(request: Request, institution_id: FromPath[int]) -> Template | Redirect:
    user = current_user(request)
    await subscriptions.institution_row(institution_id)
    raw = await read_form(request)
    form, errors = convert_form(raw, ComplimentaryCreate)
    if form is not None:
        try:
            await subscriptions.grant_complimentary(user, institution_id, form.seats, form.until, form.note)
        except InvalidInput as exc:
            errors = {field: _(message) for field, message in exc.errors.items()}
    if errors:
        return await _admin_page(request, 422, institution_id, errors, raw)
    set_flash(request, _("Complimentary access granted."))
    return Redirect("/dashboard/institutions", status_code=303)


@post("/dashboard/subscriptions/{subscription_id:int}/revoke", **ADMIN_OPTS)
async def revoke_page(request: Request, subscription_id: FromPath[int]) -> Redirect:
    await subscriptions.revoke_complimentary(current_user(request), subscription_id)
    set_flash(request, _("Complimentary access revoked: it ends now."))
    return Redirect("/dashboard/institutions", status_code=303)


ROUTES = [
    institution_page,
    subscribe,
    billing_portal,
    assign_seat,
    remove_seat,
    institutions_page,
    grant_page,
    revoke_page,
]

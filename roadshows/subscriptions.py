"""Investor subscriptions to the project databank: plans, Stripe Checkout and the customer
portal, complimentary access, and what an institution's members see of it.

Who may do what:

* any member of an institution sees its plan, status, period end and who holds its seats;
* its admins (``InstitutionMember.role == "admin"``) subscribe, open the billing portal and
  assign seats; a platform admin may do the same for support;
* platform admins grant and revoke complimentary access (free access is a platform-wide
  decision: it opens the whole databank, across every organisation's events).

Anyone else gets 404 for an institution, exactly as for one that does not exist. Stripe rows
change only through ``roadshows.webhooks`` (from objects re-read from Stripe); access itself is
decided by ``roadshows.entitlements`` from the rows on every request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.accounts.tables import Institution, InstitutionMember
from app.auth import CurrentUser
from app.errors import InvalidInput, NotFound
from app.i18n import N_, _
from app.payments.errors import PaymentsNotConfigured, PlanNotAvailable
from app.payments.gateway import StripeGateway
from app.settings import StripeSettings
from roadshows.entitlements import LIVE_STATUSES, institutions_with_access
from roadshows.subscription_schemas import (
    AlreadySubscribed,
    CheckoutStarted,
    InstitutionAccessRead,
    MemberRead,
    NoBillingAccount,
    NotInstitutionAdmin,
    PlanRead,
    PlansRead,
    PortalStarted,
    SeatRead,
    SubscriptionRead,
)
from roadshows.tables import InstitutionSeat, InstitutionSubscription

PLAN_NAMES = {"monthly": N_("Monthly"), "annual": N_("Annual"), "complimentary": N_("Complimentary")}
STATUS_NAMES = {
    "incomplete": N_("Awaiting payment"),
    "incomplete_expired": N_("Checkout not completed"),
    "trialing": N_("Trial"),
    "active": N_("Active"),
    "past_due": N_("Payment overdue"),
    "unpaid": N_("Unpaid"),
    "canceled": N_("Cancelled"),
}
TERMINAL_STATUSES = ("canceled", "incomplete_expired")  # a Stripe subscription never leaves these
# A Stripe subscription in these states is managed in the portal, not replaced by a new Checkout.
ONGOING_STATUSES = ("active", "trialing", "past_due", "unpaid")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def price_ids(settings: StripeSettings) -> dict[str, str]:
    """Plan key -> Stripe Price id, for the plans that have one configured."""
    pairs = {"monthly": settings.price_monthly, "annual": settings.price_annual}
    return {plan: price for plan, price in pairs.items() if price}


def plan_for_price(settings: StripeSettings, price_id: str | None) -> str | None:
    return next((plan for plan, price in price_ids(settings).items() if price == price_id), None)


def plans(settings: StripeSettings) -> PlansRead:
    prices = price_ids(settings)
    return PlansRead(
        configured=settings.configured and bool(prices),
        publishable_key=settings.publishable_key if settings.configured else None,
        plans=[
            PlanRead(key=key, name=_(PLAN_NAMES[key]), available=settings.configured and key in prices)
            for key in ("monthly", "annual")
        ],
    )


def is_live(row: dict[str, Any], at: dt.datetime | None = None) -> bool:
    """The same rule as ``roadshows.entitlements``, for one row already read."""
    end = row["current_period_end"]
    return row["status"] in LIVE_STATUSES and (end is None or end > (at or now()))


def subscription_read(row: dict[str, Any]) -> SubscriptionRead:
    return SubscriptionRead(
        id=row["id"],
        institution_id=row["institution"],
        source=row["source"],
        plan=row["plan"],
        status=row["status"],
        live=is_live(row),
        seats=row["seats"],
        current_period_end=row["current_period_end"],
        cancel_at_period_end=row["cancel_at_period_end"],
        note=row["note"],
        created_at=row["created_at"],
    )


# -- who may see and manage an institution -------------------------------------------------------
async def institution_row(institution_id: int) -> dict[str, Any]:
    row = await Institution.select().where(Institution.id == institution_id).first()
    if row is None:
        raise NotFound()
    return row


async def member_role(user: CurrentUser, institution_id: int) -> str:
    """``admin`` or ``member`` for the institution's members (platform admins: ``admin``); else 404."""
    role = (await user.memberships()).institutions.get(institution_id)
    await institution_row(institution_id)
    if role is not None:
        return "admin" if role == "admin" else "member"
    if user.is_admin:
        return "admin"
    raise NotFound()


async def require_admin(user: CurrentUser, institution_id: int) -> None:
    if await member_role(user, institution_id) != "admin":
        raise NotInstitutionAdmin()


async def my_institutions(user: CurrentUser) -> list[dict[str, Any]]:
    """The institutions ``user`` belongs to (id, names, role), by name."""
    roles = (await user.memberships()).institutions
    if not roles:
        return []
    rows = await Institution.select(Institution.id, Institution.name_en, Institution.name_zh).where(
        Institution.id.is_in(list(roles))
    )
    return sorted(
        ({**r, "role": roles[r["id"]]} for r in rows), key=lambda r: (r["name_en"].lower(), r["id"])
    )


# -- reading ---------------------------------------------------------------------------------------
async def subscription_rows(institution_id: int) -> list[dict[str, Any]]:
    """Newest first, without expired checkouts, and without unpaid ones but the newest."""
    rows = (
        await InstitutionSubscription.select()
        .where(
            (InstitutionSubscription.institution == institution_id)
            & (InstitutionSubscription.status != "incomplete_expired")
        )
        .order_by(InstitutionSubscription.id, ascending=False)
    )
    return [r for i, r in enumerate(rows) if r["status"] != "incomplete" or i == 0]


def seats_of(rows: list[dict[str, Any]]) -> int:
    return sum(r["seats"] for r in rows if is_live(r))


async def members_of(institution_id: int) -> list[dict[str, Any]]:
    return (
        await InstitutionMember.select(
            InstitutionMember.user.as_alias("user_id"),
            InstitutionMember.role,
            InstitutionMember.user.display_name.as_alias("display_name"),
            InstitutionMember.user.email.as_alias("email"),
        )
        .where(InstitutionMember.institution == institution_id)
        .order_by(InstitutionMember.id)
    )


async def seat_rows(institution_id: int) -> list[dict[str, Any]]:
    return (
        await InstitutionSeat.select(
            InstitutionSeat.user.as_alias("user_id"),
            InstitutionSeat.created_at,
            InstitutionSeat.user.display_name.as_alias("display_name"),
            InstitutionSeat.user.email.as_alias("email"),
        )
        .where(InstitutionSeat.institution == institution_id)
        .order_by(InstitutionSeat.id)
    )


async def overview(user: CurrentUser, institution_id: int) -> InstitutionAccessRead:
    role = await member_role(user, institution_id)
    institution = await institution_row(institution_id)
    rows = await subscription_rows(institution_id)
    seats = await seat_rows(institution_id)
    seated = {s["user_id"] for s in seats}
    members = await members_of(institution_id) if role == "admin" else []
    return InstitutionAccessRead(
        institution_id=institution_id,
        name_en=institution["name_en"],
        name_zh=institution["name_zh"],
        role=role,
        has_access=bool(await institutions_with_access([institution_id])),
        seats_total=seats_of(rows),
        seats_used=len(seats),
        subscriptions=[subscription_read(r) for r in rows],
        seats=[
            SeatRead(
                user_id=s["user_id"],
                display_name=s["display_name"],
                email=s["email"],
                assigned_at=s["created_at"],
            )
            for s in seats
        ],
        members=[
            MemberRead(
                user_id=m["user_id"],
                display_name=m["display_name"],
                email=m["email"],
                role=m["role"],
                seated=m["user_id"] in seated,
            )
            for m in members
        ],
    )


# -- Stripe Checkout and the customer portal -----------------------------------------------------
async def _customer_id(institution_id: int) -> str | None:
    row = (
        await InstitutionSubscription.select(InstitutionSubscription.stripe_customer_id)
        .where(
            (InstitutionSubscription.institution == institution_id)
            & InstitutionSubscription.stripe_customer_id.is_not_null()
        )
        .order_by(InstitutionSubscription.id, ascending=False)
        .first()
    )
    return row["stripe_customer_id"] if row else None


async def start_checkout(
    user: CurrentUser,
    institution_id: int,
    plan: str,
    seats: int,
    *,
    gateway: StripeGateway,
    base_url: str,
    locale: str | None = None,
) -> CheckoutStarted:
    """A Stripe Checkout Session (subscription mode) for the institution, recorded on a new
    ``incomplete`` row; the webhooks (or the return to ``success_url``) make it live."""
    await require_admin(user, institution_id)
    if not gateway.configured:
        raise PaymentsNotConfigured()
    price = price_ids(gateway.settings).get(plan)
    if price is None:
        raise PlanNotAvailable()
    rows = await subscription_rows(institution_id)
    if any(r["source"] == "stripe" and r["status"] in ONGOING_STATUSES for r in rows):
        raise AlreadySubscribed()
    institution = await institution_row(institution_id)
    customer = await _customer_id(institution_id)
    if customer is None:
        customer = await gateway.create_customer(
            name=institution["name_en"] or institution["name_zh"],
            email=user.email,
            metadata={"institution_id": str(institution_id), "institution_slug": institution["slug"]},
        )
    row = InstitutionSubscription(
        institution=institution_id,
        source="stripe",
        plan=plan,
        status="incomplete",
        seats=seats,
        stripe_customer_id=customer,
    )
    await row.save()
    page = f"{base_url}/me/institution?institution={institution_id}"
    try:
        session = await gateway.create_checkout_session(
            customer=customer,
            price_id=price,
            quantity=seats,
            client_reference_id=f"institution-{institution_id}",
            metadata={"institution_id": str(institution_id), "subscription_row": str(row.id)},
            success_url=page + "&checkout=success&session_id={CHECKOUT_SESSION_ID}",
            cancel_url=page + "&checkout=cancelled",
            locale=locale if locale in ("en", "zh") else None,  # Checkout's own language codes
        )
    except Exception:
        await InstitutionSubscription.delete().where(InstitutionSubscription.id == row.id)
        raise
    await InstitutionSubscription.update(
        {
            InstitutionSubscription.stripe_checkout_session_id: session.id,
            InstitutionSubscription.updated_at: now(),
        }
    ).where(InstitutionSubscription.id == row.id)
    return CheckoutStarted(session_id=session.id, url=session.url or "", subscription_id=row.id)


async def open_portal(
    user: CurrentUser, institution_id: int, *, gateway: StripeGateway, base_url: str
) -> PortalStarted:
    """A Stripe customer portal session: invoices, payment method, plan changes, cancelling."""
    await require_admin(user, institution_id)
    if not gateway.configured:
        raise PaymentsNotConfigured()
    customer = await _customer_id(institution_id)
    if customer is None:
        raise NoBillingAccount()
    url = await gateway.create_portal_session(
        customer=customer, return_url=f"{base_url}/me/institution?institution={institution_id}"
    )
    return PortalStarted(url=url)


# -- complimentary access (platform admins) -------------------------------------------------------
def _require_platform_admin(user: CurrentUser) -> None:
    if not user.is_admin:
        raise NotFound()


async def grant_complimentary(
    user: CurrentUser, institution_id: int, seats: int, until: dt.date, note: str = ""
) -> SubscriptionRead:
    _require_platform_admin(user)
    await institution_row(institution_id)
    end = dt.datetime.combine(until, dt.time.max, tzinfo=dt.UTC).replace(microsecond=0)
    if end <= now():
        raise InvalidInput({"until": N_("Choose a date in the future.")})
    row = InstitutionSubscription(
        institution=institution_id,
        source="complimentary",
        plan="complimentary",
        status="active",
        seats=seats,
        current_period_end=end,
        granted_by=user.id,
        note=note.strip(),
    )
    await row.save()
    saved = await InstitutionSubscription.select().where(InstitutionSubscription.id == row.id).first()
    assert saved is not None
    return subscription_read(saved)


async def revoke_complimentary(user: CurrentUser, subscription_id: int) -> SubscriptionRead:
    _require_platform_admin(user)
    row = await InstitutionSubscription.select().where(InstitutionSubscription.id == subscription_id).first()
    if row is None or row["source"] != "complimentary":
        raise NotFound()
    if row["status"] != "canceled":
        await InstitutionSubscription.update(
            {InstitutionSubscription.status: "canceled", InstitutionSubscription.updated_at: now()}
        ).where(InstitutionSubscription.id == subscription_id)
        row["status"] = "canceled"
    return subscription_read(row)


async def all_institutions(user: CurrentUser) -> list[dict[str, Any]]:
    """Every institution with its member count and subscriptions (platform admins)."""
    _require_platform_admin(user)
    institutions = await Institution.select(
        Institution.id, Institution.name_en, Institution.name_zh
    ).order_by(Institution.name_en)
    ids = [i["id"] for i in institutions]
    members = await InstitutionMember.select(InstitutionMember.institution).where(
        InstitutionMember.institution.is_in(ids or [0])
    )
    subs = (
        await InstitutionSubscription.select()
        .where(InstitutionSubscription.institution.is_in(ids or [0]))
        .order_by(InstitutionSubscription.id, ascending=False)
    )
    live = await institutions_with_access(ids)
    result = []
    for inst in institutions:
        own = [
            s
            for s in subs
            if s["institution"] == inst["id"] and s["status"] not in ("incomplete", "incomplete_expired")
        ]
        result.append(
            {
                **inst,
                "members": sum(1 for m in members if m["institution"] == inst["id"]),
                "has_access": inst["id"] in live,
                "subscriptions": [subscription_read(s) for s in own],
            }
        )
    return result

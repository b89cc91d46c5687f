"""Request and response schemas of investor subscriptions, complimentary access and seats."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from app.errors import Conflict, Forbidden
from app.i18n import N_

Plan = Literal["monthly", "annual"]
MAX_SEATS = 500


class PlanRead(msgspec.Struct, kw_only=True):
    key: str
    name: str
    available: bool  # a Stripe price is configured for it


class PlansRead(msgspec.Struct, kw_only=True):
    configured: bool  # online payments (Stripe) are set up on this platform
    publishable_key: str | None
    plans: list[PlanRead]


class CheckoutCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    plan: Plan
    seats: Annotated[int, msgspec.Meta(ge=1, le=MAX_SEATS)] = 1


class CheckoutStarted(msgspec.Struct, kw_only=True):
    session_id: str
    url: str  # send the person there: Stripe's hosted Checkout page
    subscription_id: int


class PortalStarted(msgspec.Struct, kw_only=True):
    url: str


class SubscriptionRead(msgspec.Struct, kw_only=True):
    id: int
    institution_id: int
    source: str  # stripe | complimentary
    plan: str
    status: str
    live: bool  # gives access now (status and period end)
    seats: int
    current_period_end: dt.datetime | None
    cancel_at_period_end: bool
    note: str
    created_at: dt.datetime


class SeatRead(msgspec.Struct, kw_only=True):
    user_id: int
    display_name: str
    email: str
    assigned_at: dt.datetime


class MemberRead(msgspec.Struct, kw_only=True):
    user_id: int
    display_name: str
    email: str
    role: str  # admin | member
    seated: bool


class InstitutionAccessRead(msgspec.Struct, kw_only=True):
    institution_id: int
    name_en: str
    name_zh: str
    role: str  # the caller's role: admin | member (platform admins see "admin")
    has_access: bool
    seats_total: int  # seats of the live subscriptions
    seats_used: int
    subscriptions: list[SubscriptionRead]
    seats: list[SeatRead]
    members: list[MemberRead]


class SeatAssign(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    user_id: int


class ComplimentaryCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    seats: Annotated[int, msgspec.Meta(ge=1, le=MAX_SEATS)]
    until: dt.date  # access ends at the end of this day (UTC)
    note: Annotated[str, msgspec.Meta(max_length=200)] = ""


class InstitutionSummary(msgspec.Struct, kw_only=True):
    """One line of the platform's list of institutions (complimentary access page)."""

    institution_id: int
    name_en: str
    name_zh: str
    members: int
    has_access: bool
    subscriptions: list[SubscriptionRead]


class WebhookReceived(msgspec.Struct, kw_only=True):
    received: bool
    duplicate: bool
    outcome: str


# -- errors ------------------------------------------------------------------------------------
class NotInstitutionAdmin(Forbidden):
    code = "not_institution_admin"
    message = N_("Only the institution's admins can manage its subscription and seats.")


class AlreadySubscribed(Conflict):
    code = "already_subscribed"
    message = N_("This institution already has a subscription. Manage it in the billing portal.")


class NoBillingAccount(Conflict):
    code = "no_billing_account"
    message = N_("This institution has no billing account yet: subscribe first.")

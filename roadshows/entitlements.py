"""Who may see the databank's full details: institutions with live access, and the members
holding one of their seats.

An institution has access while one of its subscriptions (Stripe or complimentary) is
``active`` or ``trialing`` and its period has not ended. Anything else (``past_due``,
``unpaid``, ``canceled``, an ended period) gives no access, at once: access is decided on every
read from the subscription rows, never cached beyond the request.
"""

from __future__ import annotations

import datetime as dt

from app.auth import CurrentUser
from roadshows.tables import InstitutionSeat, InstitutionSubscription

LIVE_STATUSES = ("active", "trialing")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def institutions_with_access(institution_ids: list[int], at: dt.datetime | None = None) -> set[int]:
    """Those of ``institution_ids`` whose access is live at ``at`` (now by default)."""
    if not institution_ids:
        return set()
    moment = at or _now()
    rows = await InstitutionSubscription.select(
        InstitutionSubscription.institution, InstitutionSubscription.current_period_end
    ).where(
        InstitutionSubscription.institution.is_in(institution_ids)
        & InstitutionSubscription.status.is_in(list(LIVE_STATUSES))
    )
    return {
        r["institution"] for r in rows if r["current_period_end"] is None or r["current_period_end"] > moment
    }


async def has_access(institution_id: int, at: dt.datetime | None = None) -> bool:
    return institution_id in await institutions_with_access([institution_id], at)


async def seated_institutions(user: CurrentUser) -> list[int]:
    """Institutions of which ``user`` is a member and holds a seat."""
    member_of = list((await user.memberships()).institutions)
    if not member_of:
        return []
    rows = await InstitutionSeat.select(InstitutionSeat.institution).where(
        (InstitutionSeat.user == user.id) & InstitutionSeat.institution.is_in(member_of)
    )
    return [r["institution"] for r in rows]


async def full_access_institutions(user: CurrentUser) -> set[int]:
    """Institutions through which ``user`` sees full details now (seat held, access live)."""
    return await institutions_with_access(await seated_institutions(user))


async def has_full_access(user: CurrentUser) -> bool:
    return bool(await full_access_institutions(user))

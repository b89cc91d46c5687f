"""Databank seats: an institution's admins give its members the seats its live subscriptions pay for.

A seat is an ``InstitutionSeat`` row (one per institution and member). An institution holds at
most as many seats as its live subscriptions (Stripe or complimentary) add up to; one more is
refused with 409 ``no_free_seat``. The count is checked inside a write transaction that holds
the institution's row (PostgreSQL row lock; SQLite's single writer), so two admins assigning
the last seat at once cannot both win. Seats outlive a lapsed subscription (they give nothing
without one) so the same people regain access when it is renewed.
"""

from __future__ import annotations

from app.accounts.tables import Institution, InstitutionMember
from app.auth import CurrentUser
from app.db import is_sqlite
from app.errors import Conflict, NotFound
from app.i18n import N_
from roadshows.subscription_schemas import SeatRead
from roadshows.subscriptions import member_role, require_admin, seat_rows, seats_of, subscription_rows
from roadshows.tables import InstitutionSeat


class NoFreeSeat(Conflict):
    code = "no_free_seat"
    message = N_("Every seat is taken. Free one first or add seats to the subscription.")


class NotAMember(NotFound):
    code = "not_a_member"
    message = N_("This person is not a member of the institution.")


async def _lock_institution(institution_id: int) -> None:
    query = Institution.select(Institution.id).where(Institution.id == institution_id)
    if not is_sqlite():
        query = query.lock_rows("update")  # type: ignore[assignment]
    if await query.first() is None:
        raise NotFound()


async def assign_seat(user: CurrentUser, institution_id: int, member_id: int) -> SeatRead:
    """Give ``member_id`` (a member of the institution) one of its seats; idempotent."""
    await require_admin(user, institution_id)
    is_member = await InstitutionMember.exists().where(
        (InstitutionMember.institution == institution_id) & (InstitutionMember.user == member_id)
    )
    if not is_member:
        raise NotAMember()
    async with InstitutionSeat._meta.db.transaction():
        await _lock_institution(institution_id)
        held = await InstitutionSeat.exists().where(
            (InstitutionSeat.institution == institution_id) & (InstitutionSeat.user == member_id)
        )
        if not held:
            used = await InstitutionSeat.count().where(InstitutionSeat.institution == institution_id)
            if used >= seats_of(await subscription_rows(institution_id)):
                raise NoFreeSeat()
            await InstitutionSeat(institution=institution_id, user=member_id, assigned_by=user.id).save()
    seat = next(s for s in await seat_rows(institution_id) if s["user_id"] == member_id)
    return SeatRead(
        user_id=member_id,
        display_name=seat["display_name"],
        email=seat["email"],
        assigned_at=seat["created_at"],
    )


async def remove_seat(user: CurrentUser, institution_id: int, member_id: int) -> None:
    """Free ``member_id``'s seat; 404 if the person holds none."""
    await require_admin(user, institution_id)
    held = await InstitutionSeat.exists().where(
        (InstitutionSeat.institution == institution_id) & (InstitutionSeat.user == member_id)
    )
    if not held:
        raise NotFound()
    await InstitutionSeat.delete().where(
        (InstitutionSeat.institution == institution_id) & (InstitutionSeat.user == member_id)
    )


async def list_seats(user: CurrentUser, institution_id: int) -> list[SeatRead]:
    await member_role(user, institution_id)
    return [
        SeatRead(
            user_id=s["user_id"],
            display_name=s["display_name"],
            email=s["email"],
            assigned_at=s["created_at"],
        )
        for s in await seat_rows(institution_id)
    ]

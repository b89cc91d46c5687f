"""A guest's party: the seats of guests and companions, and the companions themselves.

Every person of a retreat holds a confirmed ``Registration`` of their own, so each has a ticket,
a QR token and check-in of their own (``registration.confirmed`` issues the token). Guests sit
on the event's guest ticket type, companions on "Companion / 随行家属", created on first use.

One person holds at most one live registration per event (a unique index), so a companion's
registration cannot belong to the guest's account: it belongs to a placeholder account that
cannot sign in (inactive, an address under ``.invalid`` that no mail reaches). The guest manages
companions and sees their tickets through the party (``Companion.guest_registration``); mails
about a companion go to the guest's address. Needs (diet, mobility, health) are care data and
are kept by ``events.retreats.care``, never here: the party page links to it.
"""

from __future__ import annotations

import secrets
from typing import Any

from litestar.events import listener

from app.auth import CurrentUser
from app.db import fast
from app.errors import Conflict, NotFound
from app.i18n import N_
from app.mail.outbox import render_mail, wake_sender
from app.settings import get_settings
from app.signals import emit
from events.registration_db import Tx, now, transaction
from events.registration_errors import CapacityExhausted
from events.registration_mail import TICKET_QR, TICKET_QR_CID, format_moment
from events.registration_plan import new_code
from events.retreats.invitation_schemas import CompanionCreate, CompanionRead, CompanionUpdate, PartyRead

GUEST_TYPE = ("Guest", "嘉宾")
COMPANION_TYPE = ("Companion", "随行家属")
PLACEHOLDER_DOMAIN = "companions.luyan.invalid"

TAKE_SEAT_SQL = (
    "UPDATE luyan_ticket_type SET taken = taken + 1 WHERE id = $1 AND taken < capacity RETURNING id"
)
RELEASE_SEAT_SQL = "UPDATE luyan_ticket_type SET taken = taken - 1 WHERE id = $1 AND taken > 0"
INSERT_TYPE_SQL = (
    "INSERT INTO luyan_ticket_type (event, name_en, name_zh, capacity, taken, price_cents, currency, "
    "requires_approval, sales_start, sales_end, position) "
    "VALUES ($1, $2, $3, $4, 0, 0, 'CNY', false, NULL, NULL, $5) RETURNING id"
)
INSERT_REGISTRATION_SQL = (
    'INSERT INTO luyan_registration (event, ticket_type, "user", status, code, attendee_name, '
    "attendee_email, attendee_organisation, answers, invitation_code, offer_expires_at, seat, "
    "created_at, updated_at) VALUES ($1, $2, $3, 'confirmed', $4, $5, $6, $7, '{}', NULL, NULL, '', "
    "$8, $8) RETURNING id"
)
INSERT_PLACEHOLDER_SQL = (
    "INSERT INTO luyan_user (email, password_hash, display_name, locale, is_admin, is_entrepreneur, "
    "is_active, auth_epoch, created_at) VALUES ($1, '!', $2, $3, false, false, false, 0, $4) RETURNING id"
)
PARTY_SQL = """
SELECT i.id AS invitation_id, i.companions_allowed, i.email, r.id AS registration_id, r.code,
       r.attendee_name, r.attendee_email, r.status, e.id AS event_id, e.organisation, e.title_en,
       e.title_zh, e.venue_en, e.venue_zh, e.city_en, e.city_zh, e.starts_at, e.timezone, u.locale
FROM luyan_retreat_invitation i
JOIN luyan_registration r ON r.id = i.registration
JOIN luyan_event e ON e.id = i.event
JOIN luyan_user u ON u.id = r."user"
WHERE i.event = $1 AND i."user" = $2 AND i.status = 'accepted' AND r.status = 'confirmed'
"""
COMPANIONS_SQL = """
SELECT c.id, c.registration, c.guest_registration, c.relationship, c.age_group, r.attendee_name,
       r.code, r.status, r.ticket_type, r."user", r.event
FROM luyan_companion c JOIN luyan_registration r ON r.id = c.registration
WHERE c.guest_registration = $1 AND r.status = 'confirmed'
ORDER BY c.id
"""


class CompanionLimit(Conflict):
    code, message = "companion_limit", N_("Your invitation allows no more companions.")


# -- seats ----------------------------------------------------------------------------------------


def is_companion_type(ticket_type: dict[str, Any]) -> bool:
    """The companion ticket type: named Companion, or 随行家属 in Chinese whatever its English."""
    return (
        ticket_type["name_en"].strip().lower() == "companion" or ticket_type["name_zh"].strip() == "随行家属"
    )


async def _party_type(tx: Tx, event_id: int, companion: bool, need: int) -> int:
    """The guest or companion ticket type of the event, made if missing; call with the event locked.

    A type made here grows with the invitations (capacity = what they allow); a guest type the
    organisers made keeps the capacity they chose.
    """
    names = COMPANION_TYPE if companion else GUEST_TYPE
    types = await tx.fetch(
        "SELECT id, name_en, name_zh, capacity, position FROM luyan_ticket_type WHERE event = $1 "
        "ORDER BY position, id",
        event_id,
    )
    chosen = next((t for t in types if is_companion_type(t) == companion), None)
    capacity = max(need, 1)
    if chosen is None:
        position = max((t["position"] for t in types), default=0) + 1
        created = await tx.fetchrow(INSERT_TYPE_SQL, event_id, names[0], names[1], capacity, position)
        assert created is not None
        return int(created["id"])
    if chosen["name_en"] == names[0]:
        await tx.execute(
            "UPDATE luyan_ticket_type SET capacity = $2 WHERE id = $1 AND capacity < $2",
            chosen["id"],
            capacity,
        )
    return int(chosen["id"])


async def confirmed_seat(
    tx: Tx, event_id: int, *, companion: bool, user_id: int, name: str, email: str, organisation: str = ""
) -> tuple[int, int, str]:
    """Take a seat (conditionally) and write a confirmed registration: (id, ticket type, code)."""
    await tx.fetchrow("SELECT id FROM luyan_event WHERE id = $1" + tx.for_update, event_id)
    column = "companions_allowed" if companion else "1"
    need = await tx.fetchrow(
        f"SELECT COALESCE(SUM({column}), 0) AS need FROM luyan_retreat_invitation "
        "WHERE event = $1 AND status <> 'revoked'",
        event_id,
    )
    ticket_type = await _party_type(tx, event_id, companion, int(need["need"]) if need else 1)
    if await tx.fetchrow(TAKE_SEAT_SQL, ticket_type) is None:
        raise CapacityExhausted()
    code = new_code()
    row = await tx.fetchrow(
        INSERT_REGISTRATION_SQL, event_id, ticket_type, user_id, code, name, email, organisation, now()
    )
    assert row is not None
    return int(row["id"]), ticket_type, code


def announce(registration_id: int, event_id: int, ticket_type: int, user_id: int, status: str) -> None:
    """After commit: the same signal every registration change sends (tickets, counts, logs)."""
    wake_sender()
    emit(
        f"registration.{status}",
        registration_id=registration_id,
        event_id=event_id,
        ticket_type_id=ticket_type,
        user_id=user_id,
        status=status,
    )


# -- the party --------------------------------------------------------------------------------------


async def party_of(user: CurrentUser, event_id: int) -> dict[str, Any]:
    """The signed-in guest's accepted invitation and confirmed registration; else 404."""
    row = await fast().fetchrow(PARTY_SQL, event_id, user.id)
    if row is None:
        raise NotFound()
    return dict(row)


def ticket_url(event_id: int, companion_id: int | None, registration_id: int) -> str:
    if companion_id is None:
        return f"/me/registrations/{registration_id}/ticket"
    return f"/me/retreats/{event_id}/companions/{companion_id}/ticket"


def _companion_read(event_id: int, row: dict[str, Any]) -> CompanionRead:
    return CompanionRead(
        id=row["id"],
        registration_id=row["registration"],
        guest_registration_id=row["guest_registration"],
        name=row["attendee_name"],
        relationship=row["relationship"],
        age_group=row["age_group"],
        code=row["code"],
        status=row["status"],
        ticket_url=ticket_url(event_id, row["id"], row["registration"]),
    )


async def companions_of(event_id: int, guest_registration_id: int) -> list[CompanionRead]:
    rows = await fast().fetch(COMPANIONS_SQL, guest_registration_id)
    return [_companion_read(event_id, dict(r)) for r in rows]


async def party(user: CurrentUser, event_id: int) -> PartyRead:
    guest = await party_of(user, event_id)
    return PartyRead(
        event_id=event_id,
        guest_registration_id=guest["registration_id"],
        guest_name=guest["attendee_name"],
        guest_code=guest["code"],
        guest_ticket_url=ticket_url(event_id, None, guest["registration_id"]),
        companions_allowed=guest["companions_allowed"],
        companions=await companions_of(event_id, guest["registration_id"]),
    )


async def companion_of(
    user: CurrentUser, event_id: int, companion_id: int
) -> tuple[dict[str, Any], CompanionRead]:
    """One live companion of the signed-in guest's party; anyone else's answers 404."""
    guest = await party_of(user, event_id)
    for companion in await companions_of(event_id, guest["registration_id"]):
        if companion.id == companion_id:
            return guest, companion
    raise NotFound()


def _companion_mail(guest: dict[str, Any], name: str, code: str) -> Any:
    base = get_settings().public_base_url
    attachments = [
        {"kind": TICKET_QR, "code": code, "cid": TICKET_QR_CID, "alt": N_("QR code of the ticket")}
    ]
    return render_mail(
        "retreat_companion_added",
        guest["locale"],
        attachments=attachments,
        guest=guest["attendee_name"],
        companion=name,
        event_title_en=guest["title_en"],
        event_title_zh=guest["title_zh"],
        event_when=format_moment(guest["starts_at"], guest["timezone"], guest["locale"]),
        code=code,
        link=f"{base}/me/retreats/{guest['event_id']}",
    )


async def add_companion(user: CurrentUser, event_id: int, data: CompanionCreate) -> CompanionRead:
    guest = await party_of(user, event_id)
    name = " ".join(data.name.split())
    async with transaction() as tx:
        # Locking the guest's registration serialises additions to one party: the limit holds.
        await tx.fetchrow(
            "SELECT id FROM luyan_registration WHERE id = $1" + tx.for_update, guest["registration_id"]
        )
        live = await tx.fetch(COMPANIONS_SQL, guest["registration_id"])
        if len(live) >= guest["companions_allowed"]:
            raise CompanionLimit()
        email = f"companion-{secrets.token_hex(8)}@{PLACEHOLDER_DOMAIN}"
        account = await tx.fetchrow(INSERT_PLACEHOLDER_SQL, email, name[:120], guest["locale"], now())
        assert account is not None
        registration_id, ticket_type, code = await confirmed_seat(
            tx, event_id, companion=True, user_id=account["id"], name=name, email=guest["attendee_email"]
        )
        created = await tx.fetchrow(
            "INSERT INTO luyan_companion (registration, guest_registration, relationship, age_group, "
            "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            registration_id,
            guest["registration_id"],
            data.relationship,
            data.age_group,
            now(),
        )
        assert created is not None
        mail = _companion_mail(guest, name, code)
        await tx.queue_mail(
            guest["attendee_email"], mail, "retreat.companion", guest["organisation"], event_id
        )
    announce(registration_id, event_id, ticket_type, account["id"], "confirmed")
    _guest, companion = await companion_of(user, event_id, created["id"])
    return companion


async def update_companion(
    user: CurrentUser, event_id: int, companion_id: int, data: CompanionUpdate
) -> CompanionRead:
    _guest, current = await companion_of(user, event_id, companion_id)
    async with transaction() as tx:
        if isinstance(data.name, str):
            name = " ".join(data.name.split())
            await tx.execute(
                "UPDATE luyan_registration SET attendee_name = $2, updated_at = $3 WHERE id = $1",
                current.registration_id,
                name,
                now(),
            )
            await tx.execute(
                'UPDATE luyan_user SET display_name = $2 WHERE id = (SELECT "user" FROM luyan_registration '
                "WHERE id = $1)",
                current.registration_id,
                name[:120],
            )
        if isinstance(data.relationship, str):
            await tx.execute(
                "UPDATE luyan_companion SET relationship = $2 WHERE id = $1", companion_id, data.relationship
            )
        if isinstance(data.age_group, str):
            await tx.execute(
                "UPDATE luyan_companion SET age_group = $2 WHERE id = $1", companion_id, data.age_group
            )
    _guest, updated = await companion_of(user, event_id, companion_id)
    return updated


async def remove_companion(user: CurrentUser, event_id: int, companion_id: int) -> None:
    """Cancel the companion's registration; ``registration.cancelled`` revokes the ticket."""
    _guest, current = await companion_of(user, event_id, companion_id)
    cancelled = await _cancel_companion(current.registration_id)
    if cancelled is None:
        raise NotFound()  # removed by a second click already
    announce(current.registration_id, event_id, cancelled[0], cancelled[1], "cancelled")


async def _cancel_companion(registration_id: int) -> tuple[int, int] | None:
    """Cancel one companion's registration if still confirmed: (ticket type, holder) or None."""
    async with transaction() as tx:
        row = await tx.fetchrow(
            'SELECT status, ticket_type, "user" FROM luyan_registration WHERE id = $1' + tx.for_update,
            registration_id,
        )
        if row is None or row["status"] != "confirmed":
            return None
        await tx.execute(
            "UPDATE luyan_registration SET status = 'cancelled', updated_at = $2 WHERE id = $1",
            registration_id,
            now(),
        )
        await tx.execute(RELEASE_SEAT_SQL, row["ticket_type"])
    return int(row["ticket_type"]), int(row["user"])


@listener("registration.cancelled")
async def release_party_of_cancelled_guest(registration_id: int, event_id: int, **_: Any) -> None:
    """A guest's registration was cancelled (by the guest or the organisers): the party cannot
    travel without them, so their companions are cancelled too (each ticket revoked through
    ``registration.cancelled``), and the invitation goes back to "declined": it may be
    accepted again until the event starts."""
    invitation = await fast().fetchrow(
        "SELECT id FROM luyan_retreat_invitation WHERE registration = $1", registration_id
    )
    if invitation is None:
        return  # a companion, or a registration of another kind of event
    for companion in await fast().fetch(COMPANIONS_SQL, registration_id):
        cancelled = await _cancel_companion(companion["registration"])
        if cancelled is not None:
            announce(companion["registration"], event_id, cancelled[0], cancelled[1], "cancelled")
    async with transaction() as tx:
        await tx.execute(
            "UPDATE luyan_retreat_invitation SET status = 'declined', registration = NULL, responded_at = $2 "
            "WHERE id = $1 AND registration = $3",
            invitation["id"],
            now(),
            registration_id,
        )

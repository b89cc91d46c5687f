"""Invitation codes for invitation-only events: random, readable, limited uses.

Codes are stored upper case without surrounding spaces (``normalise_code``); the registration
service compares them case-insensitively, so ``k7qmx4pd`` typed on a phone matches ``K7QMX4PD``.
``used`` belongs to the registration service; here it is only read (``max_uses`` may not drop
below it).
"""

from __future__ import annotations

import secrets
from typing import Any

import msgspec

from app.auth import CurrentUser
from app.errors import Conflict, NotFound
from app.i18n import N_
from events.access import organiser_event
from events.schemas import InvitationCodeCreate, InvitationCodeRead, InvitationCodeUpdate
from events.services import editable_event
from events.tables import InvitationCode, Registration

# No 0/O, 1/I/L: codes are read aloud and typed from paper invitations.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class CodeTaken(Conflict):
    code, message = "invitation_code_taken", N_("This event already has this invitation code.")


class MaxUsesBelowUsed(Conflict):
    code, message = "max_uses_below_used", N_("The limit cannot be lower than the times the code was used.")


class CodeInUse(Conflict):
    code, message = (
        "invitation_code_in_use",
        N_("This code has been used; lower its limit instead of deleting it."),
    )


def normalise_code(raw: str) -> str:
    return raw.strip().upper()


def random_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_read(row: dict[str, Any]) -> InvitationCodeRead:
    return InvitationCodeRead(
        id=row["id"],
        event_id=row["event"],
        code=row["code"],
        max_uses=row["max_uses"],
        used=row["used"],
        note=row["note"],
        created_at=row["created_at"],
    )


async def list_codes(user: CurrentUser, event_id: int) -> list[InvitationCodeRead]:
    await organiser_event(user, event_id)
    return await codes_of(event_id)


async def codes_of(event_id: int) -> list[InvitationCodeRead]:
    """No access check: callers have checked the event already."""
    rows = await InvitationCode.select().where(InvitationCode.event == event_id).order_by(InvitationCode.id)
    return [code_read(r) for r in rows]


async def _existing(event_id: int) -> set[str]:
    rows = await InvitationCode.select(InvitationCode.code).where(InvitationCode.event == event_id)
    return {r["code"] for r in rows}


async def create_codes(
    user: CurrentUser, event_id: int, data: InvitationCodeCreate
) -> list[InvitationCodeRead]:
    """One chosen ``code``, or ``count`` random ones, each usable ``max_uses`` times."""
    await editable_event(user, event_id)
    existing = await _existing(event_id)
    if data.code is not None:
        code = normalise_code(data.code)
        if code in existing:
            raise CodeTaken()
        codes = [code]
    else:
        codes = []
        while len(codes) < data.count:
            candidate = random_code()
            if candidate not in existing and candidate not in codes:
                codes.append(candidate)
    rows = [
        InvitationCode(event=event_id, code=c, max_uses=data.max_uses, used=0, note=data.note) for c in codes
    ]
    inserted = await InvitationCode.insert(*rows).returning(InvitationCode.id)
    ids = [r["id"] for r in inserted]
    created = await InvitationCode.select().where(InvitationCode.id.is_in(ids)).order_by(InvitationCode.id)
    return [code_read(r) for r in created]


async def _get(event_id: int, code_id: int) -> dict[str, Any]:
    row = (
        await InvitationCode.select()
        .where((InvitationCode.id == code_id) & (InvitationCode.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound()
    return row


async def update_code(
    user: CurrentUser, event_id: int, code_id: int, data: InvitationCodeUpdate
) -> InvitationCodeRead:
    await editable_event(user, event_id)
    await _get(event_id, code_id)
    changes = {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not msgspec.UNSET}
    if changes:
        where = (InvitationCode.id == code_id) & (InvitationCode.event == event_id)
        if "max_uses" in changes:
            where = where & (InvitationCode.used <= changes["max_uses"])
        values = {InvitationCode._meta.get_column_by_name(k): v for k, v in changes.items()}
        if not await InvitationCode.update(values).where(where).returning(InvitationCode.id):
            raise MaxUsesBelowUsed(extra={"used": (await _get(event_id, code_id))["used"]})
    return code_read(await _get(event_id, code_id))


async def delete_code(user: CurrentUser, event_id: int, code_id: int) -> None:
    await editable_event(user, event_id)
    row = await _get(event_id, code_id)
    if row["used"] or await Registration.exists().where(Registration.invitation_code == code_id):
        raise CodeInUse()
    try:
        await InvitationCode.delete().where(
            (InvitationCode.id == code_id) & (InvitationCode.event == event_id)
        )
    except Exception as exc:  # a registration used it in between
        if "foreign key" in str(exc).lower():
            raise CodeInUse() from exc
        raise

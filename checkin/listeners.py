"""Check-in listeners of the registration signals (``app.signals.emit``), collected in ``LISTENERS``.

Importing this module (``app.asgi`` does, to collect ``LISTENERS``) also registers the ticket
QR attachment with the outbox, so every process that reacts to registrations can build it.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.events import listener

from app.mail.attachments import register_resolver
from checkin.live import publish_scan
from checkin.mail import ticket_qr_attachment
from checkin.tokens import NotIssuable, ensure_token, revoke_token
from events.registration_mail import TICKET_QR

log = logging.getLogger("luyan.checkin")

register_resolver(TICKET_QR, ticket_qr_attachment)


@listener("registration.confirmed")
async def issue_confirmed_ticket(registration_id: int, **_: Any) -> None:
    """Every way to a confirmed registration (direct, approval, accepted offer) emits this."""
    try:
        await ensure_token(registration_id, just_confirmed=True)
    except NotIssuable:  # cancelled again before we got here: no ticket, nothing to do
        pass


@listener("registration.cancelled")
async def revoke_cancelled_ticket(registration_id: int, **_: Any) -> None:
    """A cancelled registration's ticket must no longer get in; no token yet is fine."""
    revoked = await revoke_token(registration_id, "cancelled")
    if revoked:
        log.info("revoked the ticket of cancelled registration %s", registration_id)


LISTENERS = [issue_confirmed_ticket, revoke_cancelled_ticket, publish_scan]

"""Check-in listeners of the registration signals (``app.signals.emit``), collected in ``LISTENERS``."""

from __future__ import annotations

import logging
from typing import Any

from litestar.events import listener

from checkin.tokens import revoke_token

log = logging.getLogger("luyan.checkin")


@listener("registration.cancelled")
async def revoke_cancelled_ticket(registration_id: int, **_: Any) -> None:
    """A cancelled registration's ticket must no longer get in; no token yet is fine."""
    revoked = await revoke_token(registration_id, "cancelled")
    if revoked:
        log.info("revoked the ticket of cancelled registration %s", registration_id)


LISTENERS = [revoke_cancelled_ticket]

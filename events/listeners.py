"""Listeners of the events domain's own signals (``app.signals.emit``), collected in ``LISTENERS``.

Every registration signal carries ``registration_id``, ``event_id``, ``ticket_type_id``,
``user_id`` and ``status``. Other domains (check-in, livestream) add their listeners for the
same ids in their own ``listeners.py``.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar.events import listener

from events.retreats.routes import LISTENERS as RETREAT_LISTENERS

log = logging.getLogger("luyan.registrations")

REGISTRATION_SIGNALS = (
    "registration.confirmed",
    "registration.waitlisted",
    "registration.pending",
    "registration.offered",
    "registration.awaiting_pay",
    "registration.cancelled",
    "registration.rejected",
    "registration.expired",
)


# Registering is the hot path (a thousand a second in a burst): those three are logged at
# DEBUG, which costs next to nothing when disabled; the rarer changes at INFO.
_QUIET = frozenset({"confirmed", "waitlisted", "pending"})


@listener(*REGISTRATION_SIGNALS)
async def log_registration_change(
    registration_id: int, event_id: int, status: str, user_id: int, **_: Any
) -> None:
    """An audit trail in the log: who, which event, what happened."""
    level = logging.DEBUG if status in _QUIET else logging.INFO
    if log.isEnabledFor(level):
        log.log(
            level,
            "registration %s of user %s at event %s is now %s",
            registration_id,
            user_id,
            event_id,
            status,
        )


LISTENERS = [log_registration_change, *RETREAT_LISTENERS]

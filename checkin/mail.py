"""The ticket's QR code as a mail attachment, built when the confirmation mail is sent.

The registration mail only describes it (``{"kind": "ticket_qr", "code": ...}``, see
``events.registration_mail``): it is queued before the registration commits, when there is no
token yet. ``checkin.listeners`` registers ``ticket_qr_attachment`` with the outbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from app.db import fast
from app.mail.attachments import Attachment
from checkin import qr
from checkin.tokens import NotIssuable, ensure_token

log = logging.getLogger("luyan.checkin")
FILENAME = "ticket.png"


async def ticket_qr_attachment(spec: Mapping[str, Any]) -> Attachment | None:
    """``ticket.png`` with the live token's QR; None once the registration is not confirmed."""
    row = await fast().fetchrow("SELECT id FROM luyan_registration WHERE code = $1", str(spec.get("code")))
    if row is None:
        return None
    try:
        token = await ensure_token(row["id"])
    except NotIssuable:  # cancelled before the mail went out: it goes without a ticket
        log.info("registration %s is no longer confirmed: its mail goes without the QR", row["id"])
        return None
    data = await asyncio.to_thread(qr.qr_png, token)  # cached on disk; a first render is slow
    return Attachment(FILENAME, "image/png", data)

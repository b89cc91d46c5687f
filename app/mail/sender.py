"""Send queued mail: over SMTP when configured, otherwise as ``.eml`` files under ``var/mail/``.

Each process runs one sender task. A message is claimed with a conditional update
(``queued`` → ``sending``), so several processes never send the same message twice; failures
are retried with back-off and end as ``failed`` after ``MAX_ATTEMPTS``.

Attachments are built here, when the message is sent (``app.mail.attachments``): each is
attached as a file and, when its description has a ``cid``, also shown inline in the HTML part
(``multipart/related``). A message with an attachment kind no resolver in this process knows
is put back for a process that knows it, without counting an attempt; an attachment that no
longer applies (its resolver returns None) is left out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

import aiosmtplib

from app.mail.attachments import Attachment, UnknownAttachment, decode, resolve
from app.mail.outbox import wait_for_wake
from app.mail.tables import OutboxMessage
from app.settings import Settings

log = logging.getLogger("luyan.mail")
MAX_ATTEMPTS = 5
BATCH = 50
# A claim older than this belonged to a process that died mid-send: put it back in the queue.
STALE_CLAIM = dt.timedelta(minutes=10)
# How long a message waits when this process cannot build one of its attachments.
UNRESOLVED_DELAY = dt.timedelta(minutes=1)

Built = Sequence[tuple[Mapping[str, Any], Attachment | None]]


def _without_inline(html: str, cid: str) -> str:
    """Drop the ``<img src="cid:...">`` of an attachment that is not there after all."""
    return re.sub(r'<img[^>]*\bsrc="cid:' + re.escape(cid) + r'"[^>]*>', "", html)


def build_message(row: dict, sender: str, attachments: Built = ()) -> EmailMessage:
    """The MIME message: text, HTML alternative (with inline images), then attached files."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="luyan.local")
    message["X-Luyan-Kind"] = row["kind"]
    message.set_content(row["body_text"])
    html = row["body_html"]
    for spec, attachment in attachments:
        if attachment is None and spec.get("cid"):
            html = _without_inline(html, str(spec["cid"]))
    if html:
        message.add_alternative(html, subtype="html")
        html_part = message.get_payload()[1]
        for spec, attachment in attachments:
            if attachment is not None and spec.get("cid"):
                maintype, _, subtype = attachment.content_type.partition("/")
                html_part.add_related(
                    attachment.data,
                    maintype,
                    subtype,
                    cid=f"<{spec['cid']}>",
                    filename=attachment.filename,
                    disposition="inline",
                )
    for _spec, attachment in attachments:
        if attachment is not None:
            maintype, _, subtype = attachment.content_type.partition("/")
            message.add_attachment(attachment.data, maintype, subtype, filename=attachment.filename)
    return message


async def compose(row: dict, sender: str) -> EmailMessage:
    """Build the attachments the row describes, then the message; raises ``UnknownAttachment``."""
    built = [(spec, await resolve(spec)) for spec in decode(row.get("attachments"))]
    return build_message(row, sender, built)


async def _deliver(settings: Settings, message: EmailMessage, row_id: int) -> None:
    if settings.smtp.configured:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp.host,
            port=settings.smtp.port,
            username=settings.smtp.username,
            password=settings.smtp.password,
            start_tls=settings.smtp.starttls if settings.smtp.port != 465 else False,
            use_tls=settings.smtp.port == 465,
            timeout=30,
        )
        return
    directory: Path = settings.mail_dir
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    path = directory / f"{stamp}-{row_id:08d}.eml"
    await asyncio.to_thread(path.write_bytes, bytes(message))


async def send_due(settings: Settings) -> int:
    """Send what is due now; returns how many messages were sent."""
    now = dt.datetime.now(dt.UTC)
    await OutboxMessage.update({OutboxMessage.status: "queued"}).where(
        (OutboxMessage.status == "sending") & (OutboxMessage.next_attempt_at < now - STALE_CLAIM)
    )
    due = (
        await OutboxMessage.select(OutboxMessage.id)
        .where((OutboxMessage.status == "queued") & (OutboxMessage.next_attempt_at <= now))
        .order_by(OutboxMessage.id)
        .limit(BATCH)
    )
    sent = 0
    for item in due:
        claimed = (
            await OutboxMessage.update({OutboxMessage.status: "sending", OutboxMessage.next_attempt_at: now})
            .where((OutboxMessage.id == item["id"]) & (OutboxMessage.status == "queued"))
            .returning(*OutboxMessage.all_columns())
        )
        if not claimed:
            continue  # another process took it
        row = claimed[0]
        try:
            await _deliver(settings, await compose(row, settings.smtp.sender), row["id"])
        except UnknownAttachment as exc:
            log.warning("mail %s waits for a process that can build it: %s", row["id"], exc)
            await OutboxMessage.update(
                {
                    OutboxMessage.status: "queued",
                    OutboxMessage.last_error: str(exc)[:1000],
                    OutboxMessage.next_attempt_at: now + UNRESOLVED_DELAY,
                }
            ).where(OutboxMessage.id == row["id"])
            continue
        except Exception as exc:
            attempts = row["attempts"] + 1
            failed = attempts >= MAX_ATTEMPTS
            log.warning("mail %s to %s failed (attempt %s): %s", row["id"], row["to_address"], attempts, exc)
            await OutboxMessage.update(
                {
                    OutboxMessage.status: "failed" if failed else "queued",
                    OutboxMessage.attempts: attempts,
                    OutboxMessage.last_error: str(exc)[:1000],
                    OutboxMessage.next_attempt_at: now + dt.timedelta(seconds=30 * 2**attempts),
                }
            ).where(OutboxMessage.id == row["id"])
            continue
        await OutboxMessage.update(
            {
                OutboxMessage.status: "sent",
                OutboxMessage.attempts: row["attempts"] + 1,
                OutboxMessage.sent_at: dt.datetime.now(dt.UTC),
            }
        ).where(OutboxMessage.id == row["id"])
        sent += 1
    return sent


async def run_sender(settings: Settings, idle_seconds: float = 2.0) -> None:
    """Background task: send due mail, then sleep until woken or ``idle_seconds`` pass."""
    while True:
        try:
            sent = await send_due(settings)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("mail sender pass failed")
            sent = 0
        if sent < BATCH:
            await wait_for_wake(idle_seconds)

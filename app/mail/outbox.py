"""Queue mail: a row in ``luyan_outbox_message`` now, sent by ``app.mail.sender`` soon after.

Queue inside the same transaction as the change it reports (``OUTBOX_INSERT_SQL`` on the fast
path, ``enqueue`` elsewhere) so mail is never sent for a change that rolled back, nor lost for
one that committed. Attachments are queued as descriptions and built when the message is sent
(``app.mail.attachments``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.i18n import _, localized, ngettext, use_locale
from app.mail.attachments import encode
from app.mail.tables import OutboxMessage

MAIL_TEMPLATES = Path(__file__).resolve().parent.parent.parent / "frontend" / "templates" / "mail"

OUTBOX_INSERT_SQL = (
    "INSERT INTO luyan_outbox_message (to_address, subject, body_text, body_html, kind, status, "
    "attempts, last_error, organisation_id, event_id, created_at, next_attempt_at, sent_at, "
    "attachments) VALUES ($1, $2, $3, $4, $5, 'queued', 0, '', $6, $7, $8, $8, NULL, $9)"
)

_wake = asyncio.Event()


def wake_sender() -> None:
    """Nudge the sender task in this process so queued mail goes out without waiting."""
    try:
        _wake.set()
    except RuntimeError:  # pragma: no cover - no loop
        pass


async def wait_for_wake(seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(_wake.wait(), seconds)
    _wake.clear()


@dataclass(slots=True, frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    # Descriptions of attachments built at send time (see app.mail.attachments).
    attachments: tuple[Mapping[str, Any], ...] = ()

    @property
    def attachments_json(self) -> str:
        return encode(self.attachments)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(MAIL_TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(_, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["localized"] = localized
    return env


_env = _environment()


def render_mail(
    template: str, locale: str, *, attachments: Sequence[Mapping[str, Any]] = (), **context: object
) -> RenderedMail:
    """Render ``mail/<template>.txt`` (first line: subject) and wrap it in ``mail/layout.html``.

    ``attachments`` are descriptions for ``app.mail.attachments``; one with a ``cid`` (and an
    ``alt`` msgid) is also shown in the HTML part, below the text.
    """
    inline = [a for a in attachments if a.get("cid")]
    with use_locale(locale):
        rendered = _env.get_template(f"{template}.txt").render(**context)
        subject, _sep, body = rendered.strip().partition("\n")
        body = body.strip() + "\n"
        html = _env.get_template("layout.html").render(
            subject=subject.strip(),
            paragraphs=[p for p in body.split("\n\n") if p.strip()],
            inline_images=inline,
            **context,
        )
    return RenderedMail(subject=subject.strip(), text=body, html=html, attachments=tuple(attachments))


def outbox_args(
    to_address: str,
    mail: RenderedMail,
    kind: str,
    organisation_id: int | None = None,
    event_id: int | None = None,
) -> tuple[object, ...]:
    """Arguments for ``OUTBOX_INSERT_SQL`` (fast-path transactions)."""
    now = dt.datetime.now(dt.UTC)
    return (
        to_address,
        mail.subject,
        mail.text,
        mail.html,
        kind,
        organisation_id,
        event_id,
        now,
        mail.attachments_json,
    )


async def enqueue(
    to_address: str,
    mail: RenderedMail,
    kind: str,
    organisation_id: int | None = None,
    event_id: int | None = None,
) -> int:
    """Queue one message with Piccolo (joins the caller's transaction if one is open)."""
    row = OutboxMessage(
        to_address=to_address,
        subject=mail.subject,
        body_text=mail.text,
        body_html=mail.html,
        kind=kind,
        organisation_id=organisation_id,
        event_id=event_id,
        attachments=[dict(a) for a in mail.attachments],
    )
    await row.save()
    wake_sender()
    return row.id

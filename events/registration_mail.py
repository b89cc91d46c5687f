"""Registration mail, rendered in the attendee's language before the transaction that queues it.

Rendering a mail through Jinja (text plus the HTML layout) costs about 0.1 ms, a large share of
a registration on the hot path. The templates are therefore rendered once per template,
locale and *event-level* values (title, date, venue, ticket) with placeholders for the
personal values (name, code, ...), and the personal values are filled in per mail: escaped
in the HTML part, as is in the text. The cache key holds the event-level values themselves,
so an edited event simply renders anew: nothing can go stale.

The confirmation carries the ticket's QR code as a PNG (attached, and inline in the HTML part).
The token does not exist yet when the mail is queued, so the mail only describes the
attachment (``TICKET_QR`` with the registration code, unique and known before the write);
the check-in domain builds it when the mail is sent.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from markupsafe import escape

from app.i18n import N_, localized, use_locale
from app.mail.outbox import RenderedMail, render_mail
from app.settings import get_settings
from app.templating import format_datetime

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: never escaped, never in templates

TICKET_QR = "ticket_qr"  # attachment kind; the resolver is registered by checkin.listeners
TICKET_QR_CID = "ticket-qr@luyan"
# Templates whose mail carries the ticket's QR code: the registration is confirmed.
_TICKET_TEMPLATES = frozenset({"registration_confirmed"})


def shared_context(event: dict[str, Any], ticket: dict[str, Any], locale: str) -> dict[str, str]:
    """The event-level values of a registration mail, formatted for ``locale``.

    ``event`` needs title_en/zh, venue_en/zh, city_en/zh, starts_at, timezone; ``ticket``
    needs name_en/zh. Do not change the returned dict: it is shared (cached by its inputs).
    """
    return _shared(
        event["title_en"],
        event["title_zh"],
        event["venue_en"],
        event["venue_zh"],
        event["city_en"],
        event["city_zh"],
        event["starts_at"],
        event["timezone"],
        ticket["name_en"],
        ticket["name_zh"],
        locale,
        get_settings().public_base_url,
    )


@lru_cache(maxsize=1024)
def _shared(
    title_en: str,
    title_zh: str,
    venue_en: str,
    venue_zh: str,
    city_en: str,
    city_zh: str,
    starts_at: dt.datetime,
    timezone: str,
    name_en: str,
    name_zh: str,
    locale: str,
    base_url: str,
) -> dict[str, str]:
    with use_locale(locale):
        place = [localized(venue_en, venue_zh), localized(city_en, city_zh)]
        return {
            "event_title": localized(title_en, title_zh),
            "event_when": format_datetime(starts_at, timezone),
            "venue": ", ".join(p for p in place if p),
            "ticket_name": localized(name_en, name_zh),
            "link": f"{base_url}/me/registrations",
            # + the registration code: a link that works before the registration has an id
            "ticket_link_base": f"{base_url}/me/tickets/",
        }


def format_moment(value: dt.datetime, timezone: str, locale: str) -> str:
    with use_locale(locale):
        return format_datetime(value, timezone)


@lru_cache(maxsize=1024)
def _skeleton(
    template: str, locale: str, shared: tuple[tuple[str, str], ...], personal: tuple[str, ...]
) -> RenderedMail:
    placeholders = {key: f"{_OPEN}{key}{_CLOSE}" for key in personal}
    attachments: tuple[dict[str, str], ...] = ()
    if template in _TICKET_TEMPLATES and "code" in placeholders:
        qr = {"kind": TICKET_QR, "code": placeholders["code"], "cid": TICKET_QR_CID}
        attachments = ({**qr, "alt": N_("QR code of your ticket")},)
    return render_mail(template, locale, attachments=attachments, **dict(shared), **placeholders)


def render(template: str, locale: str, shared: dict[str, str], personal: dict[str, str]) -> RenderedMail:
    """``mail/<template>.txt`` for one person: cached skeleton plus their own values."""
    skeleton = _skeleton(template, locale, tuple(sorted(shared.items())), tuple(sorted(personal)))
    subject, text, html = skeleton.subject, skeleton.text, skeleton.html
    attachments = skeleton.attachments
    for key, value in personal.items():
        mark = f"{_OPEN}{key}{_CLOSE}"
        subject = subject.replace(mark, value)
        text = text.replace(mark, value)
        html = html.replace(mark, str(escape(value)))
    if attachments:
        attachments = tuple(
            {k: _fill(v, personal) if isinstance(v, str) else v for k, v in spec.items()}
            for spec in attachments
        )
    return RenderedMail(subject=subject, text=text, html=html, attachments=attachments)


def _fill(value: str, personal: dict[str, str]) -> str:
    for key, personal_value in personal.items():
        value = value.replace(f"{_OPEN}{key}{_CLOSE}", personal_value)
    return value


class MailSet:
    """The mails one registration may need, keyed by outcome status, rendered on demand."""

    __slots__ = ("_mails", "locale", "personal", "shared")

    def __init__(self, locale: str, shared: dict[str, str], personal: dict[str, str]) -> None:
        self.locale = locale
        self.shared = shared
        self.personal = personal
        self._mails: dict[str, RenderedMail] = {}

    def get(self, status: str) -> RenderedMail:
        mail = self._mails.get(status)
        if mail is None:
            mail = self._mails[status] = render(
                f"registration_{status}", self.locale, self.shared, self.personal
            )
        return mail

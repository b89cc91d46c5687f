"""Every message of the events area has a Chinese translation with the same placeholders."""

from __future__ import annotations

from app.i18n_tools import extract_messages, placeholder_mismatches, translations

EVENTS_FILES = (
    "events/schemas.py",
    "events/services.py",
    "events/agenda.py",
    "events/tickets.py",
    "events/questions.py",
    "events/invitations.py",
    "events/staff.py",
    "events/timezones.py",
    "events/controllers.py",
    "events/pages.py",
    "events/dashboard_pages.py",
    "events/dashboard_parts.py",
    "events/page_helpers.py",
    "frontend/templates/events/",
    "frontend/templates/dashboard/",
)


def test_events_messages_are_translated() -> None:
    known = translations()
    missing = {
        msgid: where
        for msgid, where in extract_messages().items()
        if any(w.startswith(EVENTS_FILES) for w in where) and msgid not in known
    }
    assert not missing, missing


def test_events_placeholders_match() -> None:
    assert not placeholder_mismatches()

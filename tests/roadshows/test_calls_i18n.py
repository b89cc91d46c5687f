"""Every message of the calls area has a Chinese translation with the same placeholders."""

from __future__ import annotations

from app.i18n_tools import extract_messages, placeholder_mismatches, translations

CALLS_FILES = (
    "roadshows/workflow.py",
    "roadshows/calls.py",
    "roadshows/call_",
    "roadshows/submission",
    "frontend/templates/roadshows/calls/",
    "frontend/templates/mail/submission_",
)


def test_calls_messages_are_translated() -> None:
    known = translations()
    missing = {
        msgid: where
        for msgid, where in extract_messages().items()
        if any(w.startswith(CALLS_FILES) for w in where) and msgid not in known
    }
    assert not missing, missing


def test_calls_placeholders_match() -> None:
    broken = placeholder_mismatches()
    ours = {k: v for k, v in broken.items() if k in set(extract_messages())}
    assert not ours, ours

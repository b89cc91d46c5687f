"""Small helpers shared by the events pages: labels, date display and form clean-up."""

from __future__ import annotations

import datetime as dt
import re
from itertools import groupby
from typing import Any

from app.i18n import N_
from app.templating import format_datetime
from events.schemas import AgendaSessionRead
from events.timezones import LISTING_TZ, from_input, input_value, local

KIND_LABELS = {
    "roadshow": N_("Roadshow"),
    "conference": N_("Conference"),
    "contest": N_("Contest"),
    "retreat": N_("Retreat"),
}
STATUS_LABELS = {
    "draft": N_("Draft"),
    "published": N_("Published"),
    "closed": N_("Closed"),
    "cancelled": N_("Cancelled"),
}
QUESTION_KIND_LABELS = {
    "text": N_("Free text"),
    "single": N_("Single choice"),
    "multiple": N_("Multiple choice"),
}
TRANSITION_LABELS = {
    "published": (N_("Publish"), N_("Publish this event? It becomes visible to everyone.")),
    "closed": (N_("Close"), N_("Close this event? Nobody can register any more.")),
    "cancelled": (N_("Cancel event"), N_("Cancel this event? This cannot be undone.")),
}
TRANSITION_PATHS = {"published": "publish", "closed": "close", "cancelled": "cancel"}


# -- display ---------------------------------------------------------------------------------
def time_of(value: dt.datetime, tz: str) -> str:
    return local(value, tz).strftime("%H:%M")


def date_range(start: dt.datetime, end: dt.datetime, tz: str) -> str:
    """``1 May 2026, 09:00 – 17:00`` on one day, ``1 May 2026 – 3 May 2026`` across days."""
    if local(start, tz).date() == local(end, tz).date():
        return f"{format_datetime(start, tz)} – {time_of(end, tz)}"
    return f"{format_datetime(start, tz, with_time=False)} – {format_datetime(end, tz, with_time=False)}"


def agenda_days(sessions: list[AgendaSessionRead], tz: str) -> list[tuple[str, list[AgendaSessionRead]]]:
    """Sessions grouped by their local day, as ``(day label, sessions)``."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.id))
    return [
        (format_datetime(group[0].starts_at, tz, with_time=False), group)
        for _day, items in groupby(ordered, key=lambda s: local(s.starts_at, tz).date())
        for group in [list(items)]
    ]


TEMPLATE_HELPERS: dict[str, Any] = {
    "kind_labels": KIND_LABELS,
    "status_labels": STATUS_LABELS,
    "question_kind_labels": QUESTION_KIND_LABELS,
    "transition_labels": TRANSITION_LABELS,
    "transition_paths": TRANSITION_PATHS,
    "date_range": date_range,
    "time_of": time_of,
    "input_value": input_value,
}


# -- forms -----------------------------------------------------------------------------------
def parse_date(value: str | None) -> dt.date | None:
    """A ``YYYY-MM-DD`` filter value, or None for anything else (filters never error)."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def checkboxes(data: dict[str, Any], *names: str) -> None:
    """Unticked checkboxes are absent from a form: make them an explicit ``false``."""
    for name in names:
        data[name] = "true" if data.get(name) not in (None, "", "false") else "false"


def local_datetimes(data: dict[str, Any], tz: str | None, *names: str) -> None:
    """``datetime-local`` values are local times in ``tz``: add its UTC offset."""
    zone = tz or LISTING_TZ
    for name in names:
        if isinstance(data.get(name), str) and data[name].strip():
            data[name] = from_input(data[name], zone)


def split_lines(text: str) -> list[str]:
    """Speakers typed one per line or separated by commas (Latin or Chinese)."""
    return [part.strip() for part in re.split(r"[\n,，、;；]+", text or "") if part.strip()]


def parse_options(text: str) -> list[dict[str, str]]:
    """Choice options typed one per line as ``English | 中文``; values are made from the order."""
    options = []
    for index, line in enumerate(line for line in (text or "").splitlines() if line.strip()):
        en, _sep, zh = line.partition("|")
        options.append({"value": f"o{index + 1}", "en": en.strip() or zh.strip(), "zh": zh.strip()})
    return options


def options_text(options: list[Any]) -> str:
    return "\n".join(f"{o.en} | {o.zh}" if o.zh else o.en for o in options)


def translated_errors(errors: dict[str, str]) -> dict[str, str]:
    from app.i18n import _

    return {field: _(message) for field, message in errors.items()}

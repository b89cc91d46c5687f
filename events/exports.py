"""An event's registrations as CSV or XLSX, one column per custom question.

Care questions (health, mobility, diet) are left out: their answers are care data, exported
only through ``events.retreats.care`` with a care permission and an access-log entry.

Headers, statuses and choice labels are in the requester's language. CSV starts with a UTF-8
byte-order mark so that Excel (which otherwise guesses a local code page) shows Chinese
correctly; it is streamed in batches. XLSX is built in memory by xlsxwriter in a worker thread.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from app.db import fast
from app.i18n import _, localized
from events.registration_answers import options_of
from events.registration_queries import decode_answers, event_questions, event_ticket_types
from events.registration_schemas import STATUSES
from events.registration_status import status_label

BATCH = 1000
CSV_BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH_SQL = (
    "SELECT id, ticket_type, status, code, attendee_name, attendee_email, attendee_organisation, "
    "answers, created_at FROM luyan_registration WHERE event = $1 AND id > $2 ORDER BY id LIMIT $3"
)


@dataclass(slots=True)
class Layout:
    """What each row needs, prepared in the request (and so in the requester's language)."""

    event_id: int
    timezone: ZoneInfo
    headers: list[str]
    questions: list[dict[str, Any]]
    tickets: dict[int, str]
    statuses: dict[str, str]
    option_labels: dict[int, dict[str, str]]

    def row(self, reg: dict[str, Any]) -> list[str]:
        answers = decode_answers(reg["answers"])
        created = reg["created_at"].astimezone(self.timezone).strftime("%Y-%m-%d %H:%M")
        cells = [
            reg["code"],
            self.statuses.get(reg["status"], reg["status"]),
            reg["attendee_name"],
            reg["attendee_email"],
            reg["attendee_organisation"],
            self.tickets.get(reg["ticket_type"], ""),
            created,
        ]
        for question in self.questions:
            value = answers.get(str(question["id"]))
            cells.append(_cell(question, value, self.option_labels[question["id"]]))
        return cells


def _cell(question: dict[str, Any], value: Any, labels: dict[str, str]) -> str:
    if value is None:
        return ""
    if question["kind"] == "text":
        return str(value)
    values = value if isinstance(value, list) else [value]
    return "; ".join(labels.get(v, str(v)) for v in values)


async def layout(event: dict[str, Any]) -> Layout:
    """Column headers and label look-ups for ``event`` (a row with id and timezone)."""
    questions = await event_questions(event["id"], include_care=False)
    tickets = await event_ticket_types(event["id"])
    tz_name = event.get("timezone") or "Asia/Shanghai"
    headers = [
        _("Registration code"),
        _("Status"),
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Ticket type"),
        _("Registered at (%(timezone)s)") % {"timezone": tz_name},
    ] + [localized(q["label_en"], q["label_zh"]) for q in questions]
    option_labels = {
        q["id"]: {
            o["value"]: localized(o.get("en", ""), o.get("zh", "")) or o["value"] for o in options_of(q)
        }
        for q in questions
    }
    return Layout(
        event_id=event["id"],
        timezone=ZoneInfo(tz_name),
        headers=headers,
        questions=questions,
        tickets={t["id"]: localized(t["name_en"], t["name_zh"]) for t in tickets},
        statuses={s: status_label(s) for s in STATUSES},
        option_labels=option_labels,
    )


async def _batches(event_id: int) -> AsyncIterator[list[dict[str, Any]]]:
    last = 0
    while True:
        rows = await fast().fetch(BATCH_SQL, event_id, last, BATCH)
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]
        if len(rows) < BATCH:
            return


def _defused(cell: str) -> str:
    """Spreadsheets run cells starting with these as formulas: keep them text (OWASP advice)."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell


def _csv_lines(rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([_defused(cell) for cell in row] for row in rows)
    return buffer.getvalue()


async def csv_stream(spec: Layout) -> AsyncIterator[bytes]:
    """The CSV file, BOM and header first, then the rows in batches."""
    yield (CSV_BOM + _csv_lines([spec.headers])).encode("utf-8")
    async for rows in _batches(spec.event_id):
        yield _csv_lines(spec.row(r) for r in rows).encode("utf-8")


async def xlsx_bytes(spec: Layout) -> bytes:
    rows: list[list[str]] = []
    async for batch in _batches(spec.event_id):
        rows.extend(spec.row(r) for r in batch)
    return await asyncio.to_thread(_build_xlsx, spec.headers, rows)


def _build_xlsx(headers: list[str], rows: list[list[str]]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = workbook.add_worksheet("Registrations")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, headers, bold)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, row)
    for column, header in enumerate(headers):
        width = max([len(header), *(len(r[column]) for r in rows[:200])], default=10)
        sheet.set_column(column, column, min(max(width + 2, 10), 60))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(headers) - 1)
    workbook.close()
    return buffer.getvalue()

"""Invitations from a CSV file: the API, the organiser's upload form and ``luyan retreat-invite``.

The file is UTF-8, with or without a byte order mark (Excel's "CSV UTF-8" writes one), comma,
semicolon or tab separated, with a header line in English or Chinese (``HEADERS``). Every row
is checked before anything is written; one bad row means nothing is imported, and the report
names each problem by row number as a spreadsheet shows it (the header is row 1). An email
already invited to the event is skipped (reported by address) or, with ``duplicates="refuse"``,
an error of its row; an email twice in the file is always an error.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from app.auth import CurrentUser
from app.i18n import N_, _
from events.retreats.invitation_schemas import MAX_COMPANIONS, ImportReport, InvitationCreate, RowError
from events.retreats.invitation_text import normalise_email
from events.retreats.invitations import (
    check_sendable,
    insert_invitations,
    invited_emails,
    retreat_event,
)

MAX_ROWS = 5000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Header spellings (compared case-insensitively, spaces and underscores ignored) -> field.
HEADERS: dict[str, str] = {
    "name": "name",
    "fullname": "name",
    "姓名": "name",
    "名字": "name",
    "email": "email",
    "e-mail": "email",
    "emailaddress": "email",
    "邮箱": "email",
    "电子邮件": "email",
    "电子邮箱": "email",
    "honorific": "honorific",
    "title": "honorific",
    "称谓": "honorific",
    "称呼": "honorific",
    "头衔": "honorific",
    "organisation": "organisation",
    "organization": "organisation",
    "institution": "organisation",
    "单位": "organisation",
    "工作单位": "organisation",
    "机构": "organisation",
    "companions": "companions_allowed",
    "companionsallowed": "companions_allowed",
    "随行人数": "companions_allowed",
    "随行家属": "companions_allowed",
    "随行": "companions_allowed",
    "note": "note",
    "notes": "note",
    "备注": "note",
}
LIMITS = {"name": 120, "email": 254, "honorific": 60, "organisation": 200, "note": 200}
Progress = Callable[[int, int], None]  # (done, total)


class ParsedFile:
    def __init__(self) -> None:
        self.rows: list[tuple[int, InvitationCreate]] = []
        self.errors: list[RowError] = []

    def error(self, row: int, field: str, message: str, /, **values: Any) -> None:
        self.errors.append(
            RowError(row=row, field=field, message=_(message) % values if values else _(message))
        )


def decode(data: bytes | str) -> str | None:
    """The file's text without a BOM; ``None`` when it is not UTF-8."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _header_key(raw: str) -> str:
    return re.sub(r"[\s_]+", "", raw.strip().lower())


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "，")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse(data: bytes | str) -> ParsedFile:
    """Check every row; ``rows`` are the good ones, ``errors`` the rest (and file-level problems)."""
    parsed = ParsedFile()
    text = decode(data)
    if text is None:
        parsed.error(1, "file", N_("The file is not UTF-8 text. Save it as “CSV UTF-8”."))
        return parsed
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        parsed.error(1, "file", N_("The file is empty: it needs a header line and one line per guest."))
        return parsed
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    header = next(reader)
    fields = [HEADERS.get(_header_key(h), "") for h in header]
    for required in ("name", "email"):
        if required not in fields:
            parsed.error(1, required, N_("The header line needs a “%(column)s” column."), column=required)
    if parsed.errors:
        return parsed
    seen: dict[str, int] = {}
    for line_no, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines at the end of spreadsheets
        if line_no - 1 > MAX_ROWS:
            parsed.error(line_no, "file", N_("At most %(max)d guests per file."), max=MAX_ROWS)
            break
        values = {f: c.strip() for f, c in zip(fields, cells, strict=False) if f}
        item = _row(parsed, line_no, values, seen)
        if item is not None:
            parsed.rows.append((line_no, item))
    if not parsed.rows and not parsed.errors:
        parsed.error(2, "file", N_("The file has a header line but no guests."))
    return parsed


def _row(
    parsed: ParsedFile, line: int, values: dict[str, str], seen: dict[str, int]
) -> InvitationCreate | None:
    before = len(parsed.errors)
    name, email = values.get("name", ""), normalise_email(values.get("email", ""))
    if not name:
        parsed.error(line, "name", N_("The name is missing."))
    if not EMAIL.match(email):
        parsed.error(line, "email", N_("“%(value)s” is not an email address."), value=values.get("email", ""))
    elif email in seen:
        parsed.error(
            line,
            "email",
            N_("%(email)s is already on row %(line)d of this file."),
            email=email,
            line=seen[email],
        )
    else:
        seen[email] = line
    for field, limit in LIMITS.items():
        if len(values.get(field, "")) > limit:
            parsed.error(line, field, N_("At most %(max)d characters."), max=limit)
    raw = values.get("companions_allowed", "")
    companions = 2
    if raw:
        if raw.isdigit() and int(raw) <= MAX_COMPANIONS:
            companions = int(raw)
        else:
            parsed.error(
                line,
                "companions_allowed",
                N_("Companions: a whole number from 0 to %(max)d."),
                max=MAX_COMPANIONS,
            )
    if len(parsed.errors) > before:
        return None
    return InvitationCreate(
        name=name,
        email=email,
        honorific=values.get("honorific", ""),
        organisation=values.get("organisation", ""),
        companions_allowed=companions,
        note=values.get("note", ""),
    )


async def import_invitations(
    event: dict[str, Any],
    data: bytes | str,
    duplicates: str = "skip",
    actor_id: int | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Invite everyone in the file, or nobody when any row is wrong. No access check here."""
    check_sendable(event)
    batch = uuid.uuid4().hex[:12]
    parsed = parse(data)
    existing = await invited_emails(event["id"])
    fresh: list[InvitationCreate] = []
    skipped: list[str] = []
    for line, item in parsed.rows:
        if item.email not in existing:
            fresh.append(item)
        elif duplicates == "skip":
            skipped.append(item.email)
        else:
            parsed.error(line, "email", N_("%(email)s is already invited to this event."), email=item.email)
    if parsed.errors:
        parsed.errors.sort(key=lambda e: e.row)
        return ImportReport(batch="", created=0, skipped=[], errors=parsed.errors)
    created = await insert_invitations(event, fresh, actor_id, batch, progress) if fresh else []
    return ImportReport(batch=batch if created else "", created=len(created), skipped=skipped, errors=[])


async def import_for_organiser(
    user: CurrentUser, event_id: int, data: bytes | str, duplicates: str
) -> ImportReport:
    event = await retreat_event(user, event_id)
    return await import_invitations(event, data, duplicates, user.id)


def retreat_invite(event_id: int, file: Path, duplicates: str = "skip") -> None:
    """``luyan retreat-invite EVENT_ID FILE.csv``: invite everyone in the file, with a progress
    bar; prints each problem as ``row N, field: message``. Call after the settings are checked."""
    from app.cli import run_db

    report = run_db(_cli_import(event_id, file.read_bytes(), duplicates))
    for error in report.errors:
        click.echo(f"row {error.row}, {error.field}: {error.message}", err=True)
    for email in report.skipped:
        click.echo(f"skipped (already invited): {email}")
    if report.errors:
        raise click.ClickException(f"nothing imported: {len(report.errors)} problem(s) in {file.name}")
    click.echo(f"luyan: invited {report.created} guest(s) to event {event_id} (batch {report.batch or '-'})")


async def _cli_import(event_id: int, data: bytes, duplicates: str) -> ImportReport:
    from rich.progress import Progress as Bar

    from events.tables import Event

    event = await Event.select().where(Event.id == event_id).first()
    if event is None or event["kind"] != "retreat":
        raise click.ClickException(f"no retreat with id {event_id}")
    if event["status"] in ("draft", "cancelled"):
        raise click.ClickException(f"retreat {event_id} is {event['status']}: publish it before inviting")
    with Bar(transient=True) as bar:
        task = bar.add_task("Inviting", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return await import_invitations(event, data, duplicates, None, advance)

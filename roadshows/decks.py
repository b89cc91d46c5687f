"""Pitch decks: one PDF per project, checked by its content, stored outside the web root.

* **Checked**: the file must start with ``%PDF-`` *and* parse as a PDF with at least one page
  (pypdf walks its cross-reference table and page tree), so a renamed executable or archive is
  refused (415 ``not_a_pdf``) whatever its name or declared type.
* **Bounded**: at most ``max_deck_bytes()`` (``LUYAN_DECK_MAX_BYTES``, 20 MiB by default),
  counted while the upload streams in, so an oversize body is never held whole (413
  ``deck_too_large``); nothing is kept of a refused upload.
* **Stored** in ``<var dir>/decks/`` under a random name, written to a temporary file in the same
  directory and renamed into place (readers never see half a file); a replaced deck's file is
  removed once the project points at the new one.
* **Read** by whoever ``may_read_deck`` allows; everyone else gets 404, as for a missing deck.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState
from multipart import MultipartError, MultipartSegment, PushMultipartParser

from app.auth import CurrentUser
from app.errors import DomainError, InvalidInput, NotFound
from app.i18n import N_
from app.settings import get_settings
from roadshows.access import has_conflict, team_project
from roadshows.databank_views import sees_full_details
from roadshows.project_schemas import DeckRead
from roadshows.tables import JudgeAssignment, Project, ProjectMember, RoundEntry, Submission

log = logging.getLogger("luyan.decks")

CHUNK_BYTES = 64 * 1024
_STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{16,64}\.pdf$")


def max_deck_bytes() -> int:
    """The upload limit (``LUYAN_DECK_MAX_BYTES``, 20 MiB by default)."""
    return get_settings().deck_max_bytes


def size_label(size: int) -> str:
    """``20 MB``, ``512 KB``: sizes as people read them (binary units)."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value >= 10 or value.is_integer() else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size // 1024} KB"
    return f"{size} B"


class NotAPdf(DomainError):
    status, code = 415, "not_a_pdf"
    message = N_("This file is not a PDF. Upload the pitch deck as a PDF file.")


class DeckTooLarge(DomainError):
    status, code = 413, "deck_too_large"
    message = N_("The pitch deck is larger than %(limit)s.")


class NoDeckFile(InvalidInput):
    code = "deck_missing"

    def __init__(self) -> None:
        super().__init__({"file": N_("Choose a PDF file to upload.")})


# -- storage ---------------------------------------------------------------------------------
def deck_dir() -> Path:
    return get_settings().var_dir / "decks"


def deck_path(stored_name: str) -> Path:
    """The file of a stored deck; only names this module made are accepted."""
    if not _STORED_NAME.match(stored_name):
        raise NotFound()
    return deck_dir() / stored_name


def remove_file(stored_name: str) -> None:
    if not stored_name:
        return
    try:
        deck_path(stored_name).unlink(missing_ok=True)
    except (NotFound, OSError):
        log.warning("could not remove deck file %r", stored_name)


def clean_name(filename: str | None) -> str:
    """The uploaded name without any path, control characters or excess length."""
    base = re.split(r"[\\/]", filename or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip() or "deck.pdf"
    return base[-200:]


class StagedDeck:
    """An upload being written to a temporary file next to the decks, counted as it comes."""

    def __init__(self, filename: str | None) -> None:
        self.name = clean_name(filename)
        self.limit = max_deck_bytes()
        self.size = 0
        directory = deck_dir()
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f".upload-{secrets.token_hex(12)}.tmp"
        self._file = self.path.open("xb")

    def write(self, chunk: bytes | bytearray) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise DeckTooLarge(limit=size_label(self.limit))
        self._file.write(chunk)

    def close(self) -> None:
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()

    def discard(self) -> None:
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)


async def stage_chunks(chunks: AsyncIterator[bytes], filename: str | None) -> StagedDeck:
    """Stage an upload from a stream of bytes (the limit is enforced chunk by chunk)."""
    staged = StagedDeck(filename)
    try:
        async for chunk in chunks:
            staged.write(chunk)
        staged.close()
    except BaseException:
        staged.discard()
        raise
    return staged


# -- receiving an upload --------------------------------------------------------------------
MAX_FORM_PARTS = 8
MAX_OTHER_FIELD_BYTES = 64 * 1024  # everything in the form besides the file (CSRF token, ...)
MULTIPART_ALLOWANCE = 64 * 1024  # boundaries and part headers around the file


def _malformed() -> InvalidInput:
    return InvalidInput({"file": N_("The upload was incomplete or malformed. Try again.")})


async def receive_upload(request: Request, field: str = "file") -> StagedDeck:
    """Stage the file of a ``multipart/form-data`` request while it streams in.

    When a middleware already parsed the form (a browser form checked for CSRF), Litestar has
    spooled the file to a temporary file; it is staged from there under the same limit.
    """
    content_type, options = request.content_type
    if content_type != "multipart/form-data" or not options.get("boundary"):
        raise NoDeckFile()
    if ScopeState.from_scope(request.scope).form is not Empty:
        upload = (await request.form()).get(field)
        if not isinstance(upload, UploadFile):
            raise NoDeckFile()
        return await stage_chunks(_upload_chunks(upload), upload.filename)
    limit = max_deck_bytes()
    if (request.content_length or 0) > limit + MULTIPART_ALLOWANCE:
        raise DeckTooLarge(limit=size_label(limit))
    staged: StagedDeck | None = None
    other_bytes = 0
    in_file = False
    try:
        with PushMultipartParser(options["boundary"], max_segment_count=MAX_FORM_PARTS) as parser:
            async for chunk in request.stream():
                for part in parser.parse(chunk):
                    if isinstance(part, MultipartSegment):
                        in_file = staged is None and part.name == field and part.filename is not None
                        if in_file:
                            staged = StagedDeck(part.filename)
                    elif part is None:
                        in_file = False
                    elif in_file and staged is not None:
                        staged.write(part)
                    else:
                        other_bytes += len(part)
                        if other_bytes > MAX_OTHER_FIELD_BYTES:
                            raise _malformed()
                if parser.closed:
                    break
    except MultipartError as exc:
        if staged is not None:
            staged.discard()
        raise _malformed() from exc
    except BaseException:
        if staged is not None:
            staged.discard()
        raise
    if staged is None:
        raise NoDeckFile()
    staged.close()
    return staged


async def _upload_chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK_BYTES):
        yield chunk


# -- the content check -----------------------------------------------------------------------
def check_pdf(path: Path) -> int:
    """The page count of the PDF at ``path``; ``NotAPdf`` unless it really is one."""
    with path.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise NotAPdf()
    import pypdf  # imported here: only uploads need it

    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise NotAPdf()
        pages = len(reader.pages)  # walks the page tree
    except NotAPdf:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on broken input
        raise NotAPdf() from exc
    if pages < 1:
        raise NotAPdf()
    return pages


# -- saving, removing, reading ---------------------------------------------------------------
def _deck_read(project_id: int, name: str, size: int, uploaded_at: dt.datetime) -> DeckRead:
    return DeckRead(name=name, size=size, uploaded_at=uploaded_at, url=f"/api/v1/projects/{project_id}/deck")


async def save_deck(user: CurrentUser, project_id: int, staged: StagedDeck) -> DeckRead:
    """Check the staged upload and make it the project's deck (the team only)."""
    try:
        await team_project(user, project_id)
        if staged.size == 0:
            raise NoDeckFile()
        await asyncio.to_thread(check_pdf, staged.path)
    except BaseException:
        staged.discard()
        raise
    stored = f"{secrets.token_urlsafe(24)}.pdf"
    final = deck_dir() / stored
    os.replace(staged.path, final)
    uploaded_at = dt.datetime.now(dt.UTC)
    values = {
        Project.deck_file: stored,
        Project.deck_name: staged.name,
        Project.deck_size: staged.size,
        Project.deck_uploaded_at: uploaded_at,
        Project.updated_at: uploaded_at,
    }
    try:
        # Swap only from the file we read, so two concurrent uploads never orphan a file.
        for _attempt in range(5):
            row = await Project.select(Project.deck_file).where(Project.id == project_id).first()
            if row is None:
                raise NotFound()
            swapped = (
                await Project.update(values)
                .where((Project.id == project_id) & (Project.deck_file == row["deck_file"]))
                .returning(Project.id)
            )
            if swapped:
                remove_file(row["deck_file"])
                return _deck_read(project_id, staged.name, staged.size, uploaded_at)
        raise NotFound()
    except BaseException:
        final.unlink(missing_ok=True)
        raise


async def delete_deck(user: CurrentUser, project_id: int) -> None:
    row = await team_project(user, project_id)
    if not row["deck_file"]:
        raise NotFound()
    await Project.update(
        {
            Project.deck_file: "",
            Project.deck_name: "",
            Project.deck_size: 0,
            Project.deck_uploaded_at: None,
            Project.updated_at: dt.datetime.now(dt.UTC),
        }
    ).where((Project.id == project_id) & (Project.deck_file == row["deck_file"]))
    remove_file(row["deck_file"])


async def may_read_deck(user: CurrentUser, project_id: int) -> bool:
    """Who may download a project's deck:

    * its team (owner and co-editors);
    * organisers of the events whose calls the project was submitted to;
    * judges on the panel of a round that has an entry of this project, unless they declared a
      conflict of interest with it;
    * investors who see the full details of the project's databank listing while it is listed
      (``roadshows.databank_views``: full access for its visibility, or an accepted
      introduction).
    """
    if await ProjectMember.exists().where(
        (ProjectMember.project == project_id) & (ProjectMember.user == user.id)
    ) or await Project.exists().where((Project.id == project_id) & (Project.owner == user.id)):
        return True
    submitted_to = await Submission.select(Submission.call.event.organisation.as_alias("organisation")).where(
        Submission.project == project_id
    )
    if submitted_to and (
        user.is_admin
        or {r["organisation"] for r in submitted_to} & set((await user.memberships()).organisations)
    ):
        return True
    rounds = await RoundEntry.select(RoundEntry.round).where(RoundEntry.submission.project == project_id)
    if (
        rounds
        and await JudgeAssignment.exists().where(
            (JudgeAssignment.judge == user.id) & JudgeAssignment.round.is_in([r["round"] for r in rounds])
        )
        and not await has_conflict(user.id, project_id)
    ):
        return True
    return await sees_full_details(user, project_id)


async def open_deck(user: CurrentUser, project_id: int) -> tuple[Any, dict[str, Any]]:
    """An open file of the deck (it survives a concurrent replacement) and the project row."""
    if not await may_read_deck(user, project_id):
        raise NotFound()
    row = (
        await Project.select(Project.id, Project.deck_file, Project.deck_name, Project.deck_size)
        .where(Project.id == project_id)
        .first()
    )
    if row is None or not row["deck_file"]:
        raise NotFound()
    try:
        handle = deck_path(row["deck_file"]).open("rb")
    except FileNotFoundError:
        log.error("deck file of project %s is missing", project_id)
        raise NotFound() from None
    return handle, row


async def read_chunks(handle: Any) -> AsyncIterator[bytes]:
    """The file in chunks, read off the event loop; closes it at the end."""
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
            yield chunk
    finally:
        handle.close()

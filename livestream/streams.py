"""Streams of events and agenda sessions: organisers manage them; anyone may watch a stream of
a published event.

A stream is only a player URL (an HLS playlist or a provider's embed page), a schedule, a
status and a replay link; the video itself lives with the streaming provider. Every organiser
action checks the event through ``events.access.organiser_event``: a stream of another
organisation answers 404 exactly like a missing one.

After each change the domain event ``livestream.stream_changed`` (stream_id, event_id, status)
lets the audience counter tell the viewers of this process at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import msgspec

from app import signals
from app.auth import CurrentUser
from app.errors import InvalidInput, NotFound
from app.i18n import N_
from events.access import organiser_event, organiser_organisation_ids, public_event
from events.tables import AgendaSession, Event
from livestream.stream_schemas import MinuteSample, StreamCreate, StreamRead, StreamReport, StreamUpdate
from livestream.tables import Stream, ViewerMinute, ViewerSession

VIEWER_PATH = "/live/{stream_id}"


def viewer_url(stream_id: int) -> str:
    return VIEWER_PATH.format(stream_id=stream_id)


def stream_read(row: dict[str, Any]) -> StreamRead:
    return StreamRead(
        id=row["id"],
        event_id=row["event"],
        agenda_session_id=row["agenda_session"],
        title_en=row["title_en"],
        title_zh=row["title_zh"],
        player_kind=row["player_kind"],
        player_url=row["player_url"],
        replay_url=row["replay_url"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        status=row["status"],
        went_live_at=row["went_live_at"],
        ended_at=row["ended_at"],
        peak_viewers=row["peak_viewers"],
        peak_at=row["peak_at"],
        viewer_url=viewer_url(row["id"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


# -- checks ----------------------------------------------------------------------------------
def _check_url(field: str, value: str, *, required: bool) -> str:
    value = value.strip()
    if not value and not required:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise InvalidInput({field: N_("Enter a full web address starting with https://.")})
    return value


def _check_schedule(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput({"starts_at": N_("Give times with their time zone.")})
    if ends_at <= starts_at:
        raise InvalidInput({"ends_at": N_("The end must be after the start.")})


async def _check_session(event_id: int, session_id: int | None) -> int | None:
    if session_id is None:
        return None
    found = await AgendaSession.exists().where(
        (AgendaSession.id == session_id) & (AgendaSession.event == event_id)
    )
    if not found:
        raise InvalidInput({"agenda_session_id": N_("Choose a session of this event's agenda.")})
    return session_id


def _status_stamps(status: str, row: dict[str, Any] | None, now: dt.datetime) -> dict[str, Any]:
    """When a stream goes live or ends; going live again clears the end."""
    if status == "live":
        went_live = row["went_live_at"] if row and row["status"] == "live" else None
        return {"went_live_at": went_live or now, "ended_at": None}
    if status == "ended":
        return {"ended_at": row["ended_at"] if row and row["status"] == "ended" else now}
    return {}


async def _get(event_id: int, stream_id: int) -> dict[str, Any]:
    row = await Stream.select().where((Stream.id == stream_id) & (Stream.event == event_id)).first()
    if row is None:
        raise NotFound()
    return row


def _changed(row: dict[str, Any]) -> None:
    signals.emit(
        "livestream.stream_changed", stream_id=row["id"], event_id=row["event"], status=row["status"]
    )


# -- organisers ------------------------------------------------------------------------------
async def list_streams(user: CurrentUser, event_id: int) -> list[StreamRead]:
    await organiser_event(user, event_id)
    return await streams_of(event_id)


async def streams_of(event_id: int) -> list[StreamRead]:
    """No access check: callers have checked the event."""
    rows = (
        await Stream.select().where(Stream.event == event_id).order_by(Stream.starts_at).order_by(Stream.id)
    )
    return [stream_read(r) for r in rows]


async def organiser_stream(user: CurrentUser, stream_id: int) -> dict[str, Any]:
    """The stream row if ``user`` organises its event; else ``NotFound``."""
    row = await Stream.select().where(Stream.id == stream_id).first()
    if row is None:
        raise NotFound()
    await organiser_event(user, row["event"])
    return row


async def get_stream(user: CurrentUser, event_id: int, stream_id: int) -> StreamRead:
    await organiser_event(user, event_id)
    return stream_read(await _get(event_id, stream_id))


async def create_stream(user: CurrentUser, event_id: int, data: StreamCreate) -> StreamRead:
    await organiser_event(user, event_id)
    _check_schedule(data.starts_at, data.ends_at)
    now = dt.datetime.now(dt.UTC)
    row = Stream(
        event=event_id,
        agenda_session=await _check_session(event_id, data.agenda_session_id),
        title_en=data.title_en.strip(),
        title_zh=data.title_zh.strip(),
        player_kind=data.player_kind,
        player_url=_check_url("player_url", data.player_url, required=True),
        replay_url=_check_url("replay_url", data.replay_url, required=False),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        status=data.status,
        **_status_stamps(data.status, None, now),
    )
    await row.save()
    saved = await _get(event_id, row.id)
    _changed(saved)
    return stream_read(saved)


async def update_stream(user: CurrentUser, event_id: int, stream_id: int, data: StreamUpdate) -> StreamRead:
    await organiser_event(user, event_id)
    row = await _get(event_id, stream_id)
    changes = {f: v for f in data.__struct_fields__ if (v := getattr(data, f)) is not msgspec.UNSET}
    if "agenda_session_id" in changes:
        changes["agenda_session"] = await _check_session(event_id, changes.pop("agenda_session_id"))
    for name in ("player_url", "replay_url"):
        if name in changes:
            changes[name] = _check_url(name, changes[name], required=name == "player_url")
    _check_schedule(changes.get("starts_at", row["starts_at"]), changes.get("ends_at", row["ends_at"]))
    now = dt.datetime.now(dt.UTC)
    if "status" in changes:
        changes.update(_status_stamps(changes["status"], row, now))
    if changes:
        changes["updated_at"] = now
        await Stream.update({Stream._meta.get_column_by_name(k): v for k, v in changes.items()}).where(
            (Stream.id == stream_id) & (Stream.event == event_id)
        )
    saved = await _get(event_id, stream_id)
    _changed(saved)
    return stream_read(saved)


async def set_status(user: CurrentUser, event_id: int, stream_id: int, status: str) -> StreamRead:
    return await update_stream(user, event_id, stream_id, StreamUpdate(status=status))  # type: ignore[arg-type]


async def delete_stream(user: CurrentUser, event_id: int, stream_id: int) -> None:
    """Its audience figures go with it (the tables cascade)."""
    await organiser_event(user, event_id)
    row = await _get(event_id, stream_id)
    await Stream.delete().where(Stream.id == stream_id)
    signals.emit("livestream.stream_changed", stream_id=stream_id, event_id=row["event"], status="deleted")


async def organiser_live_streams(user: CurrentUser) -> list[tuple[StreamRead, dict[str, Any]]]:
    """Streams now live (or about to start) of every organisation of ``user``, with their events."""
    organisations = await organiser_organisation_ids(user)
    if not organisations:
        return []
    events = await Event.select(
        Event.id, Event.title_en, Event.title_zh, Event.timezone, Event.slug, Event.organisation
    ).where(Event.organisation.is_in(organisations))
    by_id = {e["id"]: e for e in events}
    if not by_id:
        return []
    rows = (
        await Stream.select()
        .where(Stream.event.is_in(list(by_id)) & Stream.status.is_in(["live", "upcoming"]))
        .order_by(Stream.starts_at)
        .order_by(Stream.id)
    )
    return [(stream_read(r), by_id[r["event"]]) for r in rows]


# -- viewers ---------------------------------------------------------------------------------
async def public_stream(stream_id: int, viewer: CurrentUser | None) -> tuple[StreamRead, dict[str, Any]]:
    """A stream of a published event for anyone (drafts: their organisers), with its event."""
    row = await Stream.select().where(Stream.id == stream_id).first()
    if row is None:
        raise NotFound()
    event = await public_event(row["event"], viewer)
    return stream_read(row), event


async def stream_brief(stream_id: int) -> dict[str, Any] | None:
    """Id, event and status of a stream, no access check (the audience counter's refresh)."""
    return (
        await Stream.select(Stream.id, Stream.event, Stream.status, Stream.peak_viewers)
        .where(Stream.id == stream_id)
        .first()
    )


# -- recorded audience figures ---------------------------------------------------------------
def _at(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


@dataclass
class PendingFigures:
    """Audience figures gathered in memory between two writes, already aggregated: one entry
    per stream and minute, per stream and viewer, and per stream for the peak."""

    minutes: dict[tuple[int, int], int] = field(default_factory=dict)  # (stream, epoch minute) -> most
    # (stream, viewer) -> [first seen, last seen (epoch s), watched seconds, visits]
    sessions: dict[tuple[int, str], list[float]] = field(default_factory=dict)
    peaks: dict[int, tuple[int, float]] = field(default_factory=dict)  # stream -> (peak, when)

    def empty(self) -> bool:
        return not (self.minutes or self.sessions or self.peaks)

    def minute(self, stream_id: int, minute: int, viewers: int) -> None:
        if viewers > 0:
            key = (stream_id, minute)
            self.minutes[key] = max(self.minutes.get(key, 0), viewers)

    def _session(self, stream_id: int, viewer: str, at: float, seconds: float, visits: int) -> None:
        entry = self.sessions.get((stream_id, viewer))
        if entry is None:
            self.sessions[(stream_id, viewer)] = [at, at, seconds, visits]
        else:
            entry[0], entry[1] = min(entry[0], at), max(entry[1], at)
            entry[2] += seconds
            entry[3] += visits

    def visit(self, stream_id: int, viewer: str, at: float) -> None:
        self._session(stream_id, viewer, at, 0.0, 1)

    def watched(self, stream_id: int, viewer: str, seconds: float, at: float) -> None:
        self._session(stream_id, viewer, at, max(0.0, seconds), 0)

    def peak(self, stream_id: int, viewers: int, at: float) -> None:
        if viewers > self.peaks.get(stream_id, (0, 0.0))[0]:
            self.peaks[stream_id] = (viewers, at)

    def merge(self, other: PendingFigures) -> None:
        """Put back figures whose write failed (newer ones already gathered win ties)."""
        for (stream_id, minute), viewers in other.minutes.items():
            self.minute(stream_id, minute, viewers)
        for (stream_id, viewer), (first, last, seconds, visits) in other.sessions.items():
            self._session(stream_id, viewer, first, seconds, int(visits))
            self._session(stream_id, viewer, last, 0.0, 0)
        for stream_id, (viewers, at) in other.peaks.items():
            self.peak(stream_id, viewers, at)


BATCH_ROWS = 400  # rows per statement (well below SQLite's parameter limit)

MINUTES_SQL = """
INSERT INTO luyan_live_viewer_minute (stream, minute, viewers) VALUES {values}
ON CONFLICT (stream, minute) DO UPDATE SET viewers = CASE
  WHEN excluded.viewers > luyan_live_viewer_minute.viewers THEN excluded.viewers
  ELSE luyan_live_viewer_minute.viewers END
"""
SESSIONS_SQL = """
INSERT INTO luyan_live_viewer_session (stream, viewer, first_seen, last_seen, watch_seconds, visits)
VALUES {values}
ON CONFLICT (stream, viewer) DO UPDATE SET
  last_seen = excluded.last_seen,
  watch_seconds = luyan_live_viewer_session.watch_seconds + excluded.watch_seconds,
  visits = luyan_live_viewer_session.visits + excluded.visits
"""


async def _insert_many(sql: str, rows: list[tuple[Any, ...]]) -> None:
    for start in range(0, len(rows), BATCH_ROWS):
        chunk = rows[start : start + BATCH_ROWS]
        row_sql = "(" + ", ".join(["{}"] * len(chunk[0])) + ")"
        args = [value for row in chunk for value in row]
        await Stream.raw(sql.format(values=", ".join([row_sql] * len(chunk))), *args)


async def write_figures(pending: PendingFigures) -> None:
    """A few batched statements for everything gathered; streams deleted meanwhile are skipped."""
    stream_ids = {s for s, _ in pending.minutes} | {s for s, _ in pending.sessions} | set(pending.peaks)
    existing = {r["id"] for r in await Stream.select(Stream.id).where(Stream.id.is_in(list(stream_ids)))}
    minutes = [(s, _at(m * 60), n) for (s, m), n in sorted(pending.minutes.items()) if s in existing]
    sessions = [
        (s, viewer, _at(first), _at(last), round(seconds), int(visits))
        for (s, viewer), (first, last, seconds, visits) in sorted(pending.sessions.items())
        if s in existing
    ]
    if minutes:
        await _insert_many(MINUTES_SQL, minutes)
    if sessions:
        await _insert_many(SESSIONS_SQL, sessions)
    for stream_id, (viewers, at) in pending.peaks.items():
        if stream_id in existing:  # only ever raised: several processes may write it
            await Stream.update({Stream.peak_viewers: viewers, Stream.peak_at: _at(at)}).where(
                (Stream.id == stream_id) & (Stream.peak_viewers < viewers)
            )


async def report_of(row: dict[str, Any]) -> StreamReport:
    """No access check: callers have checked the stream."""
    stream_id = row["id"]
    [totals] = await ViewerSession.raw(
        "SELECT count(*) AS viewers, coalesce(sum(watch_seconds), 0) AS total"
        " FROM luyan_live_viewer_session WHERE stream = {}",
        stream_id,
    )
    minutes = (
        await ViewerMinute.select(ViewerMinute.minute, ViewerMinute.viewers)
        .where(ViewerMinute.stream == stream_id)
        .order_by(ViewerMinute.minute)
    )
    unique, total = int(totals["viewers"] or 0), int(totals["total"] or 0)
    return StreamReport(
        stream_id=stream_id,
        status=row["status"],
        peak_viewers=row["peak_viewers"],
        peak_at=row["peak_at"],
        unique_viewers=unique,
        average_watch_seconds=round(total / unique) if unique else 0,
        total_watch_seconds=total,
        minutes=[MinuteSample(minute=m["minute"], viewers=m["viewers"]) for m in minutes],
    )


async def stream_report(user: CurrentUser, event_id: int, stream_id: int) -> StreamReport:
    await organiser_event(user, event_id)
    return await report_of(await _get(event_id, stream_id))

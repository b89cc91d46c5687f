"""Scanning: the service behind ``POST /api/v1/checkin/scans`` and the offline sync.

A scan names a check-in list, a client nonce and a ticket token (or, for a manual check-in,
a registration id). The service checks the scanner may use the list, counts the scanner's rate,
then hands the scan to a group commit: scans arriving together are recognised and written in
one transaction (``checkin.scan_store``), each answered with its own result. The server
recognises the tokens it issued by looking them up where it stored them, in the batch's read;
it does not check their signatures, which are there for offline scanners (docs/scanning.md).
Every scan is recorded (``Checkin``), whatever its outcome; a retried nonce returns the first
answer and records nothing. Exactly-once entry per list rests on the serialised writer
(SQLite) or a per-event advisory lock (PostgreSQL), backed by the unique (list, registration)
presence index.

After commit every recorded scan emits the domain event ``checkin.created``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from zoneinfo import ZoneInfo

from app import signals
from app.db import fast, is_sqlite
from app.db.group_commit import GroupCommit, PerLoop, settle
from app.errors import InvalidInput, NotFound
from app.i18n import N_, _, localized
from app.settings import get_settings
from checkin.ratelimit import check_scan_rate
from checkin.scan_plan import DeviceRevoked, Plan
from checkin.scan_rules import ListInfo, Outcome, ScanJob
from checkin.scan_schemas import (
    Attendee,
    OfflineScan,
    PreviousScan,
    ScanRequest,
    ScanResult,
    SyncRequest,
    SyncResponse,
)
from checkin.scan_store import pg_write
from checkin.scan_store_sqlite import sqlite_write
from checkin.scanner_auth import Scanner, may_scan
from checkin.tables import CheckinList
from checkin.tokens import event_days, read_claims
from events.tables import Event, TicketType

MAX_BATCH = 128
LIST_CACHE_TTL_S = 5.0

MESSAGES = {
    "ok": N_("Welcome! Checked in."),
    "already_checked_in": N_("Already checked in."),
    "revoked": N_("This ticket is no longer valid."),
    "unknown": N_("Not a valid ticket."),
    "wrong_event": N_("This ticket is for another event."),
    "not_valid_now": N_("This ticket is not valid today."),
    "not_approved": N_("This registration is not confirmed."),
    "wrong_list": N_("This ticket type may not pass here."),
    "not_inside": N_("Not checked in here, so cannot leave."),
}
EXIT_OK = N_("Goodbye! Checked out.")


class ExitNotAllowed(InvalidInput):
    code, message = "exit_not_allowed", N_("This check-in list does not record exits.")


# --- what scanning needs to know, cached per process ----------------------------------------

_lists: dict[int, tuple[ListInfo, float]] = {}


def forget_list(list_id: int) -> None:
    """Called when a list changes; other processes pick the change up within the cache TTL."""
    _lists.pop(list_id, None)


_loading: dict[int, asyncio.Future[ListInfo]] = {}


async def list_info(list_id: int) -> ListInfo:
    hit = _lists.get(list_id)
    if hit is not None and hit[1] > time.monotonic():
        return hit[0]
    # One load per list at a time: when the entry expires under load, the scans in flight
    # share that load instead of each running the same three queries.
    pending = _loading.get(list_id)
    if pending is not None and pending.get_loop() is asyncio.get_running_loop():
        return await asyncio.shield(pending)
    future: asyncio.Future[ListInfo] = asyncio.get_running_loop().create_future()
    _loading[list_id] = future
    try:
        info = await _load_list(list_id)
    except BaseException as exc:
        future.set_exception(exc)
        future.exception()  # retrieved: waiters get it, nobody else needs to
        raise
    finally:
        _loading.pop(list_id, None)
    future.set_result(info)
    return info


async def _load_list(list_id: int) -> ListInfo:
    now = time.monotonic()
    row = await CheckinList.select().where(CheckinList.id == list_id).output(load_json=True).first()
    if row is None:
        raise NotFound()
    event = (
        await Event.select(Event.starts_at, Event.ends_at, Event.timezone)
        .where(Event.id == row["event"])
        .first()
    )
    assert event is not None
    types = await TicketType.select(TicketType.id, TicketType.name_en, TicketType.name_zh).where(
        TicketType.event == row["event"]
    )
    days = event_days(event["starts_at"], event["ends_at"], event["timezone"])
    info = ListInfo(
        id=row["id"],
        event_id=row["event"],
        name_en=row["name_en"],
        name_zh=row["name_zh"],
        ticket_type_ids=frozenset(row["ticket_type_ids"] or []),
        days=frozenset(dt.date.fromisoformat(d) for d in row["days"] or []),
        allow_reentry=row["allow_reentry"],
        allow_exit=row["allow_exit"],
        timezone=ZoneInfo(event["timezone"]),
        first_day=days[0],
        ticket_type_names={t["id"]: (t["name_en"], t["name_zh"]) for t in types},
        registration_ids=None if row["registration_ids"] is None else frozenset(row["registration_ids"]),
    )
    if len(_lists) > 5_000:
        _lists.clear()
    _lists[list_id] = (info, now + LIST_CACHE_TTL_S)
    return info


# --- the group commit ---------------------------------------------------------------------


async def _drain(group: GroupCommit[ScanJob]) -> None:
    """Write a batch of scans in one transaction."""
    while group.queue:
        batch = group.take()
        jobs = [job for job, _future in batch]
        now = dt.datetime.now(dt.UTC)
        try:
            plan = await _write(jobs, now)
        except Exception as exc:  # the batch failed as a whole: every waiter hears why
            settle(batch, [exc] * len(batch))
            continue
        settle(batch, plan.outcomes)
        _announce(jobs, plan)


async def _write(jobs: list[ScanJob], now: dt.datetime) -> Plan:
    return await fast().write(sqlite_write if is_sqlite() else pg_write, jobs, now)


_group: PerLoop[ScanJob] = PerLoop(_drain, MAX_BATCH)


def _announce(jobs: list[ScanJob], plan: Plan) -> None:
    """``checkin.created`` for every scan the batch recorded (not for replayed nonces)."""
    payloads = []
    for job, outcome, row in zip(jobs, plan.outcomes, plan.row_of, strict=True):
        if not isinstance(outcome, Outcome) or outcome.replayed or row is None:
            continue
        record = plan.rows[row]
        if record.nonce_key != job.nonce_key:  # a nonce repeated within the batch: once
            continue
        payloads.append(
            {
                "event_id": record.event,
                "list_id": record.checkin_list,
                "registration_id": record.registration,
                "admitted": record.admitted,
                "direction": record.direction,
                "code": record.code,
                "offline": record.offline,
                "conflict": record.conflict,
                "at": record.scanned_at,
            }
        )
    signals.emit_many("checkin.created", payloads)


# --- the service ----------------------------------------------------------------------------


def _nonce_key(scanner: Scanner, info: ListInfo, nonce: str) -> str:
    return f"{scanner.key}:{info.event_id}:{nonce}"


async def _job(scanner: Scanner, scan: ScanRequest | OfflineScan, now: dt.datetime) -> ScanJob:
    if (scan.token is None) == (scan.registration_id is None):
        raise InvalidInput({"token": N_("Send either a ticket token or a registration id.")})
    info = await list_info(scan.list_id)
    await may_scan(scanner, info.event_id, info.id)
    if scan.direction == "exit" and not info.allow_exit:
        raise ExitNotAllowed()
    offline = isinstance(scan, OfflineScan)
    return ScanJob(
        scanner_key=scanner.key,
        device_id=scanner.device_id,
        user_id=scanner.user_id,
        label=scanner.label,
        info=info,
        nonce_key=_nonce_key(scanner, info, scan.nonce),
        token=scan.token,
        registration_id=scan.registration_id,
        direction=scan.direction,
        scanned_at=_aware(scan.scanned_at) if offline else now,
        offline=offline,
        admitted_offline=scan.admitted_offline if offline else False,
        claims=read_claims(scan.token) if scan.token is not None else None,
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _result(job: ScanJob, outcome: Outcome) -> ScanResult:
    info, state = job.info, outcome.state
    attendee = previous = None
    if state is not None:
        names = info.ticket_type_names.get(state.ticket_type_id, ("", ""))
        attendee = Attendee(
            registration_id=state.registration_id,
            code=state.code,
            name=state.name,
            organisation=state.organisation,
            ticket_type_id=state.ticket_type_id,
            ticket_type=localized(*names),
        )
        if outcome.code == "already_checked_in" and state.first_at is not None:
            previous = PreviousScan(
                at=state.first_at,
                list_id=info.id,
                list_name=localized(info.name_en, info.name_zh),
                device=state.first_device,
            )
    message = EXIT_OK if outcome.code == "ok" and job.direction == "exit" else MESSAGES[outcome.code]
    return ScanResult(
        code=outcome.code,  # type: ignore[arg-type]
        admitted=outcome.admitted,
        message=_(message),
        scan_id=outcome.scan_id,
        list_id=info.id,
        direction=job.direction,  # type: ignore[arg-type]
        attendee=attendee,
        previous=previous,
        conflict=outcome.conflict,
    )


async def _submit(job: ScanJob) -> Outcome:
    # One queue for every scan, manual ones too, so scans keep their order (sync relies on it).
    try:
        return await _group.get().submit(job)
    except DeviceRevoked:
        from litestar.exceptions import NotAuthorizedException

        raise NotAuthorizedException("Invalid or revoked token.") from None


async def scan(scanner: Scanner, data: ScanRequest) -> ScanResult:
    """One online scan."""
    job = await _job(scanner, data, dt.datetime.now(dt.UTC))
    await check_scan_rate(scanner.key)
    if get_settings().unguarded_checkin:  # test-only control run, see checkin.scan_control
        from checkin.scan_control import scan_unguarded

        return _result(job, await scan_unguarded(job))
    return _result(job, await _submit(job))


async def sync(scanner: Scanner, data: SyncRequest) -> SyncResponse:
    """Scans a device made offline, in its order; each answered as if sent then.

    Every scan is validated before any is written, so a malformed upload records nothing and
    the device can fix and resend it whole (the nonces make resending safe)."""
    now = dt.datetime.now(dt.UTC)
    jobs = [await _job(scanner, item, now) for item in data.scans]
    await check_scan_rate(scanner.key)
    outcomes = await asyncio.gather(*(_submit(job) for job in jobs))
    return SyncResponse(results=[_result(job, outcome) for job, outcome in zip(jobs, outcomes, strict=True)])

"""Group commit for registrations on SQLite.

SQLite has one writer at a time and the fast path serialises writes under an asyncio lock.
Under a burst every write would also wait for the event loop twice (to resume the writer, to
wake the next one), and a loop busy with a thousand requests makes those waits, not SQLite,
the limit; every read on the single reader thread adds another hop. So registrations queue
here, and one task hands everything that queued up since its last turn to the writer thread
as ONE ``BEGIN IMMEDIATE`` transaction. Inside it, each registration runs in its own
``SAVEPOINT``: its pre-read (exact, as no other writer can change anything meanwhile; the event
and ticket part is read once per batch and kept current by the batch's own writes), the checks
of ``registration_plan.build_plan``, then the guarded write of ``registration_hot.sqlite_write``
with the one mail it needs filled in from the cached skeletons. A refusal (sold out, already
registered, code used up) rolls back just that registration; the others commit together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.db import fast
from app.db.fast import SQLiteConn
from app.db.group_commit import GroupCommit, PerLoop, settle
from events.registration_hot import PREREAD_SQL, Plan, sqlite_write
from events.registration_plan import RegistrationRequest, build_plan, needs_lookup

MAX_BATCH = 128  # bounds how long one transaction holds the write lock (a few ms)


@dataclass(slots=True)
class Lookup:
    """The pre-read found no open event: the caller explains why with more queries."""

    rows: list[dict[str, Any]]


@dataclass(slots=True)
class Written:
    plan: Plan
    registration_id: int
    status: str


Outcome = Written | Lookup | Exception


EXISTING_SQL = (
    'SELECT id FROM luyan_registration WHERE event = $1 AND "user" = $2 '
    "AND status NOT IN ('cancelled', 'rejected', 'expired')"  # the one_live index's predicate
)


class _Heads:
    """Pre-reads of the event and ticket type, shared by the registrations of one batch.

    Inside the transaction nobody else writes, so the only changes are the batch's own: each
    registration updates ``taken`` and ``queue_waiting`` here as it is written.
    """

    def __init__(self, conn: SQLiteConn) -> None:
        self.conn = conn
        self.rows: dict[tuple[int, int], list[dict[str, Any]]] = {}

    def for_request(self, request: RegistrationRequest) -> list[dict[str, Any]]:
        if request.invitation_code:  # rare: the full pre-read, which also finds the code
            return self.conn.fetch(PREREAD_SQL, *request.preread_args)
        key = (request.event_id, request.ticket_type_id)
        rows = self.rows.get(key)
        if rows is None:  # user 0 is nobody: the person's own registration is looked up below
            rows = self.rows[key] = self.conn.fetch(PREREAD_SQL, *key, 0, None)
        if not rows:
            return rows
        head = dict(rows[0], existing_id=self.conn.fetchval(EXISTING_SQL, request.event_id, request.user.id))
        return [head, *rows[1:]]

    def written(self, request: RegistrationRequest, status: str) -> None:
        rows = self.rows.get((request.event_id, request.ticket_type_id))
        if rows:
            if status == "confirmed":
                rows[0]["taken"] += 1
            elif status == "waitlisted":
                rows[0]["queue_waiting"] = True


def _one(heads: _Heads, request: RegistrationRequest) -> Written | Lookup:
    rows = heads.for_request(request)
    if needs_lookup(rows):
        return Lookup(rows)
    plan = build_plan(request, rows, prerender=False)  # the write renders only the mail it sends
    registration_id, status = sqlite_write(heads.conn, plan)
    heads.written(request, status)
    return Written(plan, registration_id, status)


def register_batch(conn: SQLiteConn, requests: list[RegistrationRequest]) -> list[Outcome]:
    """Runs inside ``BEGIN IMMEDIATE`` on the writer thread: one savepoint per registration."""
    heads = _Heads(conn)
    outcomes: list[Outcome] = []
    for request in requests:
        conn.raw.execute("SAVEPOINT registration")
        try:
            outcomes.append(_one(heads, request))
        except Exception as exc:  # this registration is refused or failed: undo only it
            conn.raw.execute("ROLLBACK TO registration")
            outcomes.append(exc)
        conn.raw.execute("RELEASE registration")
    return outcomes


async def _drain(group: GroupCommit[RegistrationRequest]) -> None:
    while group.queue:
        batch = group.take()
        try:
            outcomes: list[Any] = await fast().write(register_batch, [request for request, _ in batch])
        except Exception as exc:  # the transaction itself failed: nobody is registered
            outcomes = [exc] * len(batch)
        settle(batch, outcomes)


_groups: PerLoop[RegistrationRequest] = PerLoop(_drain, MAX_BATCH)


async def register(request: RegistrationRequest) -> Written | Lookup:
    """Queue ``request`` for the next group commit; raises what ``build_plan`` or the write raise."""
    return await _groups.get().submit(request)

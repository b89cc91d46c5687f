"""Planning a batch of scans: from what the transaction read to what it must write.

``plan_batch`` is pure. The writers (``checkin.scan_store``) read, inside one transaction, the
scans already recorded under the batch's nonces and the state of every ticket the batch names,
call ``plan_batch``, then write the rows it returns. Scans of one ticket within a batch see each
other (the state is updated as the plan goes), and a nonce repeated within the batch answers
like its first occurrence, so the batch behaves exactly like the same scans one by one.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from checkin.scan_rules import UNKNOWN, Outcome, ScanJob, TicketState, decide, settle_offline
from checkin.tokens import TicketClaims

Verdict = TicketClaims | str  # recognised claims, or the code that ends the scan (unknown, wrong_event)


class DeviceRevoked(Exception):
    """The device was revoked after its token was cached: refuse, record nothing."""


@dataclass(slots=True)
class CheckinRow:
    event: int
    checkin_list: int
    registration: int | None
    serial: int | None
    device: int | None
    staff_user: int | None
    device_label: str
    nonce_key: str
    direction: str
    code: str
    admitted: bool
    offline: bool
    conflict: bool
    scanned_at: dt.datetime


@dataclass(slots=True)
class PresenceWrite:
    """A presence row to insert (``new``) or to change; ``first_row`` indexes ``Plan.rows``."""

    event: int
    checkin_list: int
    registration: int
    new: bool
    inside: bool
    add_entries: int
    at: dt.datetime
    first_row: int | None = None


@dataclass(slots=True)
class Plan:
    # Per job: an Outcome (scan_id filled in after the insert from ``row_of``), or an exception.
    outcomes: list[Outcome | BaseException]
    row_of: list[int | None]  # per job: index into ``rows`` whose id is its scan id
    rows: list[CheckinRow] = field(default_factory=list)
    presence: dict[tuple[int, int], PresenceWrite] = field(default_factory=dict)

    def assign_ids(self, ids: list[int]) -> None:
        """Give every outcome the id its checkin row received."""
        for outcome, index in zip(self.outcomes, self.row_of, strict=True):
            if isinstance(outcome, Outcome) and index is not None:
                outcome.scan_id = ids[index]


def registration_of(job: ScanJob, verdict: Verdict | None) -> int | None:
    if isinstance(verdict, TicketClaims):
        return verdict.registration_id
    return job.registration_id if job.token is None else None


def plan_batch(
    jobs: list[ScanJob],
    verdicts: list[Verdict | None],
    prior: dict[str, dict[str, Any]],
    states: dict[tuple[int, int], TicketState],
    live_devices: set[int],
) -> Plan:
    """``prior``: recorded scans by nonce key; ``states``: by (registration id, list id), as read
    in the transaction (the plan updates them as it goes: pass fresh ones); ``live_devices``: ids
    of the batch's devices that are not revoked."""
    plan = Plan(outcomes=[], row_of=[])
    first_job_of_nonce: dict[str, int] = {}
    for i, (job, verdict) in enumerate(zip(jobs, verdicts, strict=True)):
        if job.device_id is not None and job.device_id not in live_devices:
            plan.outcomes.append(DeviceRevoked())
            plan.row_of.append(None)
            continue
        recorded = prior.get(job.nonce_key)
        if recorded is not None:  # a retry: the first answer, nothing new
            state = states.get((recorded["registration"], recorded["checkin_list"]))
            plan.outcomes.append(
                Outcome(
                    code=recorded["code"],
                    admitted=bool(recorded["admitted"]),
                    scan_id=recorded["id"],
                    conflict=bool(recorded["conflict"]),
                    state=state.clone() if state else None,
                    replayed=True,
                )
            )
            plan.row_of.append(None)
            continue
        if job.nonce_key in first_job_of_nonce:  # the same nonce twice in one batch
            first = first_job_of_nonce[job.nonce_key]
            original = plan.outcomes[first]
            plan.outcomes.append(copy.copy(original) if isinstance(original, Outcome) else original)
            plan.row_of.append(plan.row_of[first])
            continue
        first_job_of_nonce[job.nonce_key] = i
        _plan_one(plan, job, verdict, states)
    return plan


def _plan_one(
    plan: Plan, job: ScanJob, verdict: Verdict | None, states: dict[tuple[int, int], TicketState]
) -> None:
    info = job.info
    claims = verdict if isinstance(verdict, TicketClaims) else None
    registration_id = registration_of(job, verdict)
    state = states.get((registration_id, info.id)) if registration_id is not None else None
    if isinstance(verdict, str):
        code = verdict
        state = None  # never show who a foreign or broken token might belong to
    elif state is None:
        code = UNKNOWN
    else:
        code = decide(info, claims, state, job.direction, info.local_day(job.scanned_at))
        if state.event_id != info.event_id:
            state = None
    admitted, conflict = settle_offline(code, job)
    snapshot = state.clone() if state is not None else None  # "previous" as it was before
    plan.row_of.append(len(plan.rows))
    plan.rows.append(
        CheckinRow(
            event=info.event_id,
            checkin_list=info.id,
            registration=state.registration_id if state else None,
            serial=claims.serial if claims else None,
            device=job.device_id,
            staff_user=job.user_id,
            device_label=job.label[:120],
            nonce_key=job.nonce_key,
            direction=job.direction,
            code=code,
            admitted=admitted,
            offline=job.offline,
            conflict=conflict,
            scanned_at=job.scanned_at,
        )
    )
    plan.outcomes.append(Outcome(code=code, admitted=admitted, scan_id=0, conflict=conflict, state=snapshot))
    if admitted and state is not None:
        _move(plan, job, state, len(plan.rows) - 1)


def _move(plan: Plan, job: ScanJob, state: TicketState, row: int) -> None:
    """Apply an admission to the ticket's presence on the list (folded per ticket and list)."""
    key = (job.info.id, state.registration_id)
    entering = job.direction == "entry"
    write = plan.presence.get(key)
    if write is None:
        write = plan.presence[key] = PresenceWrite(
            event=job.info.event_id,
            checkin_list=job.info.id,
            registration=state.registration_id,
            new=not state.present,
            inside=state.inside,
            add_entries=0,
            at=job.scanned_at,
            first_row=row if not state.present else None,
        )
    write.inside = entering
    write.add_entries += 1 if entering else 0
    write.at = max(write.at, job.scanned_at)
    if not state.present:
        state.first_at, state.first_device = job.scanned_at, job.label
    state.present, state.inside = True, entering

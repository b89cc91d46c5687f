"""What a scan decides, as pure functions and plain data (no database, no I/O).

``decide`` answers one scan from the ticket's claims (or none, for a manual check-in), the
registration's current state and the list's rules. The writers in ``checkin.scan_store`` read
that state inside their transaction and call it, on SQLite and PostgreSQL alike; the offline
scanner page applies the same rules to its bundle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from checkin.tokens import TicketClaims

OK = "ok"
ALREADY = "already_checked_in"
REVOKED = "revoked"
UNKNOWN = "unknown"
WRONG_EVENT = "wrong_event"
NOT_VALID_NOW = "not_valid_now"
NOT_APPROVED = "not_approved"
WRONG_LIST = "wrong_list"
NOT_INSIDE = "not_inside"
ENDED_STATUSES = frozenset({"cancelled", "rejected", "expired"})


@dataclass(slots=True, frozen=True)
class ListInfo:
    """A check-in list with what scanning needs of its event, cached per process."""

    id: int
    event_id: int
    name_en: str
    name_zh: str
    ticket_type_ids: frozenset[int]
    days: frozenset[dt.date]
    allow_reentry: bool
    allow_exit: bool
    timezone: ZoneInfo
    first_day: dt.date
    ticket_type_names: dict[int, tuple[str, str]] = field(default_factory=dict)  # id -> (en, zh)
    registration_ids: frozenset[int] | None = None  # None: not restricted to named people

    def local_day(self, at: dt.datetime) -> dt.date:
        return at.astimezone(self.timezone).date()


@dataclass(slots=True)
class TicketState:
    """The registration and its presence on the list, as read in the scan's transaction."""

    registration_id: int
    event_id: int
    status: str
    ticket_type_id: int
    code: str
    name: str
    organisation: str
    live_serial: int | None
    present: bool = False  # a presence row exists for this list
    inside: bool = False
    first_at: dt.datetime | None = None
    first_device: str = ""

    def clone(self) -> TicketState:
        """A snapshot (cheaper than ``copy.copy`` on a slotted dataclass, on the hot path)."""
        return TicketState(
            self.registration_id, self.event_id, self.status, self.ticket_type_id, self.code, self.name,
            self.organisation, self.live_serial, self.present, self.inside, self.first_at, self.first_device,
        )  # fmt: skip


def decide(
    info: ListInfo, claims: TicketClaims | None, state: TicketState, direction: str, day: dt.date
) -> str:
    """The scan's code; ``OK`` means the door lets the person in (or out)."""
    if state.event_id != info.event_id:
        return WRONG_EVENT
    if claims is not None and claims.serial != state.live_serial:
        return REVOKED  # re-issued or cancelled since this token was made
    if state.status != "confirmed":
        return REVOKED if state.status in ENDED_STATUSES else NOT_APPROVED
    if info.ticket_type_ids and state.ticket_type_id not in info.ticket_type_ids:
        return WRONG_LIST
    if info.registration_ids is not None and state.registration_id not in info.registration_ids:
        return WRONG_LIST  # e.g. not signed up for this activity
    if claims is not None and not claims.valid_on(info.first_day, day):
        return NOT_VALID_NOW
    if info.days and day not in info.days:
        return NOT_VALID_NOW
    if direction == "exit":
        return OK if state.present and state.inside else NOT_INSIDE
    if state.present:
        if not info.allow_reentry:
            return ALREADY
        if info.allow_exit and state.inside:
            return ALREADY  # re-entry after an exit scan only
    return OK


@dataclass(slots=True)
class ScanJob:
    """One scan on its way to the writer."""

    scanner_key: str
    device_id: int | None
    user_id: int | None
    label: str
    info: ListInfo
    nonce_key: str
    token: str | None
    registration_id: int | None
    direction: str
    scanned_at: dt.datetime
    offline: bool = False
    admitted_offline: bool = False
    # What the token states, from its structure alone (``tokens.read_claims``); ``None`` for a
    # malformed token or a manual check-in. The writer recognises the token before trusting it.
    claims: TicketClaims | None = None


@dataclass(slots=True)
class Outcome:
    """What the writer recorded (or found recorded, for a retried nonce)."""

    code: str
    admitted: bool
    scan_id: int
    conflict: bool = False
    state: TicketState | None = None  # None: the token named no registration we could show
    replayed: bool = False


def settle_offline(code: str, job: ScanJob) -> tuple[bool, bool]:
    """(admitted, conflict) for a scan. Online: admitted iff ``ok``. Offline: the device already
    decided; an admission the server would have refused is recorded as a conflict."""
    if not job.offline:
        return code == OK, False
    if job.admitted_offline:
        return True, code != OK
    return False, False

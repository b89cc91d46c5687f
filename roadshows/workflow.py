"""The life of a submission: its states, the moves between them and who may make each move.

    submitted -> under_review -> shortlisted -> scheduled -> pitched -> awarded
        |              |              |             |           |
        +--------------+--------------+-------------+-----------+--> rejected   (organiser)
    any state but awarded / rejected / withdrawn ------------------> withdrawn  (team)

Organisers move a submission forward or reject it; the team can only withdraw it. Organisers
do not withdraw on a team's behalf: a team that asks to leave is rejected with a note, so the
record says who ended it. Pure: no database, no request.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

from app.errors import Conflict
from app.i18n import N_

SubmissionStatus = Literal[
    "submitted", "under_review", "shortlisted", "scheduled", "pitched", "awarded", "rejected", "withdrawn"
]
ActorRole = Literal["organiser", "team"]

STATUSES: tuple[str, ...] = (
    "submitted",
    "under_review",
    "shortlisted",
    "scheduled",
    "pitched",
    "awarded",
    "rejected",
    "withdrawn",
)
STATUS_LABELS: dict[str, str] = {
    "submitted": N_("Submitted"),
    "under_review": N_("Under review"),
    "shortlisted": N_("Shortlisted"),
    "scheduled": N_("Scheduled to pitch"),
    "pitched": N_("Pitched"),
    "awarded": N_("Awarded"),
    "rejected": N_("Not selected"),
    "withdrawn": N_("Withdrawn"),
}
# The buttons that make each move, and the question asked before.
MOVE_LABELS: dict[str, tuple[str, str]] = {
    "under_review": (N_("Start review"), N_("Start reviewing this submission?")),
    "shortlisted": (N_("Shortlist"), N_("Put this submission on the shortlist?")),
    "scheduled": (N_("Schedule pitch"), N_("Mark this submission as scheduled to pitch?")),
    "pitched": (N_("Mark pitched"), N_("Mark this submission as pitched?")),
    "awarded": (N_("Give award"), N_("Give this submission an award? The team is told at once.")),
    "rejected": (N_("Reject"), N_("Reject this submission? The team is told at once. This is final.")),
    "withdrawn": (N_("Withdraw"), N_("Withdraw this submission? This cannot be undone.")),
}
# The way forward, in order: the progress shown to teams.
PIPELINE: tuple[str, ...] = ("submitted", "under_review", "shortlisted", "scheduled", "pitched", "awarded")
FINAL: frozenset[str] = frozenset({"awarded", "rejected", "withdrawn"})
ROLES: tuple[str, ...] = ("organiser", "team")

_FORWARD: dict[str, str] = dict(pairwise(PIPELINE))
_REJECTABLE: frozenset[str] = frozenset({"submitted", "under_review", "shortlisted", "scheduled", "pitched"})


class IllegalMove(Conflict):
    """409 ``illegal_move``; the problem body carries ``allowed``: where it may go instead."""

    code, message = "illegal_move", N_("This submission cannot move from %(from_status)s to %(to_status)s.")

    def __init__(self, from_status: str, to_status: str, allowed: list[str]) -> None:
        super().__init__(
            extra={"submission_status": from_status, "allowed": allowed},
            from_status=from_status,
            to_status=to_status,
        )
        self.allowed = allowed


def allowed_moves(status: str, actor_role: str) -> list[str]:
    """The statuses ``actor_role`` may move a submission in ``status`` to, in pipeline order."""
    if status in FINAL or status not in STATUS_LABELS:
        return []
    if actor_role == "team":
        return ["withdrawn"]
    if actor_role == "organiser":
        moves = [_FORWARD[status]] if status in _FORWARD else []
        return moves + (["rejected"] if status in _REJECTABLE else [])
    return []


def moves_for(status: str, roles: set[str] | frozenset[str] | list[str] | tuple[str, ...]) -> list[str]:
    """Moves open to someone holding several roles (an organiser on their own team)."""
    found: list[str] = []
    for role in ROLES:
        if role in roles:
            found += [m for m in allowed_moves(status, role) if m not in found]
    return found


def check_move(status: str, to_status: str, roles: set[str] | frozenset[str] | tuple[str, ...]) -> None:
    """Raise ``IllegalMove`` unless one of ``roles`` may move ``status`` to ``to_status``."""
    allowed = moves_for(status, roles)
    if to_status not in allowed:
        raise IllegalMove(status, to_status, allowed)


def progress(status: str) -> tuple[int, int]:
    """``(steps done, steps in all)`` along the pipeline; rejected and withdrawn show none."""
    total = len(PIPELINE) - 1
    if status in PIPELINE:
        return PIPELINE.index(status), total
    return 0, total

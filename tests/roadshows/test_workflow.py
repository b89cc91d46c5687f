"""The submission workflow on its own: who may move a submission where."""

from __future__ import annotations

import pytest

from roadshows.workflow import (
    FINAL,
    STATUSES,
    IllegalMove,
    allowed_moves,
    check_move,
    moves_for,
    progress,
)

ORGANISER_MOVES = {
    "submitted": ["under_review", "rejected"],
    "under_review": ["shortlisted", "rejected"],
    "shortlisted": ["scheduled", "rejected"],
    "scheduled": ["pitched", "rejected"],
    "pitched": ["awarded", "rejected"],
    "awarded": [],
    "rejected": [],
    "withdrawn": [],
}


@pytest.mark.parametrize("status", STATUSES)
def test_organiser_moves_forward_one_step_or_rejects(status: str) -> None:
    assert allowed_moves(status, "organiser") == ORGANISER_MOVES[status]


@pytest.mark.parametrize("status", STATUSES)
def test_team_can_only_withdraw_and_only_before_the_end(status: str) -> None:
    assert allowed_moves(status, "team") == ([] if status in FINAL else ["withdrawn"])


def test_final_states() -> None:
    assert frozenset({"awarded", "rejected", "withdrawn"}) == FINAL
    for status in FINAL:
        assert moves_for(status, {"organiser", "team"}) == []


def test_unknown_status_or_role_allows_nothing() -> None:
    assert allowed_moves("lost", "organiser") == []
    assert allowed_moves("submitted", "investor") == []


def test_an_organiser_on_the_team_holds_both_sets_of_moves() -> None:
    assert moves_for("shortlisted", {"organiser", "team"}) == ["scheduled", "rejected", "withdrawn"]


def test_illegal_move_carries_the_allowed_targets() -> None:
    with pytest.raises(IllegalMove) as caught:
        check_move("submitted", "awarded", {"organiser"})
    error = caught.value
    assert error.status == 409 and error.code == "illegal_move"
    assert error.extra == {"submission_status": "submitted", "allowed": ["under_review", "rejected"]}
    with pytest.raises(IllegalMove):
        check_move("submitted", "shortlisted", {"team"})
    with pytest.raises(IllegalMove):
        check_move("submitted", "withdrawn", {"organiser"})
    check_move("pitched", "awarded", {"organiser"})  # legal: no error


def test_progress_along_the_pipeline() -> None:
    assert progress("submitted") == (0, 5)
    assert progress("shortlisted") == (2, 5)
    assert progress("awarded") == (5, 5)
    assert progress("rejected") == (0, 5)

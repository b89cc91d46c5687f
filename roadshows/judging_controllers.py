"""The judging API (tag ``judging``): rounds of a call, their rubric, entries, panel,
conflicts of interest and scores.

Organiser-only routes are guarded by ``requires_organiser`` and then check the round's event
belongs to the caller's organisation; routes judges use too are guarded by ``requires_login``
and answer 404 to anyone who neither organises the round nor sits on its panel.
"""

from __future__ import annotations

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from app.auth import current_user, requires_login, requires_organiser
from roadshows import judging, panel, rounds
from roadshows.judging_schemas import (
    ConflictDeclare,
    ConflictRead,
    ConflictRecord,
    CriteriaOrder,
    CriterionCreate,
    CriterionRead,
    CriterionUpdate,
    EntriesAdd,
    EntryRead,
    JudgeAdd,
    JudgeRead,
    MyRound,
    ProgressMatrix,
    RoundCreate,
    RoundMove,
    RoundRead,
    RoundUpdate,
    ScoreInput,
    ScoreRead,
)

RoundId = FromPath[int]
ORGANISER = [requires_organiser]
SIGNED_IN = [requires_login]


class CallRoundsController(Controller):
    path = "/api/v1/calls/{call_id:int}/rounds"
    tags = ["judging"]

    @get("/", guards=ORGANISER, summary="Rounds of a call, in order")
    async def list_rounds(self, request: Request, call_id: FromPath[int]) -> list[RoundRead]:
        return await rounds.list_rounds(current_user(request), call_id)

    @post("/", guards=ORGANISER, summary="Add a round (preliminary, semi-final or final) to a call")
    async def create_round(
        self, request: Request, call_id: FromPath[int], data: JSONBody[RoundCreate]
    ) -> RoundRead:
        return await rounds.create_round(current_user(request), call_id, data)


class RoundController(Controller):
    path = "/api/v1/rounds"
    tags = ["judging"]

    # -- the round ---------------------------------------------------------------------------
    @get("/", guards=SIGNED_IN, summary="Rounds on whose panel I sit, with my progress")
    async def my_rounds(self, request: Request) -> list[MyRound]:
        return await judging.my_rounds(current_user(request))

    @get("/{round_id:int}", guards=SIGNED_IN, summary="One round with its rubric (organisers and its judges)")
    async def get_round(self, request: Request, round_id: RoundId) -> RoundRead:
        return await judging.view_round(current_user(request), round_id)

    @patch(
        "/{round_id:int}",
        guards=ORGANISER,
        summary="Change a round's name, blind flag, scale or advance count",
    )
    async def update_round(
        self, request: Request, round_id: RoundId, data: JSONBody[RoundUpdate]
    ) -> RoundRead:
        return await rounds.update_round(current_user(request), round_id, data)

    @delete(
        "/{round_id:int}",
        guards=ORGANISER,
        status_code=HTTP_204_NO_CONTENT,
        summary="Delete a draft round nobody scored",
    )
    async def delete_round(self, request: Request, round_id: RoundId) -> None:
        await rounds.delete_round(current_user(request), round_id)

    @post(
        "/{round_id:int}/status",
        guards=ORGANISER,
        status_code=HTTP_200_OK,
        summary="Move a round: draft -> scoring -> closed (reopen to scoring until published)",
    )
    async def move_round(self, request: Request, round_id: RoundId, data: JSONBody[RoundMove]) -> RoundRead:
        return await rounds.move_round(current_user(request), round_id, data.status)

    # -- rubric ------------------------------------------------------------------------------
    @post("/{round_id:int}/criteria", guards=ORGANISER, summary="Add a criterion to a round's rubric")
    async def add_criterion(
        self, request: Request, round_id: RoundId, data: JSONBody[CriterionCreate]
    ) -> CriterionRead:
        return await rounds.add_criterion(current_user(request), round_id, data)

    @put(
        "/{round_id:int}/criteria/order",
        guards=ORGANISER,
        summary="Reorder a round's criteria (every criterion id, in order)",
    )
    async def reorder_criteria(
        self, request: Request, round_id: RoundId, data: JSONBody[CriteriaOrder]
    ) -> list[CriterionRead]:
        return await rounds.reorder_criteria(current_user(request), round_id, data)

    @patch("/{round_id:int}/criteria/{criterion_id:int}", guards=ORGANISER, summary="Change a criterion")
    async def update_criterion(
        self,
        request: Request,
        round_id: RoundId,
        criterion_id: FromPath[int],
        data: JSONBody[CriterionUpdate],
    ) -> CriterionRead:
        return await rounds.update_criterion(current_user(request), round_id, criterion_id, data)

    @delete(
        "/{round_id:int}/criteria/{criterion_id:int}",
        guards=ORGANISER,
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a criterion (only before anyone scored)",
    )
    async def delete_criterion(
        self, request: Request, round_id: RoundId, criterion_id: FromPath[int]
    ) -> None:
        await rounds.delete_criterion(current_user(request), round_id, criterion_id)

    # -- entries -----------------------------------------------------------------------------
    @get(
        "/{round_id:int}/entries",
        guards=SIGNED_IN,
        summary="Entries of a round (judges: blind-aware, with my score state)",
    )
    async def list_entries(self, request: Request, round_id: RoundId) -> list[EntryRead]:
        return await judging.round_entries(current_user(request), round_id)

    @post(
        "/{round_id:int}/entries",
        guards=ORGANISER,
        status_code=HTTP_200_OK,
        summary="Enter submissions of the call (by id, or all with a status)",
    )
    async def add_entries(
        self, request: Request, round_id: RoundId, data: JSONBody[EntriesAdd]
    ) -> list[EntryRead]:
        user = current_user(request)
        await rounds.add_entries(user, round_id, data)
        return await judging.round_entries(user, round_id)

    @delete(
        "/{round_id:int}/entries/{submission_id:int}",
        guards=ORGANISER,
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove an entry nobody scored",
    )
    async def remove_entry(self, request: Request, round_id: RoundId, submission_id: FromPath[int]) -> None:
        await rounds.remove_entry(current_user(request), round_id, submission_id)

    # -- panel -------------------------------------------------------------------------------
    @get("/{round_id:int}/judges", guards=ORGANISER, summary="The round's panel with each judge's progress")
    async def list_judges(self, request: Request, round_id: RoundId) -> list[JudgeRead]:
        return await panel.list_judges(current_user(request), round_id)

    @post(
        "/{round_id:int}/judges",
        guards=ORGANISER,
        status_code=HTTP_200_OK,
        summary="Seat a judge (an existing account, by e-mail or id) on the panel",
    )
    async def add_judge(
        self, request: Request, round_id: RoundId, data: JSONBody[JudgeAdd]
    ) -> list[JudgeRead]:
        return await panel.add_judge(current_user(request), round_id, data)

    @delete(
        "/{round_id:int}/judges/{user_id:int}",
        guards=ORGANISER,
        status_code=HTTP_204_NO_CONTENT,
        summary="Take a judge who has not scored off the panel",
    )
    async def remove_judge(self, request: Request, round_id: RoundId, user_id: FromPath[int]) -> None:
        await panel.remove_judge(current_user(request), round_id, user_id)

    # -- conflicts of interest ---------------------------------------------------------------
    @post(
        "/{round_id:int}/entries/{submission_id:int}/conflict",
        guards=SIGNED_IN,
        status_code=HTTP_204_NO_CONTENT,
        summary="Declare my conflict of interest with an entry's project (deletes my score of it)",
    )
    async def declare_conflict(
        self,
        request: Request,
        round_id: RoundId,
        submission_id: FromPath[int],
        data: JSONBody[ConflictDeclare],
    ) -> None:
        await judging.declare_conflict(current_user(request), round_id, submission_id, data.reason)

    @get("/{round_id:int}/conflicts", guards=ORGANISER, summary="Conflicts of interest of the round's panel")
    async def list_conflicts(self, request: Request, round_id: RoundId) -> list[ConflictRead]:
        return await judging.list_conflicts(current_user(request), round_id)

    @post(
        "/{round_id:int}/conflicts",
        guards=ORGANISER,
        status_code=HTTP_200_OK,
        summary="Record a conflict of interest for a judge of the panel",
    )
    async def record_conflict(
        self, request: Request, round_id: RoundId, data: JSONBody[ConflictRecord]
    ) -> list[ConflictRead]:
        return await judging.record_conflict(
            current_user(request), round_id, data.judge_id, data.submission_id, data.reason
        )

    @delete(
        "/{round_id:int}/conflicts/{conflict_id:int}",
        guards=ORGANISER,
        status_code=HTTP_204_NO_CONTENT,
        summary="Withdraw a conflict of interest recorded by mistake",
    )
    async def withdraw_conflict(
        self, request: Request, round_id: RoundId, conflict_id: FromPath[int]
    ) -> None:
        await judging.withdraw_conflict(current_user(request), round_id, conflict_id)

    # -- scores ------------------------------------------------------------------------------
    @put(
        "/{round_id:int}/entries/{submission_id:int}/score",
        guards=SIGNED_IN,
        summary="Save my score of an entry (a value per criterion; saving again replaces it)",
    )
    async def save_score(
        self, request: Request, round_id: RoundId, submission_id: FromPath[int], data: JSONBody[ScoreInput]
    ) -> ScoreRead:
        return await judging.save_score(current_user(request), round_id, submission_id, data)

    @get(
        "/{round_id:int}/entries/{submission_id:int}/score", guards=SIGNED_IN, summary="My score of an entry"
    )
    async def my_score(self, request: Request, round_id: RoundId, submission_id: FromPath[int]) -> ScoreRead:
        return await judging.my_score(current_user(request), round_id, submission_id)

    @get("/{round_id:int}/scores", guards=ORGANISER, summary="Every judge's raw scores of a round")
    async def round_scores(self, request: Request, round_id: RoundId) -> list[ScoreRead]:
        return await judging.round_scores(current_user(request), round_id)

    @get("/{round_id:int}/progress", guards=ORGANISER, summary="Judge x entry scoring progress of a round")
    async def progress(self, request: Request, round_id: RoundId) -> ProgressMatrix:
        return await judging.progress_matrix(current_user(request), round_id)


ROUTES = [CallRoundsController, RoundController]

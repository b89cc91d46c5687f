"""The live leaderboard of a round: the ranking on a big screen, moving as judges score.

``judging.scored`` (emitted after each saved score), ``judging.score_removed`` and
``round.published`` mark a round as changed; this process recomputes the ranking (``roadshows.ranking.round_ranking``) at most once
per ``PUBLISH_EVERY_S`` per round and publishes it on the topic ``leaderboard-<round id>``
through the live hub, so twenty judges scoring within a second cost two rankings, not twenty.

Who may watch: the organisers of the round's event and the judges on its panel (cookie
session; the Origin is checked; anyone else is refused before the handshake completes). In a
blind round team names are never sent: the screen may be in a room full of teams.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import msgspec
from litestar import WebSocket, websocket
from litestar.events import listener
from litestar.exceptions import WebSocketException
from litestar.params import FromPath

from app.auth import CurrentUser, current_user, requires_login
from app.errors import NotFound
from livestream import hub
from roadshows.access import judge_round, organiser_round
from roadshows.ranking import RoundRanking, round_ranking

log = logging.getLogger("luyan.roadshows.leaderboard")

LEADERBOARD_PATH = "/ws/rounds/{round_id:int}/leaderboard"
PUBLISH_EVERY_S = 0.5


def topic(round_id: int) -> str:
    return f"leaderboard-{round_id}"


class LeaderboardRow(msgspec.Struct):
    submission_id: int
    rank: int | None
    project_name_en: str
    project_name_zh: str
    team_name: str  # empty in a blind round
    judges_count: int
    score: float | None  # normalised, on the round's own scale
    mean: float | None
    incomplete: bool


class Leaderboard(msgspec.Struct):
    round_id: int
    name_en: str
    name_zh: str
    kind: str
    status: str
    blind: bool
    published: bool
    scale_min: int
    scale_max: int
    panel_size: int
    scores_count: int
    rows: list[LeaderboardRow]


def board_from(ranking: RoundRanking) -> Leaderboard:
    """The screen's view of a ranking: no judge's own scores, no team names when blind."""
    rows = [
        LeaderboardRow(
            submission_id=r.submission_id,
            rank=r.rank,
            project_name_en=r.project_name_en,
            project_name_zh=r.project_name_zh,
            team_name="" if ranking.blind else r.team_name,
            judges_count=r.judges_count,
            score=r.normalised_on_scale,
            mean=r.mean,
            incomplete=r.incomplete,
        )
        for r in ranking.rows
    ]
    return Leaderboard(
        round_id=ranking.round_id,
        name_en=ranking.name_en,
        name_zh=ranking.name_zh,
        kind=ranking.kind,
        status=ranking.status,
        blind=ranking.blind,
        published=ranking.published,
        scale_min=ranking.scale_min,
        scale_max=ranking.scale_max,
        panel_size=ranking.panel_size,
        scores_count=ranking.scores_count,
        rows=rows,
    )


async def board(round_id: int) -> Leaderboard:
    return board_from(await round_ranking(round_id))


def message(view: Leaderboard) -> dict[str, Any]:
    return {"type": "ranking", "leaderboard": view}


async def watchable_round(user: CurrentUser, round_id: int) -> dict[str, Any]:
    """The round row if ``user`` organises its event or sits on its panel; else ``NotFound``."""
    try:
        return await organiser_round(user, round_id)
    except NotFound:
        return await judge_round(user, round_id)


# -- publishing ------------------------------------------------------------------------------
class _Coalescer:
    """At most one ranking per round every ``PUBLISH_EVERY_S``: the first change publishes at
    once, later ones within the window are folded into one publication at its end."""

    def __init__(self) -> None:
        self.last: dict[int, float] = {}  # round id -> monotonic time of the last publication
        self.waiting: set[int] = set()  # rounds with a publication scheduled
        self.tasks: set[asyncio.Task[None]] = set()

    def changed(self, round_id: int) -> None:
        if round_id in self.waiting:
            return
        self.waiting.add(round_id)
        delay = self.last.get(round_id, -PUBLISH_EVERY_S) + PUBLISH_EVERY_S - time.monotonic()
        task = asyncio.get_running_loop().create_task(self._publish(round_id, max(delay, 0.0)))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _publish(self, round_id: int, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
        finally:
            self.waiting.discard(round_id)
        self.last[round_id] = time.monotonic()
        if len(self.last) > 10_000:  # forget rounds not changed for a while
            cutoff = time.monotonic() - 60
            self.last = {k: t for k, t in self.last.items() if t > cutoff}
        live = hub.current_hub()
        if live is None:
            return
        try:
            view = await board(round_id)
        except NotFound:
            return  # the round was deleted meanwhile
        live.publish(topic(round_id), message(view))


_coalescer = _Coalescer()


@listener("judging.scored", "judging.score_removed", "round.published")
async def ranking_changed(round_id: int, **_: Any) -> None:
    """A score saved or struck out, or the ranking frozen by publication."""
    _coalescer.changed(round_id)


# -- the socket ------------------------------------------------------------------------------
@websocket(LEADERBOARD_PATH, guards=[hub.same_origin, requires_login])
async def leaderboard_socket(socket: WebSocket, round_id: FromPath[int]) -> None:
    """Organisers of the event and the round's judges: ``{"type": "ranking", "leaderboard":
    ...}`` on connect and after scores arrive (at most two a second)."""
    try:
        await watchable_round(current_user(socket), round_id)
    except NotFound:
        raise WebSocketException(detail="not found", code=hub.CLOSE_NOT_FOUND) from None

    async def greeting() -> dict[str, Any]:
        return message(await board(round_id))

    await hub.serve(socket, topic(round_id), greeting)


ROUTES = [leaderboard_socket]
LISTENERS = [ranking_changed]

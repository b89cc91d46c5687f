"""The results API (tag ``judging``): rankings, advancement, publication, exports, public results.

Organiser operations are guarded by sign-in only, then by ``roadshows.access.organiser_round``:
anyone who does not organise the round's event (a judge, a team, an investor, another
organiser) gets 404, exactly as for a round that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Request, Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from app.auth import current_user, public, requires_login
from roadshows import results, results_exports
from roadshows.access import organiser_round
from roadshows.ranking import round_ranking
from roadshows.results_schemas import (
    AdvanceRequest,
    AdvanceResult,
    PublicResults,
    PublishResult,
    RoundRanking,
)

TAGS = ["judging"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@get(
    "/api/v1/rounds/{round_id:int}/ranking",
    guards=[requires_login],
    tags=TAGS,
    summary="A round's ranking with per-entry statistics (organisers)",
    description=(
        "Entries best first: number of judges, mean and median of the judges' totals, the "
        "normalised score (mean of per-judge z-scores) and the same on the round's scale, rank "
        "(ties share a rank), `incomplete` when fewer judges than the round's median scored it. "
        "Once the round is published, rank and scale score are the frozen ones."
    ),
)
async def get_ranking(request: Request, round_id: FromPath[int]) -> RoundRanking:
    return await results.organiser_ranking(current_user(request), round_id)


@post(
    "/api/v1/rounds/{round_id:int}/advance",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Advance entries of a closed round to the call's next round (organisers)",
    description=(
        'Body `{"top": N}` (entries ranked N or better: everyone tied at the cut-off goes too, '
        'listed in `tied_at_cutoff`) or `{"submission_ids": [...]}` (entries of this round). '
        "Idempotent. Errors: 409 `round_not_closed`, `no_next_round`, `next_round_closed`, "
        "`no_ranked_entries`; 422 for entries of another round."
    ),
)
async def advance_round(
    request: Request, round_id: FromPath[int], data: JSONBody[AdvanceRequest]
) -> AdvanceResult:
    return await results.advance(current_user(request), round_id, data)


@post(
    "/api/v1/rounds/{round_id:int}/publish",
    guards=[requires_login],
    tags=TAGS,
    status_code=HTTP_200_OK,
    summary="Publish a closed round's results (organisers)",
    description=(
        "Freezes every entry's rank and final score (the normalised score on the round's scale) "
        "and makes the round part of the event's public results. Errors: 409 `round_not_closed`, "
        "`already_published`."
    ),
)
async def publish_round(request: Request, round_id: FromPath[int]) -> PublishResult:
    return await results.publish(current_user(request), round_id)


@get(
    "/api/v1/events/{event_id:int}/results",
    guards=[public],
    tags=TAGS,
    summary="An event's published results",
    description="Published rounds only: rank, project names, final score and awards; no judge data.",
)
async def get_public_results(request: Request, event_id: FromPath[int]) -> PublicResults:
    return await results.public_results(event_id, request.scope.get("user"))


def _download(round_id: int, suffix: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="round-{round_id}-{suffix}"'}


@get(
    "/api/v1/rounds/{round_id:int}/results.csv",
    guards=[requires_login],
    tags=TAGS,
    summary="Export a round's ranking or scores as CSV (organisers)",
    description=(
        "The ranking, or with `detail=scores` every judge's score per entry and criterion (long "
        "format). Headers in the requester's language; UTF-8 with a byte-order mark for Excel."
    ),
    response_description="The file, as an attachment.",
)
async def export_csv(
    request: Request,
    round_id: FromPath[int],
    detail: Annotated[Literal["ranking", "scores"], QueryParameter()] = "ranking",
) -> Response[bytes]:
    await organiser_round(current_user(request), round_id)
    ranking = await round_ranking(round_id)
    if detail == "scores":
        sheet, suffix = await results_exports.scores_long(ranking), "scores.csv"
    else:
        sheet, suffix = results_exports.ranking_sheet(ranking), "ranking.csv"
    return Response(
        results_exports.csv_bytes(sheet),
        media_type="text/csv; charset=utf-8",
        headers=_download(round_id, suffix),
    )


@get(
    "/api/v1/rounds/{round_id:int}/results.xlsx",
    guards=[requires_login],
    tags=TAGS,
    summary="Export a round's ranking and scores as XLSX (organisers)",
    description="Two sheets: the ranking, and each judge's scores per entry with a column per criterion.",
    response_description="The workbook, as an attachment.",
)
async def export_xlsx(request: Request, round_id: FromPath[int]) -> Response[bytes]:
    await organiser_round(current_user(request), round_id)
    ranking = await round_ranking(round_id)
    sheets = [results_exports.ranking_sheet(ranking), await results_exports.scores_wide(ranking)]
    return Response(
        await results_exports.xlsx_bytes(sheets), media_type=XLSX, headers=_download(round_id, "results.xlsx")
    )


ROUTES = [get_ranking, advance_round, publish_round, get_public_results, export_csv, export_xlsx]

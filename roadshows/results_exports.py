"""A round's results as CSV or XLSX for its organisers.

* CSV: the ranking, one row per entry; ``detail=scores`` gives the scores in long format instead
  (one row per entry, judge and criterion), which pivots well in a spreadsheet.
* XLSX: two sheets, the ranking and the scores (one row per entry and judge, a column per
  criterion).

Headers are in the requester's language, project and criterion names in both languages. As in
``events.exports``, CSV starts with a byte-order mark so that Excel reads the UTF-8 Chinese
correctly, cells that a spreadsheet would run as formulas are defused, and the XLSX file is
built by xlsxwriter in a worker thread.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from typing import Any

from app.db import fast
from app.i18n import _
from events.exports import CSV_BOM, _csv_lines, _defused
from roadshows import scoring
from roadshows.ranking import decode_values, judge_total
from roadshows.results_schemas import RankingCriterion, RoundRanking

Cell = str | int | float | None

SCORES_SQL = (
    'SELECT sc.submission, sc.judge, u.display_name AS judge_name, sc."values", sc.total, sc.comment '
    "FROM luyan_score sc "
    'JOIN luyan_round_entry e ON e."round" = sc."round" AND e.submission = sc.submission '
    "JOIN luyan_submission s ON s.id = sc.submission "
    "JOIN luyan_user u ON u.id = sc.judge "
    'WHERE sc."round" = $1 '
    '  AND EXISTS (SELECT 1 FROM luyan_judge_assignment a WHERE a."round" = sc."round" AND a.judge = sc.judge) '
    "  AND NOT EXISTS (SELECT 1 FROM luyan_judge_conflict jc WHERE jc.judge = sc.judge AND jc.project = s.project) "
    "ORDER BY sc.submission, u.display_name, sc.judge"
)


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    headers: list[str]
    rows: list[list[Cell]]


def _figure(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _criterion_header(criterion: RankingCriterion) -> str:
    names = criterion.name_en if not criterion.name_zh else f"{criterion.name_en} / {criterion.name_zh}"
    return f"{names} (×{criterion.weight:g})"


def ranking_sheet(ranking: RoundRanking) -> Sheet:
    headers = [
        _("Rank"),
        _("Project (English)"),
        _("Project (Chinese)"),
        _("Team"),
        _("Judges"),
        _("Mean"),
        _("Median"),
        _("Normalised (z)"),
        _("Normalised on the scale"),
        _("Incomplete"),
        _("Advanced"),
    ]
    rows: list[list[Cell]] = [
        [
            row.rank,
            row.project_name_en,
            row.project_name_zh,
            row.team_name,
            row.judges_count,
            _figure(row.mean),
            _figure(row.median),
            _figure(row.normalised),
            _figure(row.normalised_on_scale),
            _yes_no(row.incomplete),
            _yes_no(row.advanced),
        ]
        for row in ranking.rows
    ]
    return Sheet(_("Ranking"), headers, rows)


async def _scores(round_id: int) -> list[dict[str, Any]]:
    return await fast().fetch(SCORES_SQL, round_id)


async def scores_long(ranking: RoundRanking) -> Sheet:
    """One row per entry, judge and criterion."""
    projects = {r.submission_id: r for r in ranking.rows}
    headers = [
        _("Rank"),
        _("Project (English)"),
        _("Project (Chinese)"),
        _("Judge"),
        _("Criterion (English)"),
        _("Criterion (Chinese)"),
        _("Weight"),
        _("Score"),
        _("Judge's total"),
    ]
    weights = [scoring.CriterionWeight(c.id, c.weight) for c in ranking.criteria]
    rows: list[list[Cell]] = []
    for score in await _ranked_scores(ranking):
        entry = projects[score["submission"]]
        values = decode_values(score["values"])
        total = judge_total(values, score["total"], weights)
        for criterion in ranking.criteria:
            value = values.get(str(criterion.id))
            rows.append(
                [
                    entry.rank,
                    entry.project_name_en,
                    entry.project_name_zh,
                    score["judge_name"],
                    criterion.name_en,
                    criterion.name_zh,
                    criterion.weight,
                    value if isinstance(value, int | float) and not isinstance(value, bool) else None,
                    _figure(total),
                ]
            )
    return Sheet(_("Scores"), headers, rows)


async def scores_wide(ranking: RoundRanking) -> Sheet:
    """One row per entry and judge, a column per criterion."""
    projects = {r.submission_id: r for r in ranking.rows}
    headers = [
        _("Rank"),
        _("Project (English)"),
        _("Project (Chinese)"),
        _("Judge"),
        *(_criterion_header(c) for c in ranking.criteria),
        _("Judge's total"),
        _("Comment"),
    ]
    weights = [scoring.CriterionWeight(c.id, c.weight) for c in ranking.criteria]
    rows: list[list[Cell]] = []
    for score in await _ranked_scores(ranking):
        entry = projects[score["submission"]]
        values = decode_values(score["values"])
        cells: list[Cell] = [entry.rank, entry.project_name_en, entry.project_name_zh, score["judge_name"]]
        for criterion in ranking.criteria:
            value = values.get(str(criterion.id))
            cells.append(value if isinstance(value, int | float) and not isinstance(value, bool) else None)
        cells += [_figure(judge_total(values, score["total"], weights)), score["comment"] or ""]
        rows.append(cells)
    return Sheet(_("Scores"), headers, rows)


async def _ranked_scores(ranking: RoundRanking) -> list[dict[str, Any]]:
    """The round's standing scores in ranking order, then by judge's name."""
    position = {r.submission_id: index for index, r in enumerate(ranking.rows)}
    scores = [s for s in await _scores(ranking.round_id) if s["submission"] in position]
    return sorted(scores, key=lambda s: (position[s["submission"]], s["judge_name"] or "", s["judge"]))


# -- files -------------------------------------------------------------------------------------
def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{cell:g}" if cell.is_integer() else f"{cell:.3f}".rstrip("0")
    return _defused(str(cell))


def csv_bytes(sheet: Sheet) -> bytes:
    lines = _csv_lines([sheet.headers, *[[_text(c) for c in row] for row in sheet.rows]])
    return (CSV_BOM + lines).encode("utf-8")


async def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    return await asyncio.to_thread(_build_xlsx, sheets)


def _build_xlsx(sheets: list[Sheet]) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    bold = workbook.add_format({"bold": True})
    for sheet in sheets:
        worksheet = workbook.add_worksheet(sheet.name[:31])
        worksheet.write_row(0, 0, sheet.headers, bold)
        for index, row in enumerate(sheet.rows, start=1):
            for column, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, int | float):
                    worksheet.write_number(index, column, cell)
                else:
                    worksheet.write_string(index, column, cell)
        for column, header in enumerate(sheet.headers):
            width = max([len(header), *(len(str(r[column] or "")) for r in sheet.rows[:200])], default=10)
            worksheet.set_column(column, column, min(max(width + 2, 8), 50))
        worksheet.freeze_panes(1, 0)
        worksheet.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.headers) - 1)
    workbook.close()
    return buffer.getvalue()

"""CSV and XLSX exports of a round's results, read back with ``csv`` and openpyxl."""

from __future__ import annotations

import csv
import io

import httpx
import openpyxl

from tests.factories import Factory
from tests.roadshows import results_support as rs


def read_csv(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode()), "Excel needs the byte-order mark"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def test_ranking_csv(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory)
    response = await client.get(
        f"/api/v1/rounds/{board.round_id}/results.csv", headers=board.organiser.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = read_csv(response)
    assert rows[0][:5] == ["Rank", "Project (English)", "Project (Chinese)", "Team", "Judges"]
    assert [r[1] for r in rows[1:]] == ["Aurora Bio", "Cobalt Energy", "Delta Farms", "Beacon AI"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Rank"] == "1" and first["Project (Chinese)"] == "极光生物"
    assert first["Judges"] == "1" and first["Mean"] == "5" and first["Incomplete"] == "Yes"
    assert float(first["Normalised (z)"]) == 1.225
    assert float(first["Normalised on the scale"]) == 8.646


async def test_headers_follow_the_requesters_language(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory)
    response = await client.get(
        f"/api/v1/rounds/{board.round_id}/results.csv",
        headers={**board.organiser.headers, "accept-language": "zh-CN,zh;q=0.9"},
    )
    rows = read_csv(response)
    assert rows[0][:3] == ["名次", "项目（英文）", "项目（中文）"]
    assert rows[1][rows[0].index("评分不完整")] == "是"


async def test_scores_csv_in_long_format(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory)
    response = await client.get(
        f"/api/v1/rounds/{board.round_id}/results.csv?detail=scores", headers=board.organiser.headers
    )
    rows = read_csv(response)
    header, body = rows[0], rows[1:]
    assert header == [
        "Rank",
        "Project (English)",
        "Project (Chinese)",
        "Judge",
        "Criterion (English)",
        "Criterion (Chinese)",
        "Weight",
        "Score",
        "Judge's total",
    ]
    assert len(body) == 6 * 2  # six scores, two criteria each
    aurora = [r for r in body if r[1] == "Aurora Bio"]
    assert [(r[3], r[4], r[5], r[6], r[7]) for r in aurora] == [
        ("Judge Harsh", "Criterion 1", "标准1", "2", "5"),
        ("Judge Harsh", "Criterion 2", "标准2", "1", "5"),
    ]
    assert body[0][1] == "Aurora Bio" and body[-1][1] == "Beacon AI"  # in ranking order
    bad = await client.get(
        f"/api/v1/rounds/{board.round_id}/results.csv?detail=nope", headers=board.organiser.headers
    )
    assert bad.status_code == 400 or bad.status_code == 422


async def test_xlsx_has_the_ranking_and_the_scores(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory)
    from roadshows.tables import Score

    await Score.update({Score.comment: '=HYPERLINK("http://evil")'}).where(
        (Score.round == board.round_id) & (Score.submission == board.b) & (Score.judge == board.lenient.id)
    )
    response = await client.get(
        f"/api/v1/rounds/{board.round_id}/results.xlsx", headers=board.organiser.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Ranking", "Scores"]
    ranking = [list(r) for r in workbook["Ranking"].iter_rows(values_only=True)]
    assert ranking[0][0] == "Rank"
    assert [r[1] for r in ranking[1:]] == ["Aurora Bio", "Cobalt Energy", "Delta Farms", "Beacon AI"]
    assert ranking[1][0] == 1 and ranking[1][5] == 5  # numbers stay numbers
    scores = [list(r) for r in workbook["Scores"].iter_rows(values_only=True)]
    assert scores[0] == [
        "Rank",
        "Project (English)",
        "Project (Chinese)",
        "Judge",
        "Criterion 1 / 标准1 (×2)",
        "Criterion 2 / 标准2 (×1)",
        "Judge's total",
        "Comment",
    ]
    assert len(scores) == 1 + 6
    beacon = {r[3]: r for r in scores[1:] if r[1] == "Beacon AI"}
    assert beacon["Judge Lenient"][4:7] == [7, 7, 7]
    assert beacon["Judge Lenient"][7] == '=HYPERLINK("http://evil")'  # text, not a formula
    assert workbook["Scores"].cell(row=1 + list(beacon).index("Judge Lenient") + 1, column=8).data_type == "s"


async def test_exports_of_an_unscored_round(client: httpx.AsyncClient, factory: Factory) -> None:
    board = await rs.board(factory, scored=False)
    response = await client.get(
        f"/api/v1/rounds/{board.round_id}/results.csv", headers=board.organiser.headers
    )
    rows = read_csv(response)
    assert len(rows) == 5 and all(r[0] == "" for r in rows[1:])
    xlsx = await client.get(f"/api/v1/rounds/{board.round_id}/results.xlsx", headers=board.organiser.headers)
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content))["Scores"].max_row == 1

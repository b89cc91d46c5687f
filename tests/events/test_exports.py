"""CSV and XLSX exports parse back, with Chinese intact and one column per question."""

from __future__ import annotations

import csv
import io

import httpx

from tests.events.registration_support import event_with_ticket, question, register
from tests.factories import Factory

CHOICES = [
    {"value": "ai", "en": "Artificial intelligence", "zh": "人工智能"},
    {"value": "bio", "en": "Biotech", "zh": "生物医药"},
]


async def _event_with_answers(client: httpx.AsyncClient, factory: Factory):  # type: ignore[no-untyped-def]
    setup = await event_with_ticket(factory, capacity=1)
    field = await question(setup.event_id, "multiple", label_en="Fields", label_zh="领域", options=CHOICES)
    note = await question(setup.event_id, "text", label_en="Note", label_zh="备注")
    first, second = await factory.user(), await factory.user()
    await register(
        client,
        first,
        setup.event_id,
        setup.ticket_id,
        attendee_name="王小明",
        attendee_organisation="浙江大学",
        answers={str(field): ["ai", "bio"], str(note): "=1+1 素食"},
    )
    await register(client, second, setup.event_id, setup.ticket_id, attendee_name="Ann Smith")
    return setup, first, second


async def test_csv_export_in_chinese(client: httpx.AsyncClient, factory: Factory) -> None:
    setup, first, _second = await _event_with_answers(client, factory)
    response = await client.get(
        f"/api/v1/events/{setup.event_id}/registrations/export",
        params={"format": "csv"},
        headers={**setup.organiser.headers, "Accept-Language": "zh-CN,zh;q=0.9"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, data = rows[0], rows[1:]
    assert header[-2:] == ["领域", "备注"]
    assert "状态" in header
    assert len(data) == 2
    by_name = {row[header.index("姓名")]: row for row in data}
    wang = by_name["王小明"]
    assert wang[header.index("机构")] == "浙江大学"
    assert wang[header.index("领域")] == "人工智能; 生物医药"
    assert wang[header.index("备注")] == "'=1+1 素食"  # formulas are defused
    assert wang[header.index("邮箱")] == first.email
    assert {row[header.index("状态")] for row in data} == {"已确认", "候补中"}


async def test_xlsx_export_parses_back(client: httpx.AsyncClient, factory: Factory) -> None:
    from openpyxl import load_workbook

    setup, _first, _second = await _event_with_answers(client, factory)
    response = await client.get(
        f"/api/v1/events/{setup.event_id}/registrations/export",
        params={"format": "xlsx"},
        headers=setup.organiser.headers,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell if cell is not None else "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:3] == ["Registration code", "Status", "Name"] and header[-2:] == ["Fields", "Note"]
    wang = next(row for row in rows[1:] if row[2] == "王小明")
    assert wang[header.index("Fields")] == "Artificial intelligence; Biotech"
    assert wang[header.index("Note")] == "=1+1 素食"  # stored as text, not a formula
    assert wang[header.index("Organisation")] == "浙江大学"


async def test_export_is_for_the_events_organisers_only(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory)
    other_organiser, _org = await factory.organiser()
    path = f"/api/v1/events/{setup.event_id}/registrations/export"
    assert (await client.get(path, headers=other_organiser.headers)).status_code == 404
    bad = await client.get(path, params={"format": "pdf"}, headers=setup.organiser.headers)
    assert bad.status_code == 422


async def test_export_of_an_empty_event_has_a_header(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory)
    response = await client.get(
        f"/api/v1/events/{setup.event_id}/registrations/export", headers=setup.organiser.headers
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0][0] == "Registration code"

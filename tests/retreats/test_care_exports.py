"""General exports and the organiser's registrations table leave care data out."""

from __future__ import annotations

import csv
import io

import httpx
import openpyxl

from events.tables import CareRecord
from tests.factories import Factory, web_login
from tests.retreats import care_support as cs


async def _with_record(factory: Factory) -> cs.Retreat:
    r = await cs.retreat(factory)
    await CareRecord(registration=r.guest_registration, medical="Pacemaker", dietary="Gluten-free").save()
    await cs.grant(r.owner.id, r.event_id)  # even a care reader gets no care data in general exports
    return r


async def test_csv_export_leaves_out_care_answers(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await _with_record(factory)
    response = await client.get(f"/api/v1/events/{r.event_id}/registrations/export", headers=r.owner.headers)
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert cs.HEALTH_EN not in rows[0]
    assert "Arrival city" in rows[0]  # the plain question stays
    cells = [cell for row in rows for cell in row]
    assert "Beijing" in cells
    for secret in ("Wheelchair", "Pacemaker", "Gluten-free"):
        assert not any(secret in cell for cell in cells), secret
    zh = await client.get(
        f"/api/v1/events/{r.event_id}/registrations/export",
        headers={**r.owner.headers, "Accept-Language": "zh-CN"},
    )
    assert cs.HEALTH_ZH not in zh.content.decode("utf-8-sig")


async def test_xlsx_export_leaves_out_care_answers(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await _with_record(factory)
    response = await client.get(
        f"/api/v1/events/{r.event_id}/registrations/export?format=xlsx", headers=r.owner.headers
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "Arrival city" in values and cs.HEALTH_EN not in values
    assert not any("Wheelchair" in v or "Pacemaker" in v for v in values)


async def test_registrations_list_hides_care_answers(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await _with_record(factory)
    listing = await client.get(f"/api/v1/events/{r.event_id}/registrations", headers=r.owner.headers)
    assert listing.status_code == 200
    guest = next(i for i in listing.json()["items"] if i["id"] == r.guest_registration)
    assert guest["answers"] == {str(r.plain_question_id): "Beijing"}
    await web_login(client, r.owner)
    page = await client.get(f"/dashboard/events/{r.event_id}/registrations", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Academician Zhang" in page.text
    assert "Wheelchair" not in page.text and "Pacemaker" not in page.text


async def test_organisers_mark_a_question_as_care(client: httpx.AsyncClient, factory: Factory) -> None:
    r = await cs.retreat(factory)
    created = await client.post(
        f"/api/v1/events/{r.event_id}/questions",
        json={"kind": "text", "label_en": "Dietary requirements", "care": True},
        headers=r.owner.headers,
    )
    assert created.status_code in (200, 201), created.text
    assert created.json()["care"] is True
    question_id = created.json()["id"]
    changed = await client.patch(
        f"/api/v1/events/{r.event_id}/questions/{question_id}", json={"care": False}, headers=r.owner.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["care"] is False


async def test_one_registration_hides_care_answers_from_organisers(factory: Factory) -> None:
    from events.registration_db import load
    from events.registration_queries import read_for_viewer

    r = await cs.retreat(factory)
    row = await load(r.guest_registration)
    assert row is not None
    care_key = str(r.care_question_id)
    assert care_key not in (await read_for_viewer(row, r.owner.id)).answers
    assert (await read_for_viewer(row, r.guest.id)).answers[care_key] == "Wheelchair, low-salt diet"


async def test_the_registration_api_hides_care_answers_from_organisers(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    r = await _with_record(factory)
    care_key = str(r.care_question_id)
    as_organiser = await client.get(f"/api/v1/registrations/{r.guest_registration}", headers=r.owner.headers)
    assert as_organiser.status_code == 200, as_organiser.text
    assert care_key not in as_organiser.json()["answers"]
    as_guest = await client.get(f"/api/v1/registrations/{r.guest_registration}", headers=r.guest.headers)
    assert as_guest.json()["answers"][care_key] == "Wheelchair, low-salt diet"

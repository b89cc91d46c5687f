"""CSV import: a good file, bad rows (nothing imported), BOM, Chinese headers, duplicates."""

from __future__ import annotations

import httpx

from app.mail.tables import OutboxMessage
from events.retreats.invitation_import import _cli_import, parse
from events.tables import RetreatInvitation
from tests.factories import Factory, csrf_token, unique, web_login
from tests.retreats.invitations_support import invite, retreat


def url(event_id: int) -> str:
    return f"/api/v1/events/{event_id}/retreat-invitations/import"


def emails(n: int) -> list[str]:
    prefix = unique("imp")
    return [f"{prefix}-{i}@example.test" for i in range(n)]


async def invitations_of(event_id: int) -> list[dict]:
    return (
        await RetreatInvitation.select()
        .where(RetreatInvitation.event == event_id)
        .order_by(RetreatInvitation.id)
    )


async def test_a_good_file_invites_everyone_and_mails_each(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id = await retreat(factory)
    a, b = emails(2)
    csv = f"name,email,honorific,organisation,companions,note\nLi Ming,{a},Academician,CAS,1,VIP\nZhou Hua,{b},,,,\n"
    response = await client.post(url(event_id), json={"csv": csv}, headers=owner.headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["created"] == 2 and report["errors"] == [] and report["skipped"] == [] and report["batch"]
    rows = await invitations_of(event_id)
    assert [(r["name"], r["companions_allowed"], r["honorific"]) for r in rows] == [
        ("Li Ming", 1, "Academician"),
        ("Zhou Hua", 2, ""),
    ]
    assert {r["import_batch"] for r in rows} == {report["batch"]}
    assert await OutboxMessage.count().where(OutboxMessage.to_address.is_in([a, b])) == 2


async def test_bad_rows_are_reported_by_row_and_nothing_is_imported(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id = await retreat(factory)
    a, b = emails(2)
    csv = (
        "name,email,companions\n"
        f"Good Guest,{a},1\n"
        ",missing-name@example.test,0\n"  # row 3
        "Bad Mail,not-an-email,0\n"  # row 4
        f"Twice,{a},0\n"  # row 5
        f"Too many,{b},eleven\n"  # row 6
    )
    response = await client.post(url(event_id), json={"csv": csv}, headers=owner.headers)
    report = response.json()
    assert report["created"] == 0
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (3, "name"),
        (4, "email"),
        (5, "email"),
        (6, "companions_allowed"),
    ]
    assert "row 2" in report["errors"][2]["message"]
    assert await invitations_of(event_id) == []


async def test_bom_and_chinese_headers(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    (a,) = emails(1)
    data = f"\ufeff姓名,邮箱,称谓,单位,随行人数,备注\n王建国,{a},院士,中国科学院,3,\n".encode()
    parsed = parse(data)
    assert parsed.errors == [] and parsed.rows[0][1].organisation == "中国科学院"
    response = await client.post(url(event_id), json={"csv": data.decode("utf-8")}, headers=owner.headers)
    assert response.json()["created"] == 1
    (row,) = await invitations_of(event_id)
    assert (row["name"], row["honorific"], row["companions_allowed"]) == ("王建国", "院士", 3)


async def test_non_utf8_and_missing_columns(factory: Factory) -> None:
    assert parse("姓名,邮箱\n王,w@example.test\n".encode("gbk")).errors[0].field == "file"
    missing = parse("name,phone\nX,123\n")
    assert [(e.row, e.field) for e in missing.errors] == [(1, "email")]
    assert parse("name,email\n").errors[0].message


async def test_duplicates_skipped_or_refused(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    old, new = emails(2)
    await invite(client, owner, event_id, email=old)
    csv = f"name,email\nOld,{old.upper()}\nNew,{new}\n"

    refused = (
        await client.post(url(event_id), json={"csv": csv, "duplicates": "refuse"}, headers=owner.headers)
    ).json()
    assert refused["created"] == 0 and [(e["row"], e["field"]) for e in refused["errors"]] == [(2, "email")]
    assert len(await invitations_of(event_id)) == 1

    skipped = (await client.post(url(event_id), json={"csv": csv}, headers=owner.headers)).json()
    assert skipped["created"] == 1 and skipped["skipped"] == [old] and skipped["errors"] == []
    assert len(await invitations_of(event_id)) == 2


async def test_import_access(client: httpx.AsyncClient, factory: Factory) -> None:
    _owner, event_id = await retreat(factory)
    stranger, _org = await factory.organiser()
    response = await client.post(
        url(event_id), json={"csv": "name,email\nX,x@example.test\n"}, headers=stranger.headers
    )
    assert response.status_code == 404
    assert await invitations_of(event_id) == []


async def test_upload_on_the_organiser_page(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    await web_login(client, owner)
    page = f"/dashboard/events/{event_id}/retreat/invitations"
    token = await csrf_token(client, page)
    (a,) = emails(1)
    bad = await client.post(
        f"{page}/import",
        data={"_csrf_token": token, "duplicates": "skip"},
        files={"file": ("guests.csv", b"name,email\nX,nope\n", "text/csv")},
    )
    assert bad.status_code == 422 and "import-errors" in bad.text
    good = await client.post(
        f"{page}/import",
        data={"_csrf_token": token, "duplicates": "skip"},
        files={"file": ("guests.csv", f"\ufeffname,email\nAnna,{a}\n".encode(), "text/csv")},
    )
    assert good.status_code == 303
    listing = await client.get(page)
    assert "Anna" in listing.text and "1 guests invited." in listing.text


async def test_the_command_line_import(factory: Factory) -> None:
    _owner, event_id = await retreat(factory)
    (a,) = emails(1)
    report = await _cli_import(event_id, f"name,email\nCLI Guest,{a}\n".encode(), "skip")
    assert report.created == 1
    (row,) = await invitations_of(event_id)
    assert row["created_by"] is None and row["import_batch"] == report.batch

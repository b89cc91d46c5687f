"""Organisers see their organisations' sent mail (API and pages), nobody else's."""

from __future__ import annotations

import datetime as dt

import httpx

from tests.factories import Factory, unique, web_login


async def _message(org_id: int | None, event_id: int | None = None, status: str = "sent") -> int:
    from app.mail.tables import OutboxMessage

    now = dt.datetime.now(dt.UTC)
    row = OutboxMessage(
        to_address=f"{unique('to')}@example.test",
        subject=unique("Subject"),
        body_text="Hello <b>there</b>\n",
        body_html="<p>Hello <b>there</b></p>",
        kind="registration.confirmed",
        status=status,  # not "queued": the app's sender task must leave these alone
        organisation_id=org_id,
        event_id=event_id,
        sent_at=now if status == "sent" else None,
    )
    await row.save()
    return row.id


async def test_organiser_lists_only_own_mail(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    _other_user, other_org = await factory.organiser()
    event_id = await factory.event(org_id)
    mine = [await _message(org_id, event_id), await _message(org_id, None, status="failed")]
    theirs = await _message(other_org)

    response = await client.get("/api/v1/mail", headers=user.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    ids = [item["id"] for item in body["items"]]
    assert sorted(ids) == sorted(mine)
    assert theirs not in ids
    assert body["total"] == 2 and body["page"] == 1

    by_event = (await client.get(f"/api/v1/mail?event_id={event_id}", headers=user.headers)).json()
    assert [item["id"] for item in by_event["items"]] == [mine[0]]
    failed = (await client.get("/api/v1/mail?status=failed", headers=user.headers)).json()
    assert [item["id"] for item in failed["items"]] == [mine[1]]
    paged = (await client.get("/api/v1/mail?per_page=1&page=2", headers=user.headers)).json()
    assert paged["total"] == 2 and [item["id"] for item in paged["items"]] == [mine[0]]


async def test_another_organisations_message_is_404(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    _other, other_org = await factory.organiser()
    mine, theirs = await _message(org_id), await _message(other_org)
    own = await client.get(f"/api/v1/mail/{mine}", headers=user.headers)
    assert own.status_code == 200
    assert own.json()["body_html"] == "<p>Hello <b>there</b></p>"
    for missing in (theirs, 999_999_999):
        response = await client.get(f"/api/v1/mail/{missing}", headers=user.headers)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


async def test_admin_sees_all_and_attendees_see_none(client: httpx.AsyncClient, factory: Factory) -> None:
    _user, org_id = await factory.organiser()
    message = await _message(org_id)
    account_mail = await _message(None)
    admin = await factory.user(admin=True)
    for message_id in (message, account_mail):
        assert (await client.get(f"/api/v1/mail/{message_id}", headers=admin.headers)).status_code == 200
    attendee = await factory.user()
    assert (await client.get("/api/v1/mail", headers=attendee.headers)).status_code == 403
    assert (await client.get("/api/v1/mail")).status_code == 401
    bad = await client.get("/api/v1/mail?status=lost", headers=admin.headers)
    assert bad.status_code == 422


async def test_outbox_pages(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    _other, other_org = await factory.organiser()
    event_id = await factory.event(org_id, title_en="Mail Test Roadshow", title_zh="邮件测试路演")
    mine = await _message(org_id, event_id)
    theirs = await _message(other_org)
    await web_login(client, user)

    listing = await client.get("/dashboard/mail", headers={"accept": "text/html"})
    assert listing.status_code == 200
    assert f'href="/dashboard/mail/{mine}"' in listing.text
    assert f'href="/dashboard/mail/{theirs}"' not in listing.text
    assert "Mail Test Roadshow" in listing.text
    filtered = await client.get(f"/dashboard/mail?event_id={event_id}&status=sent")
    assert f"/dashboard/mail/{mine}" in filtered.text
    empty = await client.get("/dashboard/mail?status=failed&event_id=")
    assert 'data-testid="outbox-empty"' in empty.text

    detail = await client.get(f"/dashboard/mail/{mine}", headers={"accept": "text/html"})
    assert detail.status_code == 200
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in detail.text  # the text body is escaped
    assert "<iframe sandbox" in detail.text
    hidden = await client.get(f"/dashboard/mail/{theirs}", headers={"accept": "text/html"})
    assert hidden.status_code == 404

    client.cookies.set("lang", "zh")
    chinese = await client.get("/dashboard/mail", headers={"accept": "text/html"})
    assert "已发送邮件" in chinese.text and "邮件测试路演" in chinese.text

"""The attendee's ticket page, QR images with ETag caching, the .ics, and revocation on cancel."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from checkin import ics, qr
from checkin.keys import public_keys
from checkin.tokens import live_token, verify_token
from tests import factories
from tests.checkin.support import confirmed_registration, shanghai
from tests.factories import Factory


async def _registered(
    client: httpx.AsyncClient, factory: Factory, **ticket_fields: object
) -> tuple[factories.TestUser, dict]:
    _, org_id = await factory.organiser()
    event_id = await factory.event(
        org_id,
        starts_at=shanghai(2027, 5, 10, 9),
        ends_at=shanghai(2027, 5, 11, 17),
        timezone="Asia/Shanghai",
    )
    ticket_type_id = await factory.ticket_type(event_id, **ticket_fields)
    user = await factory.user()
    response = await client.post(
        f"/api/v1/events/{event_id}/registrations",
        json={"ticket_type_id": ticket_type_id},
        headers=user.headers,
    )
    assert response.status_code == 201, response.text
    return user, response.json()


async def test_owner_sees_the_ticket_page_with_an_svg_qr(client: httpx.AsyncClient, factory: Factory) -> None:
    user, reg = await _registered(client, factory)
    assert reg["status"] == "confirmed"
    response = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=user.headers)
    assert response.status_code == 200, response.text
    html = response.text
    assert 'data-testid="ticket-qr"' in html and "<svg" in html
    assert reg["code"] in html and user.display_name in html
    assert "Test Event" in html and "Standard" in html
    assert "10 May 2027" in html and "11 May 2027" in html
    assert "/static/css/checkin.css" in html
    assert f"/me/registrations/{reg['id']}/ticket.ics" in html
    token = await live_token(reg["id"])
    assert token is not None  # issued on confirmation, or at the latest on the first visit
    claims = verify_token(token, await public_keys(reg["event_id"]))
    assert claims.registration_id == reg["id"]
    again = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=user.headers)
    assert again.status_code == 200 and await live_token(reg["id"]) == token  # not re-issued


async def test_ticket_page_in_chinese(client: httpx.AsyncClient, factory: Factory) -> None:
    user, reg = await _registered(client, factory)
    headers = {**user.headers, "Accept-Language": "zh-CN"}
    response = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=headers)
    assert response.status_code == 200
    assert "测试活动" in response.text and "2027年5月10日" in response.text
    assert "有效日期" in response.text and "添加到日历" in response.text


async def test_another_user_gets_404(client: httpx.AsyncClient, factory: Factory) -> None:
    _, reg = await _registered(client, factory)
    stranger = await factory.user()
    for suffix in ("", ".png", ".svg", ".ics"):
        response = await client.get(f"/me/registrations/{reg['id']}/ticket{suffix}", headers=stranger.headers)
        assert response.status_code == 404, suffix
    missing = await client.get("/me/registrations/999999999/ticket", headers=stranger.headers)
    assert missing.status_code == 404


async def test_anonymous_visitors_cannot_see_a_ticket(client: httpx.AsyncClient, factory: Factory) -> None:
    _, reg = await _registered(client, factory)
    response = await client.get(f"/me/registrations/{reg['id']}/ticket.png")
    assert response.status_code in (401, 302, 303)


async def test_a_pending_registration_has_no_ticket(client: httpx.AsyncClient, factory: Factory) -> None:
    user, reg = await _registered(client, factory, requires_approval=True)
    assert reg["status"] == "pending"
    response = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=user.headers)
    assert response.status_code == 404
    assert 'data-testid="ticket-not-yet"' in response.text and "ticket-qr" not in response.text
    for suffix in (".png", ".svg", ".ics"):
        image = await client.get(f"/me/registrations/{reg['id']}/ticket{suffix}", headers=user.headers)
        assert image.status_code == 404, suffix
    assert await live_token(reg["id"]) is None


async def test_png_and_svg_have_an_etag_and_answer_304(client: httpx.AsyncClient, factory: Factory) -> None:
    user, reg = await _registered(client, factory)
    url = f"/me/registrations/{reg['id']}/ticket.png"
    first = await client.get(url, headers=user.headers)
    assert first.status_code == 200
    assert first.headers["content-type"] == "image/png"
    assert first.content.startswith(b"\x89PNG\r\n\x1a\n")
    etag = first.headers["etag"]
    assert etag.strip('"') == qr.etag(await live_token(reg["id"]))
    assert first.headers["cache-control"] == "private, max-age=31536000, immutable"
    second = await client.get(url, headers={**user.headers, "If-None-Match": etag})
    assert second.status_code == 304 and second.content == b""
    assert second.headers["etag"] == etag
    svg = await client.get(f"/me/registrations/{reg['id']}/ticket.svg", headers=user.headers)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content and svg.headers["etag"] == etag
    stale = await client.get(url, headers={**user.headers, "If-None-Match": '"other"'})
    assert stale.status_code == 200


async def test_ics_is_valid_icalendar(client: httpx.AsyncClient, factory: Factory) -> None:
    user, reg = await _registered(client, factory)
    response = await client.get(f"/me/registrations/{reg['id']}/ticket.ics", headers=user.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends in CRLF
    unfolded = body.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert "BEGIN:VEVENT" in lines and "END:VEVENT" in lines
    assert "DTSTART:20270510T010000Z" in lines  # 09:00 in Shanghai
    assert "DTEND:20270511T090000Z" in lines
    assert f"UID:registration-{reg['id']}@luyan" in lines
    assert "SUMMARY:Test Event" in lines
    assert any(line.startswith("LOCATION:Expo Centre\\, Jinhua") for line in lines)
    assert any(line.startswith("DESCRIPTION:") and reg["code"] in line for line in lines)
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_ics_escapes_and_folds_long_lines() -> None:
    text = ics.calendar(
        uid="x@luyan",
        summary="Roadshow; Jinhua, 金华 \\ " + "长" * 60,
        starts_at=dt.datetime(2027, 1, 1, 1, tzinfo=dt.UTC),
        ends_at=dt.datetime(2027, 1, 1, 2, tzinfo=dt.UTC),
        description="line one\nline two",
        stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    raw_lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in raw_lines)
    assert any(line.startswith(" ") for line in raw_lines)  # folded
    for line in raw_lines:
        line.encode().decode()  # never splits a multi-byte character
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Roadshow\\; Jinhua\\, 金华 \\\\ " + "长" * 60 + "\r\n" in unfolded
    assert "DESCRIPTION:line one\\nline two\r\n" in unfolded
    assert "DTSTAMP:20260101T000000Z\r\n" in unfolded


async def test_cancelling_revokes_the_token(client: httpx.AsyncClient, factory: Factory) -> None:
    user, reg = await _registered(client, factory)
    page = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=user.headers)
    assert page.status_code == 200
    token = await live_token(reg["id"])
    assert token is not None
    response = await client.post(f"/api/v1/registrations/{reg['id']}/cancel", headers=user.headers)
    assert response.status_code in (200, 201), response.text
    for _ in range(100):  # the listener runs in the background after the response
        if await live_token(reg["id"]) is None:
            break
        await asyncio.sleep(0.02)
    assert await live_token(reg["id"]) is None

    from checkin.tables import TicketToken

    row = await TicketToken.select().where(TicketToken.token == token).first()
    assert row["revoked_at"] is not None and row["revoked_reason"] == "cancelled"
    after = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=user.headers)
    assert after.status_code == 404
    assert await live_token(reg["id"]) is None  # and no new token was issued


async def test_cancelling_without_a_token_is_fine(factory: Factory) -> None:
    from checkin.listeners import revoke_cancelled_ticket
    from checkin.tables import TicketToken
    from events.tables import Registration

    # Inserted directly, so no confirmation signal issued a token for it.
    setup = await confirmed_registration(factory)
    reg_id = setup["registration_id"]
    await Registration.update({Registration.status: "cancelled"}).where(Registration.id == reg_id)
    await revoke_cancelled_ticket.fn(registration_id=reg_id, event_id=setup["event_id"])
    assert await TicketToken.count().where(TicketToken.registration == reg_id) == 0


async def test_my_registrations_link_to_the_ticket_once_confirmed(client, factory) -> None:
    from tests.factories import web_login

    _organiser, org = await factory.organiser()
    event_id = await factory.event(org)
    ticket_type_id = await factory.ticket_type(event_id, capacity=5)
    attendee = await factory.user()
    created = await client.post(
        f"/api/v1/events/{event_id}/registrations",
        json={"ticket_type_id": ticket_type_id},
        headers=attendee.headers,
    )
    registration_id = created.json()["id"]
    await web_login(client, attendee)
    page = await client.get("/me/registrations", headers={"accept": "text/html"})
    assert f'href="/me/registrations/{registration_id}/ticket"' in page.text

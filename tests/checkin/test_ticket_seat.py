"""Seats and rooms on the ticket: the organiser's seat API, the page, its print, the .ics; and the
mail's ticket link by registration code."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx

from checkin.tokens import ensure_token, live_token
from tests import factories
from tests.events.registration_support import Setup, event_with_ticket, register
from tests.factories import Factory

SEAT = "Hall A · Row 3 · Seat 12"
CSS = Path(__file__).resolve().parents[2] / "frontend" / "static" / "css" / "checkin.css"


async def _confirmed(
    client: httpx.AsyncClient, factory: Factory, **ticket: object
) -> tuple[Setup, factories.TestUser, dict]:
    setup = await event_with_ticket(factory, **ticket)
    user = await factory.user()
    reg = (await register(client, user, setup.event_id, setup.ticket_id)).json()
    assert reg["status"] == "confirmed"
    return setup, user, reg


def _seat_url(event_id: int, registration_id: int) -> str:
    return f"/api/v1/events/{event_id}/registrations/{registration_id}/seat"


async def test_organiser_sets_a_seat_shown_on_the_ticket_page_and_ics(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup, user, reg = await _confirmed(client, factory)
    token = await ensure_token(reg["id"])
    response = await client.put(
        _seat_url(setup.event_id, reg["id"]),
        json={"seat": "  Hall A ·  Row 3 · Seat 12 "},
        headers=setup.organiser.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"registration_id": reg["id"], "event_id": setup.event_id, "seat": SEAT}

    page = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=user.headers)
    assert page.status_code == 200
    assert f'data-testid="ticket-seat">{SEAT}</dd>' in page.text
    assert await live_token(reg["id"]) == token  # the seat is not in the token: no re-issue

    ics = await client.get(f"/me/registrations/{reg['id']}/ticket.ics", headers=user.headers)
    lines = ics.content.decode().replace("\r\n ", "").split("\r\n")
    assert f"LOCATION:Expo Centre\\, Jinhua · {SEAT}" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert f"Seat: {SEAT}" in description

    zh = await client.get(
        f"/me/registrations/{reg['id']}/ticket",
        headers={**user.headers, "Accept-Language": "zh-CN"},
    )
    assert "座位" in zh.text and SEAT in zh.text

    cleared = await client.put(
        _seat_url(setup.event_id, reg["id"]), json={"seat": ""}, headers=setup.organiser.headers
    )
    assert cleared.status_code == 200 and cleared.json()["seat"] == ""
    page = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=user.headers)
    assert "ticket-seat" not in page.text


async def test_only_the_events_organisers_set_seats(client: httpx.AsyncClient, factory: Factory) -> None:
    setup, user, reg = await _confirmed(client, factory)
    url = _seat_url(setup.event_id, reg["id"])
    other_organiser, _ = await factory.organiser()
    assert (await client.put(url, json={"seat": "X"}, headers=other_organiser.headers)).status_code == 404
    attendee = await client.put(url, json={"seat": "X"}, headers=user.headers)
    assert attendee.status_code in (403, 404)
    assert (await client.put(url, json={"seat": "X"})).status_code == 401

    elsewhere = await event_with_ticket(factory)  # a registration id of another event
    wrong = _seat_url(elsewhere.event_id, reg["id"])
    assert (
        await client.put(wrong, json={"seat": "X"}, headers=elsewhere.organiser.headers)
    ).status_code == 404
    too_long = await client.put(url, json={"seat": "x" * 121}, headers=setup.organiser.headers)
    assert too_long.status_code == 422
    unknown = await client.put(url, json={"seat": "X", "row": 3}, headers=setup.organiser.headers)
    assert unknown.status_code == 422

    from events.tables import Registration

    row = await Registration.select(Registration.seat).where(Registration.id == reg["id"]).first()
    assert row == {"seat": ""}


async def test_agenda_rooms_this_ticket_gets_into(client: httpx.AsyncClient, factory: Factory) -> None:
    from checkin.tables import CheckinList
    from events.tables import AgendaSession, Event

    setup, user, reg = await _confirmed(client, factory)
    event = await Event.select(Event.starts_at).where(Event.id == setup.event_id).first()
    start = event["starts_at"]

    async def session(room: str, hours: int) -> int:
        row = AgendaSession(
            event=setup.event_id,
            title_en=f"Session {hours}",
            starts_at=start + dt.timedelta(hours=hours),
            ends_at=start + dt.timedelta(hours=hours + 1),
            room=room,
        )
        await row.save()
        return row.id

    await session("Hall B", 2)
    await session("Hall A", 1)
    await session("Hall B", 3)  # a room only once
    vip = await session("VIP Lounge", 4)
    other_type = await factory.ticket_type(setup.event_id, name_en="VIP")
    await CheckinList(
        event=setup.event_id, name_en="VIP", agenda_session=vip, ticket_type_ids=[other_type]
    ).save()

    page = await client.get(f"/me/registrations/{reg['id']}/ticket", headers=user.headers)
    rooms = page.text.split('data-testid="ticket-rooms">')[1].split("</dd>")[0]
    assert rooms.count("ticket-room") == 2
    assert rooms.index("Hall A") < rooms.index("Hall B") and "VIP Lounge" not in rooms
    assert ">Rooms</dt>" in page.text

    ics = await client.get(f"/me/registrations/{reg['id']}/ticket.ics", headers=user.headers)
    unfolded = ics.content.decode().replace("\r\n ", "")
    assert "Rooms: Hall A\\, Hall B" in unfolded


async def test_the_mail_link_by_code_leads_to_the_ticket(client: httpx.AsyncClient, factory: Factory) -> None:
    _setup, user, reg = await _confirmed(client, factory)
    response = await client.get(f"/me/tickets/{reg['code'].lower()}", headers=user.headers)
    assert response.status_code == 303
    assert response.headers["location"] == f"/me/registrations/{reg['id']}/ticket"
    stranger = await factory.user()
    assert (await client.get(f"/me/tickets/{reg['code']}", headers=stranger.headers)).status_code == 404
    assert (await client.get("/me/tickets/NOSUCHCODE", headers=user.headers)).status_code == 404
    anonymous = await client.get(f"/me/tickets/{reg['code']}", headers={"accept": "text/html"})
    assert anonymous.status_code in (302, 303) and "/login?next=" in anonymous.headers["location"]


def test_print_stylesheet_keeps_the_seat_and_the_qr() -> None:
    css = CSS.read_text()
    printed = css.split("@media print")[1]
    assert ".ticket-seat" in printed and ".ticket-qr" in printed
    assert "print-color-adjust: exact" in printed
    hidden = printed.split("display: none")[0]
    assert ".ticket-seat" not in hidden and ".ticket-qr" not in hidden and ".ticket-facts" not in hidden

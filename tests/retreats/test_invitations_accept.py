"""The personal link: accept (new or existing account), decline, re-accept, the start of the
event, and two concurrent accepts making one registration."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx
import pytest

from app.accounts.tables import User
from app.auth import CurrentUser
from checkin.tokens import live_token
from events.registration_errors import CapacityExhausted
from events.retreats import invitations
from events.tables import Registration, RetreatInvitation, TicketType
from tests.factories import Factory, csrf_token, web_login
from tests.retreats.invitations_support import accept_on_page, accepted_guest, invite, retreat


async def _issued(registration_id: int) -> str:
    for _ in range(100):
        token = await live_token(registration_id)
        if token:
            return token
        await asyncio.sleep(0.02)
    raise AssertionError("no ticket token was issued")


def viewer(user_id: int, email: str) -> CurrentUser:
    return CurrentUser(
        id=user_id,
        email=email,
        display_name="x",
        locale="en",
        is_admin=False,
        is_entrepreneur=False,
        via="session",
    )


async def test_a_new_guest_accepts_gets_an_account_a_confirmed_seat_and_a_ticket(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    guest = await accepted_guest(client, factory)
    account = await User.select().where(User.id == guest.user_id).first()
    assert account["email"] == guest.email and account["locale"] == "zh" and account["is_active"]
    registration = await Registration.select().where(Registration.id == guest.registration_id).first()
    assert registration["status"] == "confirmed" and registration["user"] == guest.user_id
    ticket_type = await TicketType.select().where(TicketType.id == registration["ticket_type"]).first()
    assert (ticket_type["name_en"], ticket_type["name_zh"], ticket_type["taken"]) == ("Guest", "嘉宾", 1)
    await _issued(guest.registration_id)
    # The client is signed in as the guest: the party page and the guest's own ticket open.
    party = await client.get(f"/me/retreats/{guest.event_id}")
    assert party.status_code == 200 and "王院士" in party.text
    assert (await client.get(f"/me/registrations/{guest.registration_id}/ticket")).status_code == 200
    # Opening the link again shows it accepted; accepting again changes nothing.
    again = await accept_on_page(client, guest.secret)
    assert again.status_code == 303
    assert await Registration.count().where(Registration.event == guest.event_id) == 1


async def test_an_existing_account_must_sign_in_first(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    person = await factory.user()
    _id, secret = await invite(client, owner, event_id, email=person.email)
    response = await accept_on_page(client, secret)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    assert await Registration.count().where(Registration.event == event_id) == 0
    await web_login(client, person)
    response = await accept_on_page(client, secret)
    assert response.status_code == 303 and response.headers["location"] == f"/me/retreats/{event_id}"
    row = await RetreatInvitation.select().where(RetreatInvitation.event == event_id).first()
    assert row["user"] == person.id and row["status"] == "accepted"


async def test_another_signed_in_account_cannot_accept(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    _id, secret = await invite(client, owner, event_id)
    await web_login(client, await factory.user())
    response = await accept_on_page(client, secret)
    assert response.status_code == 409 and "invitation-error" in response.text
    assert await Registration.count().where(Registration.event == event_id) == 0


async def test_decline_then_accept_until_the_event_starts(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id = await retreat(factory)
    invitation_id, secret = await invite(client, owner, event_id)
    token = await csrf_token(client, f"/retreat-invitations/{secret}")
    declined = await client.post(f"/retreat-invitations/{secret}/decline", data={"_csrf_token": token})
    assert declined.status_code == 200 and "invitation-declined" in declined.text
    row = await RetreatInvitation.select().where(RetreatInvitation.id == invitation_id).first()
    assert row["status"] == "declined" and row["responded_at"] is not None
    assert (await accept_on_page(client, secret)).status_code == 303
    token = await csrf_token(client, f"/retreat-invitations/{secret}")
    late = await client.post(f"/retreat-invitations/{secret}/decline", data={"_csrf_token": token})
    assert late.status_code == 409  # accepted: cancel the registration instead


async def test_no_answer_once_the_event_has_started(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    _id, secret = await invite(client, owner, event_id)
    from events.tables import Event

    await Event.update({Event.starts_at: dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)}).where(
        Event.id == event_id
    )
    page = await client.get(f"/retreat-invitations/{secret}")
    assert page.status_code == 200 and "invitation-closed" in page.text
    response = await accept_on_page(client, secret)
    assert response.status_code == 409
    assert await Registration.count().where(Registration.event == event_id) == 0


async def test_a_revoked_link_cannot_be_accepted(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    invitation_id, secret = await invite(client, owner, event_id)
    token = await csrf_token(client, f"/retreat-invitations/{secret}")
    await client.post(
        f"/api/v1/events/{event_id}/retreat-invitations/{invitation_id}/revoke", headers=owner.headers
    )
    response = await client.post(f"/retreat-invitations/{secret}/accept", data={"_csrf_token": token})
    assert response.status_code == 404


@pytest.mark.parametrize("signed_in", [True, False])
async def test_two_concurrent_accepts_make_one_registration(
    client: httpx.AsyncClient, factory: Factory, signed_in: bool
) -> None:
    owner, event_id = await retreat(factory)
    person = await factory.user() if signed_in else None
    email = person.email if person else "race-new@example.test"
    _id, secret = await invite(client, owner, event_id, email=email)
    who = viewer(person.id, person.email) if person else None
    outcomes = await asyncio.gather(
        *(invitations.accept(secret, who) for _ in range(2)), return_exceptions=True
    )
    accepted = [o for o in outcomes if isinstance(o, invitations.Accepted)]
    assert accepted, outcomes
    assert {a.registration_id for a in accepted} == {accepted[0].registration_id}
    for other in outcomes:
        assert isinstance(
            other, invitations.Accepted | invitations.AlreadyAccepted | invitations.SignInRequired
        ), other
    assert await Registration.count().where(Registration.event == event_id) == 1
    ticket_type = await TicketType.select().where(TicketType.event == event_id).first()
    assert ticket_type["taken"] == 1
    assert await User.count().where(User.email == email) == 1


async def test_control_without_the_conditional_claim_the_second_accept_tries_a_second_registration(
    client: httpx.AsyncClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race is real: without the claim's condition the second click writes again, so the
    test above can fail."""
    unguarded = "UPDATE luyan_retreat_invitation SET status = 'accepted', \"user\" = $2, responded_at = $3 WHERE id = $1 RETURNING id"
    monkeypatch.setattr(invitations, "CLAIM_SQL", unguarded)
    owner, event_id = await retreat(factory)
    person = await factory.user()
    _id, secret = await invite(client, owner, event_id, email=person.email)
    who = viewer(person.id, person.email)
    outcomes = await asyncio.gather(
        *(invitations.accept(secret, who) for _ in range(2)), return_exceptions=True
    )
    # The second click went on to take a second seat: stopped only by the capacity of the guest
    # type (sized to the invitations) or by the one-registration-per-person index.
    assert any(isinstance(o, invitations.GuestAlreadyRegistered | CapacityExhausted) for o in outcomes), (
        outcomes
    )

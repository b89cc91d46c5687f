"""Companions: each a confirmed registration with its own ticket, up to the invitation's limit;
tickets check in independently; removal revokes the ticket; nobody else sees the party."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from app.accounts.tables import User
from checkin.tables import Checkin
from checkin.tokens import issue_token, live_token
from events.tables import Companion, Event, Registration, TicketType
from tests.checkin.scan_support import Door, make_list, pair_device, scan
from tests.factories import Factory
from tests.retreats.invitations_support import accepted_guest, add_companion


async def _revoked(registration_id: int) -> None:
    for _ in range(100):
        if await live_token(registration_id) is None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the ticket was not revoked")


async def test_companions_are_confirmed_registrations_of_their_own_up_to_the_limit(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    guest = await accepted_guest(client, factory, companions_allowed=2)
    first = await add_companion(client, guest, "李芳", relationship="spouse", age_group="senior")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["guest_registration_id"] == guest.registration_id and body["status"] == "confirmed"
    assert body["ticket_url"] == f"/me/retreats/{guest.event_id}/companions/{body['id']}/ticket"
    second = await add_companion(client, guest, "王小明", relationship="child", age_group="child")
    assert second.status_code == 201
    third = await add_companion(client, guest, "One too many")
    assert third.status_code == 409 and third.json()["code"] == "companion_limit"

    registration = await Registration.select().where(Registration.id == body["registration_id"]).first()
    assert registration["attendee_name"] == "李芳" and registration["attendee_email"] == guest.email
    holder = await User.select().where(User.id == registration["user"]).first()
    assert not holder["is_active"] and holder["email"].endswith(".invalid")  # cannot sign in
    ticket_type = await TicketType.select().where(TicketType.id == registration["ticket_type"]).first()
    assert (ticket_type["name_en"], ticket_type["name_zh"], ticket_type["taken"]) == (
        "Companion",
        "随行家属",
        2,
    )
    assert await Companion.count().where(Companion.guest_registration == guest.registration_id) == 2

    party = (await client.get(f"/api/v1/me/retreats/{guest.event_id}", headers=guest.headers)).json()
    assert [c["name"] for c in party["companions"]] == ["李芳", "王小明"]
    assert party["companions_allowed"] == 2


async def test_edit_and_remove_a_companion(client: httpx.AsyncClient, factory: Factory) -> None:
    guest = await accepted_guest(client, factory, companions_allowed=1)
    companion = (await add_companion(client, guest, "Old Name")).json()
    path = f"/api/v1/me/retreats/{guest.event_id}/companions/{companion['id']}"
    changed = await client.patch(
        path, json={"name": "New Name", "age_group": "senior"}, headers=guest.headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["age_group"], changed.json()["relationship"]) == (
        "New Name",
        "senior",
        "spouse",
    )
    assert (await client.patch(path, json={"age_group": "ancient"}, headers=guest.headers)).status_code in (
        400,
        422,
    )

    removed = await client.delete(path, headers=guest.headers)
    assert removed.status_code == 204
    registration = await Registration.select().where(Registration.id == companion["registration_id"]).first()
    assert registration["status"] == "cancelled"
    ticket_type = await TicketType.select().where(TicketType.id == registration["ticket_type"]).first()
    assert ticket_type["taken"] == 0
    assert (await client.delete(path, headers=guest.headers)).status_code == 404
    # The seat is free again: the limit counts live companions only.
    assert (await add_companion(client, guest, "Another")).status_code == 201


async def test_companions_tickets_check_in_independently_and_removal_revokes(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    guest = await accepted_guest(client, factory, companions_allowed=2)
    spouse = (await add_companion(client, guest, "Spouse")).json()
    child = (await add_companion(client, guest, "Child", relationship="child", age_group="child")).json()
    # The retreat begins: move it to now so today's scans are valid, and issue fresh tokens.
    now = dt.datetime.now(dt.UTC)
    await Event.update(
        {Event.starts_at: now - dt.timedelta(hours=1), Event.ends_at: now + dt.timedelta(days=4)}
    ).where(Event.id == guest.event_id)
    ids = [guest.registration_id, spouse["registration_id"], child["registration_id"]]
    await asyncio.sleep(0.1)  # let the confirmation listeners finish issuing
    tokens = [await issue_token(registration_id, reason="reissued") for registration_id in ids]
    assert len(set(tokens)) == 3
    # The door: its own client, as a scanner has no guest's cookies.
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as scanner:
        list_id = await make_list(scanner, guest.owner, guest.event_id)
        device_id, device_token = await pair_device(scanner, guest.owner, guest.event_id)
        door = Door(guest.owner, guest.event_id, 0, list_id, device_token, device_id)

        for registration_id, token in zip(ids[:2], tokens[:2], strict=True):
            first = (await scan(scanner, door, token)).json()
            assert first["code"] == "ok", first
            assert first["attendee"]["registration_id"] == registration_id
        again = (await scan(scanner, door, tokens[1])).json()
        assert again["code"] == "already_checked_in" and again["attendee"]["registration_id"] == ids[1]
        # The spouse's second scan says nothing about the child: their ticket gets in on its own.
        child_first = (await scan(scanner, door, tokens[2])).json()
        assert child_first["code"] == "ok" and child_first["attendee"]["registration_id"] == ids[2]
        admitted = (Checkin.checkin_list == list_id) & (Checkin.admitted == True)  # noqa: E712
        assert await Checkin.count().where(admitted) == 3

        removed = await client.delete(
            f"/api/v1/me/retreats/{guest.event_id}/companions/{child['id']}", headers=guest.headers
        )
        assert removed.status_code == 204
        await _revoked(child["registration_id"])
        after = (await scan(scanner, door, tokens[2])).json()
        assert after["code"] != "ok" and after["admitted"] is False


async def test_removed_companion_ticket_is_revoked_before_the_event(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    guest = await accepted_guest(client, factory)
    companion = (await add_companion(client, guest)).json()
    for _ in range(100):
        if await live_token(companion["registration_id"]):
            break
        await asyncio.sleep(0.02)
    assert await live_token(companion["registration_id"]), "registration.confirmed issued no token"
    await client.delete(
        f"/api/v1/me/retreats/{guest.event_id}/companions/{companion['id']}", headers=guest.headers
    )
    await _revoked(companion["registration_id"])


async def test_nobody_else_sees_or_changes_a_party(client: httpx.AsyncClient, factory: Factory) -> None:
    guest = await accepted_guest(client, factory)
    companion = (await add_companion(client, guest)).json()
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as other_client:
        other = await accepted_guest(other_client, factory)
    base = f"/api/v1/me/retreats/{guest.event_id}"
    stranger = await factory.user()
    for headers in (other.headers, stranger.headers, guest.owner.headers):
        assert (await client.get(base, headers=headers)).status_code == 404
        assert (
            await client.post(f"{base}/companions", json={"name": "X"}, headers=headers)
        ).status_code == 404
        path = f"{base}/companions/{companion['id']}"
        assert (await client.patch(path, json={"name": "X"}, headers=headers)).status_code == 404
        assert (await client.delete(path, headers=headers)).status_code == 404
    # The other guest's own event does not reach this companion either.
    cross = f"/api/v1/me/retreats/{other.event_id}/companions/{companion['id']}"
    assert (await client.delete(cross, headers=other.headers)).status_code == 404
    registration = await Registration.select().where(Registration.id == companion["registration_id"]).first()
    assert registration["status"] == "confirmed"


async def test_cancelling_the_guest_cancels_the_party_and_reopens_the_invitation(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from events.tables import RetreatInvitation
    from tests.retreats.invitations_support import accept_on_page

    guest = await accepted_guest(client, factory)
    companion = (await add_companion(client, guest)).json()
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as organiser:
        cancelled = await organiser.post(
            f"/api/v1/registrations/{guest.registration_id}/cancel", headers=guest.owner.headers
        )
    assert cancelled.status_code == 200, cancelled.text
    for _ in range(100):
        invitation = (
            await RetreatInvitation.select().where(RetreatInvitation.id == guest.invitation_id).first()
        )
        if invitation["status"] == "declined":
            break
        await asyncio.sleep(0.02)
    assert invitation["status"] == "declined" and invitation["registration"] is None
    registration = await Registration.select().where(Registration.id == companion["registration_id"]).first()
    assert registration["status"] == "cancelled"
    await _revoked(companion["registration_id"])
    # The guest changes their mind before the event: a new confirmed registration.
    again = await accept_on_page(client, guest.secret)
    assert again.status_code == 303, again.text
    invitation = await RetreatInvitation.select().where(RetreatInvitation.id == guest.invitation_id).first()
    assert invitation["status"] == "accepted" and invitation["registration"] not in (
        None,
        guest.registration_id,
    )


async def test_the_organisers_own_ticket_types_are_used(client: httpx.AsyncClient, factory: Factory) -> None:
    from tests.retreats.invitations_support import accept_on_page, invite, retreat

    owner, event_id = await retreat(factory)
    academician = await factory.ticket_type(
        event_id, name_en="Academician", name_zh="院士", capacity=150, position=0
    )
    family = await factory.ticket_type(
        event_id, name_en="Accompanying family member", name_zh="随行家属", capacity=300, position=1
    )
    _id, secret = await invite(client, owner, event_id)
    assert (await accept_on_page(client, secret)).status_code == 303
    from app.accounts.services import create_api_token
    from events.tables import RetreatInvitation

    row = await RetreatInvitation.select().where(RetreatInvitation.event == event_id).first()
    token, _ = await create_api_token(row["user"], "tests")
    added = await client.post(
        f"/api/v1/me/retreats/{event_id}/companions",
        json={"name": "家属"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert added.status_code == 201, added.text
    guest_registration = await Registration.select().where(Registration.id == row["registration"]).first()
    companion_registration = (
        await Registration.select().where(Registration.id == added.json()["registration_id"]).first()
    )
    assert guest_registration["ticket_type"] == academician
    assert companion_registration["ticket_type"] == family
    assert await TicketType.count().where(TicketType.event == event_id) == 2

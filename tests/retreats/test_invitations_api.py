"""Invitations through the API: invite, list with counts and filters, resend, revoke, access,
and the secrecy of personal links."""

from __future__ import annotations

import hashlib

import httpx

from app.mail.tables import OutboxMessage
from events.tables import RetreatInvitation
from tests.factories import Factory
from tests.retreats.invitations_support import invite, retreat, secret_of


def base(event_id: int) -> str:
    return f"/api/v1/events/{event_id}/retreat-invitations"


async def test_an_invitation_is_mailed_with_a_personal_link_whose_hash_alone_is_stored(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id = await retreat(factory)
    body = {
        "name": "王建国",
        "honorific": "院士",
        "organisation": "中国科学院",
        "email": "Wang.Jianguo@Example.test",
        "companions_allowed": 1,
    }
    response = await client.post(base(event_id), json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["invitation"]["email"] == "wang.jianguo@example.test"
    assert created["invitation"]["status"] == "sent" and created["invitation"]["companions_allowed"] == 1
    secret = secret_of(created["link"])

    row = await RetreatInvitation.select().where(RetreatInvitation.id == created["invitation"]["id"]).first()
    assert row["token_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(row)  # only the hash is stored

    mail = await OutboxMessage.select().where(OutboxMessage.to_address == "wang.jianguo@example.test").first()
    assert mail is not None and mail["kind"] == "retreat.invitation"
    assert secret in mail["body_text"]
    assert "邀请" in mail["subject"]  # a Chinese name: the mail is in Chinese
    assert "尊敬的王建国院士" in mail["body_text"]

    page = await client.get(f"/retreat-invitations/{secret}")
    assert page.status_code == 200 and "王建国" in page.text


async def test_a_latin_name_gets_an_english_mail(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    await invite(
        client, owner, event_id, name="Anna Schmidt", email="anna.schmidt@example.test", organisation="ETH"
    )
    mail = await OutboxMessage.select().where(OutboxMessage.to_address == "anna.schmidt@example.test").first()
    assert mail["subject"].startswith("Invitation: Academician Retreat")


async def test_wrong_links_answer_404(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    _id, secret = await invite(client, owner, event_id)
    for wrong in (
        secret[:-1] + ("A" if secret[-1] != "A" else "B"),
        "x",
        hashlib.sha256(secret.encode()).hexdigest(),
    ):
        assert (await client.get(f"/retreat-invitations/{wrong}")).status_code == 404
    assert (await client.get(f"/retreat-invitations/{secret}")).status_code == 200


async def test_an_email_is_invited_once_per_event(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    await invite(client, owner, event_id, email="once@example.test")
    again = await client.post(
        base(event_id), json={"name": "X", "email": "ONCE@example.test"}, headers=owner.headers
    )
    assert again.status_code == 409 and again.json()["code"] == "already_invited"


async def test_list_counts_and_filters(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    first, _s = await invite(client, owner, event_id, name="Li Ming", organisation="Zhejiang University")
    await invite(client, owner, event_id, name="Zhou Hua")
    await client.post(f"{base(event_id)}/{first}/revoke", headers=owner.headers)

    listing = (await client.get(base(event_id), headers=owner.headers)).json()
    assert listing["total"] == 2
    assert listing["counts"] == {"sent": 1, "accepted": 0, "declined": 0, "revoked": 1}
    revoked = (await client.get(base(event_id), params={"status": "revoked"}, headers=owner.headers)).json()
    assert [i["name"] for i in revoked["items"]] == ["Li Ming"]
    found = (await client.get(base(event_id), params={"q": "zhejiang"}, headers=owner.headers)).json()
    assert [i["name"] for i in found["items"]] == ["Li Ming"]
    bad = await client.get(base(event_id), params={"status": "lost"}, headers=owner.headers)
    assert bad.status_code in (400, 422)


async def test_resend_replaces_the_link_and_revoke_kills_it(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id = await retreat(factory)
    invitation_id, old = await invite(client, owner, event_id)
    resent = await client.post(f"{base(event_id)}/{invitation_id}/resend", headers=owner.headers)
    assert resent.status_code == 200, resent.text
    new = secret_of(resent.json()["link"])
    assert new != old
    assert (await client.get(f"/retreat-invitations/{old}")).status_code == 404
    assert (await client.get(f"/retreat-invitations/{new}")).status_code == 200

    revoked = await client.post(f"{base(event_id)}/{invitation_id}/revoke", headers=owner.headers)
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert (await client.get(f"/retreat-invitations/{new}")).status_code == 404
    # A revoked address may be invited again.
    again = await client.post(
        base(event_id), json={"name": "X", "email": revoked.json()["email"]}, headers=owner.headers
    )
    assert again.status_code == 201


async def test_another_organiser_sees_nothing(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    invitation_id, _secret = await invite(client, owner, event_id)
    stranger, _org = await factory.organiser()
    assert (await client.get(base(event_id), headers=stranger.headers)).status_code == 404
    for action in ("resend", "revoke"):
        response = await client.post(f"{base(event_id)}/{invitation_id}/{action}", headers=stranger.headers)
        assert response.status_code == 404
    created = await client.post(
        base(event_id), json={"name": "X", "email": "x@example.test"}, headers=stranger.headers
    )
    assert created.status_code == 404
    attendee = await factory.user()
    assert (await client.get(base(event_id), headers=attendee.headers)).status_code == 403
    # An invitation id of another event answers 404 on this one.
    _other_owner, other_event = await retreat(factory)
    assert (
        await client.post(f"{base(other_event)}/{invitation_id}/revoke", headers=owner.headers)
    ).status_code == 404


async def test_only_retreats_take_personal_invitations(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="conference")
    response = await client.post(
        base(event_id), json={"name": "X", "email": "x@example.test"}, headers=owner.headers
    )
    assert response.status_code == 409 and response.json()["code"] == "not_a_retreat"


async def test_bad_input_is_a_problem_not_a_crash(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    for body in (
        {"name": "", "email": "a@example.test"},
        {"name": "X", "email": "nope"},
        {"name": "X", "email": "a@b.cn", "companions_allowed": 99},
    ):
        response = await client.post(base(event_id), json=body, headers=owner.headers)
        assert response.status_code == 422, response.text


async def test_no_invitations_for_a_draft_retreat(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory, status="draft")
    response = await client.post(
        base(event_id), json={"name": "X", "email": "x@example.test"}, headers=owner.headers
    )
    assert response.status_code == 409 and response.json()["code"] == "retreat_not_published"
    imported = await client.post(
        f"{base(event_id)}/import", json={"csv": "name,email\nX,x@example.test\n"}, headers=owner.headers
    )
    assert imported.status_code == 409
    assert await RetreatInvitation.count().where(RetreatInvitation.event == event_id) == 0

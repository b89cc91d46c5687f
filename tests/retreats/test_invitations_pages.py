"""Pages in English and Chinese: the organiser's invitations, the personal link, the party."""

from __future__ import annotations

import httpx
import pytest

from events.tables import Registration
from tests.factories import Factory, csrf_token, web_login
from tests.retreats.invitations_support import accepted_guest, add_companion, invite, retreat

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


@pytest.mark.parametrize(
    ("headers", "words"), [(EN, ("Invitations", "Invite a guest")), (ZH, ("邀请嘉宾", "导入 CSV 文件"))]
)
async def test_organiser_page_in_both_languages(
    client: httpx.AsyncClient, factory: Factory, headers: dict[str, str], words: tuple[str, ...]
) -> None:
    owner, event_id = await retreat(factory)
    page = f"/dashboard/events/{event_id}/retreat/invitations"
    await web_login(client, owner)
    empty = await client.get(page, headers=headers)
    assert empty.status_code == 200 and "invitations-empty" in empty.text
    for word in words:
        assert word in empty.text
    await invite(client, owner, event_id, name="Li Ming")
    listing = await client.get(page, params={"status": "sent"}, headers=headers)
    assert "Li Ming" in listing.text and 'data-testid="invitation-row"' in listing.text


async def test_invite_form_posts_back_and_redirects(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id = await retreat(factory)
    page = f"/dashboard/events/{event_id}/retreat/invitations"
    await web_login(client, owner)
    token = await csrf_token(client, page)
    bad = await client.post(page, data={"_csrf_token": token, "name": "Zhang San", "email": "nope"})
    assert bad.status_code == 422 and "form-errors" in bad.text and "Zhang San" in bad.text
    good = await client.post(
        page,
        data={
            "_csrf_token": token,
            "name": "Zhang San",
            "email": "zhang.san@example.test",
            "companions_allowed": "1",
        },
    )
    assert good.status_code == 303
    listing = await client.get(page)
    assert "Invitation mailed to zhang.san@example.test." in listing.text
    twice = await client.post(
        page, data={"_csrf_token": token, "name": "Zhang San", "email": "zhang.san@example.test"}
    )
    assert twice.status_code == 409


async def test_another_organisers_page_is_404(client: httpx.AsyncClient, factory: Factory) -> None:
    _owner, event_id = await retreat(factory)
    stranger, _org = await factory.organiser()
    await web_login(client, stranger)
    assert (await client.get(f"/dashboard/events/{event_id}/retreat/invitations")).status_code == 404


@pytest.mark.parametrize(
    ("headers", "words"), [(EN, ("Personal invitation", "Accept")), (ZH, ("专属邀请函", "接受邀请"))]
)
async def test_personal_page_in_both_languages(
    client: httpx.AsyncClient, factory: Factory, headers: dict[str, str], words: tuple[str, ...]
) -> None:
    owner, event_id = await retreat(factory)
    _id, secret = await invite(client, owner, event_id, honorific="院士", name="王建国")
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as anonymous:
        page = await anonymous.get(f"/retreat-invitations/{secret}", headers=headers)
    assert page.status_code == 200
    for word in (*words, "王建国"):
        assert word in page.text


@pytest.mark.parametrize(
    ("headers", "words"), [(EN, ("Your party", "Add a companion")), (ZH, ("您的随行人员", "添加随行人员"))]
)
async def test_party_page_add_edit_remove_in_both_languages(
    client: httpx.AsyncClient, factory: Factory, headers: dict[str, str], words: tuple[str, ...]
) -> None:
    guest = await accepted_guest(client, factory, companions_allowed=1)
    party = f"/me/retreats/{guest.event_id}"
    page = await client.get(party, headers=headers)
    assert page.status_code == 200 and "party-empty" in page.text
    for word in words:
        assert word in page.text
    token = await csrf_token(client, party)
    invalid = await client.post(
        f"{party}/companions", data={"_csrf_token": token, "name": ""}, headers=headers
    )
    assert invalid.status_code == 422
    added = await client.post(
        f"{party}/companions",
        data={"_csrf_token": token, "name": "李芳", "relationship": "spouse", "age_group": "senior"},
        headers=headers,
    )
    assert added.status_code == 303
    page = await client.get(party, headers=headers)
    assert "李芳" in page.text and "party-full" in page.text
    companion = (await client.get(f"/api/v1/me/retreats/{guest.event_id}", headers=guest.headers)).json()[
        "companions"
    ][0]

    ticket = await client.get(companion["ticket_url"], headers=headers)
    assert ticket.status_code == 200 and "<svg" in ticket.text and companion["code"] in ticket.text

    edit = f"{party}/companions/{companion['id']}"
    assert (await client.get(edit, headers=headers)).status_code == 200
    saved = await client.post(
        edit, data={"_csrf_token": token, "name": "李芳芳", "relationship": "spouse", "age_group": "adult"}
    )
    assert saved.status_code == 303
    assert "李芳芳" in (await client.get(party)).text

    removed = await client.post(f"{edit}/remove", data={"_csrf_token": token})
    assert removed.status_code == 303
    registration = await Registration.select().where(Registration.id == companion["registration_id"]).first()
    assert registration["status"] == "cancelled"
    assert (await client.get(companion["ticket_url"])).status_code == 404
    assert "party-empty" in (await client.get(party)).text


async def test_another_guest_gets_404_on_party_pages(client: httpx.AsyncClient, factory: Factory) -> None:
    guest = await accepted_guest(client, factory)
    companion = (await add_companion(client, guest)).json()
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as other_client:
        await accepted_guest(other_client, factory)  # signed in as another guest
        for path in (
            f"/me/retreats/{guest.event_id}",
            companion["ticket_url"],
            f"/me/retreats/{guest.event_id}/companions/{companion['id']}",
            f"/me/registrations/{companion['registration_id']}/ticket",
        ):
            assert (await other_client.get(path)).status_code == 404, path
        other_client.cookies.clear()  # signed out
        anonymous = await other_client.get(f"/me/retreats/{guest.event_id}")
        assert anonymous.status_code in (302, 303, 401)

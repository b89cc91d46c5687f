"""The registration form, my registrations and the organiser's table as HTML pages."""

from __future__ import annotations

import re
from urllib.parse import unquote

import httpx

from tests.events.registration_support import event_with_ticket, invitation, question, register, status_of
from tests.factories import Factory, web_login

HTML = {"accept": "text/html"}
CHOICES = [{"value": "ai", "en": "AI", "zh": "人工智能"}, {"value": "bio", "en": "Biotech", "zh": "生物医药"}]


async def test_anonymous_visitors_are_sent_to_login(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory)
    for path in (f"/events/{setup.event_id}/register", "/me/registrations"):
        response = await client.get(path, headers=HTML)
        assert response.status_code in (302, 303)
        assert unquote(response.headers["location"]) == f"/login?next={path}"


async def test_register_through_the_form(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=5)
    text = await question(
        setup.event_id, "text", required=True, label_en="Research field", label_zh="研究方向"
    )
    multi = await question(
        setup.event_id, "multiple", label_en="Topics", label_zh="关注领域", options=CHOICES
    )
    user = await factory.user(name="Zhou")
    token = await web_login(client, user)

    form = await client.get(f"/events/{setup.event_id}/register", headers=HTML)
    assert form.status_code == 200
    assert 'data-testid="register-submit"' in form.text
    assert f'name="q_{text}"' in form.text and f'name="q_{multi}"' in form.text
    assert 'value="Zhou"' in form.text  # attendee name prefilled
    assert "5 of 5 seats free" in form.text

    missing = await client.post(
        f"/events/{setup.event_id}/register",
        data={"_csrf_token": token, "ticket_type_id": str(setup.ticket_id), "attendee_name": "Zhou"},
        headers=HTML,
    )
    assert missing.status_code == 422
    assert "This question needs an answer." in missing.text

    done = await client.post(
        f"/events/{setup.event_id}/register",
        data={
            "_csrf_token": token,
            "ticket_type_id": str(setup.ticket_id),
            "attendee_name": "Zhou Min",
            "attendee_organisation": "Westlake",
            f"q_{text}": "Materials",
            f"q_{multi}": ["ai", "bio"],
        },
        headers=HTML,
    )
    assert done.status_code == 303, done.text
    location = done.headers["location"]
    assert re.fullmatch(r"/me/registrations/\d+", location)
    detail = await client.get(location, headers=HTML)
    assert 'data-testid="registration-status"' in detail.text
    assert "Confirmed" in detail.text and "You are registered" in detail.text
    assert "Materials" in detail.text and "AI; Biotech" in detail.text

    again = await client.get(f"/events/{setup.event_id}/register", headers=HTML)
    assert 'data-testid="already-registered"' in again.text


async def test_the_form_in_chinese_shows_waitlist_and_invitation(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    setup = await event_with_ticket(factory, capacity=0, event_fields={"invitation_only": True})
    code = await invitation(setup.event_id)
    user = await factory.user(locale="zh")
    client.cookies.set("lang", "zh")
    token = await web_login(client, user)

    form = await client.get(f"/events/{setup.event_id}/register", headers=HTML)
    assert "已满：可加入候补名单" in form.text and 'name="invitation_code"' in form.text

    wrong = await client.post(
        f"/events/{setup.event_id}/register",
        data={"_csrf_token": token, "ticket_type_id": str(setup.ticket_id), "invitation_code": "WRONG-1"},
        headers=HTML,
    )
    assert wrong.status_code == 422 and "此邀请码不适用于本活动" in wrong.text

    done = await client.post(
        f"/events/{setup.event_id}/register",
        data={"_csrf_token": token, "ticket_type_id": str(setup.ticket_id), "invitation_code": code},
        headers=HTML,
    )
    detail = await client.get(done.headers["location"], headers=HTML)
    status = re.search(r'data-testid="registration-status">([^<]+)<', detail.text)
    assert status and status.group(1) == "候补中"


async def test_my_registrations_page_and_cancel(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user()
    token = await web_login(client, user)
    empty = await client.get("/me/registrations", headers=HTML)
    assert 'data-testid="no-registrations"' in empty.text

    setup = await event_with_ticket(factory)
    reg = (await register(client, user, setup.event_id, setup.ticket_id)).json()
    listing = await client.get("/me/registrations", headers=HTML)
    assert reg["code"] in listing.text and "Confirmed" in listing.text

    cancelled = await client.post(
        f"/me/registrations/{reg['id']}/cancel", data={"_csrf_token": token}, headers=HTML
    )
    assert cancelled.status_code == 303
    assert await status_of(reg["id"]) == "cancelled"
    page = await client.get(cancelled.headers["location"], headers=HTML)
    assert "Your registration is cancelled." in page.text

    other = await factory.user()
    theirs = (await register(client, other, setup.event_id, setup.ticket_id)).json()
    assert (await client.get(f"/me/registrations/{theirs['id']}", headers=HTML)).status_code == 404
    forbidden = await client.post(
        f"/me/registrations/{theirs['id']}/cancel", data={"_csrf_token": token}, headers=HTML
    )
    assert forbidden.status_code == 404
    assert await status_of(theirs["id"]) == "confirmed"


async def test_organiser_table_filters_and_approves(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, capacity=5, requires_approval=True)
    applicants = [await factory.user(name=f"Applicant {i}") for i in range(2)]
    regs = [(await register(client, a, setup.event_id, setup.ticket_id)).json() for a in applicants]
    token = await web_login(client, setup.organiser)
    path = f"/dashboard/events/{setup.event_id}/registrations"

    table = await client.get(path, headers=HTML)
    assert table.status_code == 200
    assert table.text.count('data-testid="registration-row"') == 2
    assert 'data-testid="export-csv"' in table.text and 'data-testid="export-xlsx"' in table.text
    searched = await client.get(path, params={"q": "Applicant 1"}, headers=HTML)
    assert searched.text.count('data-testid="registration-row"') == 1

    approved = await client.post(f"{path}/{regs[0]['id']}/approve", data={"_csrf_token": token}, headers=HTML)
    assert approved.status_code == 303
    assert await status_of(regs[0]["id"]) == "confirmed"

    # htmx swaps just the row.
    row = await client.post(
        f"{path}/{regs[1]['id']}/reject", data={"_csrf_token": token}, headers={**HTML, "HX-Request": "true"}
    )
    assert row.status_code == 200 and row.text.lstrip().startswith("<tr")
    assert "Not approved" in row.text
    assert await status_of(regs[1]["id"]) == "rejected"


async def test_another_organiser_sees_nothing(client: httpx.AsyncClient, factory: Factory) -> None:
    setup = await event_with_ticket(factory, requires_approval=True)
    attendee = await factory.user()
    reg = (await register(client, attendee, setup.event_id, setup.ticket_id)).json()
    intruder, _org = await factory.organiser()
    token = await web_login(client, intruder)
    path = f"/dashboard/events/{setup.event_id}/registrations"
    assert (await client.get(path, headers=HTML)).status_code == 404
    response = await client.post(f"{path}/{reg['id']}/approve", data={"_csrf_token": token}, headers=HTML)
    assert response.status_code == 404
    assert await status_of(reg["id"]) == "pending"

"""The events HTML pages: listing, event page and the organiser's dashboard forms."""

from __future__ import annotations

import datetime as dt
import re

import httpx

from tests.factories import Factory, unique, web_login

HTML = {"accept": "text/html"}
ZH = {"accept": "text/html", "accept-language": "zh-CN,zh;q=0.9"}


def soon(days: int = 30) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=days)


# -- public pages ----------------------------------------------------------------------------
async def test_listing_in_english_and_chinese(client: httpx.AsyncClient, factory: Factory) -> None:
    _user, org_id = await factory.organiser()
    city = unique("Lishui")
    start = dt.datetime(2031, 5, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
    await factory.event(
        org_id, kind="retreat", title_en="Provincial Academician Retreat", title_zh="省院士休养活动",
        city_en=city, city_zh="丽水", starts_at=start, ends_at=start + dt.timedelta(days=4),
    )  # fmt: skip
    english = await client.get("/events", params={"city": city}, headers=HTML)
    assert english.status_code == 200
    assert "Provincial Academician Retreat" in english.text
    assert "Retreat" in english.text
    assert "1 May 2031" in english.text
    assert 'data-testid="event-card"' in english.text
    chinese = await client.get("/events", params={"city": city}, headers=ZH)
    assert "省院士休养活动" in chinese.text
    assert "院士休养" in chinese.text
    assert "2031年5月1日" in chinese.text
    assert "丽水" in chinese.text
    assert "筛选" in chinese.text or "显示活动" in chinese.text


async def test_listing_empty_state_and_bad_filters(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/events", params={"city": unique("Nowhere"), "from": "not-a-date", "kind": "party"}, headers=HTML
    )
    assert response.status_code == 200
    assert 'data-testid="empty-state"' in response.text
    assert "No events match these filters." in response.text


async def test_listing_pagination_links(client: httpx.AsyncClient, factory: Factory) -> None:
    _user, org_id = await factory.organiser()
    city = unique("Pages")
    for i in range(13):
        await factory.event(org_id, city_en=city, starts_at=soon(i + 1), ends_at=soon(i + 2))
    first = await client.get("/events", params={"city": city}, headers=HTML)
    assert first.text.count('data-testid="event-card"') == 12
    assert 'data-testid="page-next"' in first.text
    second = await client.get("/events", params={"city": city, "page": "2"}, headers=HTML)
    assert second.text.count('data-testid="event-card"') == 1
    assert 'data-testid="page-prev"' in second.text


async def test_event_page_shows_agenda_tickets_and_register(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from events.tables import AgendaSession

    _user, org_id = await factory.organiser()
    start = dt.datetime(2031, 9, 1, 1, tzinfo=dt.UTC)
    event_id = await factory.event(org_id, starts_at=start, ends_at=start + dt.timedelta(days=1))
    for day, title in [(0, "Opening ceremony"), (1, "Closing pitch session")]:
        begin = start + dt.timedelta(days=day)
        await AgendaSession(
            event=event_id, title_en=title, title_zh="会议", starts_at=begin, ends_at=begin + dt.timedelta(hours=1),
            room="Hall A", speakers=["Li Wei"],
        ).save()  # fmt: skip
    await factory.ticket_type(event_id, capacity=5)
    await factory.ticket_type(event_id, capacity=3, taken=3)
    await factory.ticket_type(event_id, capacity=3, sales_start=soon(5))
    response = await client.get(f"/events/{event_id}", headers=HTML)
    assert response.status_code == 200
    text = response.text
    assert "Opening ceremony" in text and "Closing pitch session" in text
    assert text.count('data-testid="agenda-session"') == 2
    assert "1 Sep 2031" in text and "2 Sep 2031" in text  # two agenda days
    assert "09:00" in text
    assert "5 seats left" in text
    assert "Waiting list" in text
    assert "Sales not open" in text
    assert re.search(rf'href="/events/{event_id}/register"[^>]*data-testid="register-button"', text)
    chinese = await client.get(f"/events/{event_id}", headers=ZH)
    assert "测试活动" in chinese.text
    assert "候补" in chinese.text
    assert "报名" in chinese.text


async def test_event_page_sold_out_without_waiting_list(client: httpx.AsyncClient, factory: Factory) -> None:
    _user, org_id = await factory.organiser()
    event_id = await factory.event(org_id, waitlist_enabled=False)
    await factory.ticket_type(event_id, capacity=2, taken=2)
    response = await client.get(f"/events/{event_id}", headers=HTML)
    assert "Sold out" in response.text
    assert 'data-testid="register-button"' not in response.text


async def test_draft_page_only_for_organisers(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    event_id = await factory.event(org_id, status="draft")
    hidden = await client.get(f"/events/{event_id}", headers=HTML)
    assert hidden.status_code == 404
    assert 'data-testid="error"' in hidden.text
    await web_login(client, user)
    preview = await client.get(f"/events/{event_id}", headers=HTML)
    assert preview.status_code == 200
    assert 'data-testid="draft-notice"' in preview.text
    assert 'data-testid="register-button"' not in preview.text


# -- dashboard -------------------------------------------------------------------------------
async def test_dashboard_requires_sign_in(client: httpx.AsyncClient, factory: Factory) -> None:
    response = await client.get("/dashboard/events/new", headers=HTML)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login?next=%2Fdashboard%2Fevents%2Fnew"
    attendee = await factory.user()
    await web_login(client, attendee)
    assert (await client.get("/dashboard", headers=HTML)).status_code == 403


async def test_dashboard_empty_state_then_events(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    await web_login(client, user)
    empty = await client.get("/dashboard", headers=HTML)
    assert empty.status_code == 200
    assert 'data-testid="empty-state"' in empty.text
    assert 'href="/dashboard/events/new"' in empty.text
    await factory.event(org_id, status="draft", title_en="My Draft Roadshow")
    listed = await client.get("/dashboard", headers=ZH)
    assert "My Draft Roadshow" not in listed.text  # Chinese title shown in Chinese
    assert "测试活动" in listed.text
    assert "草稿" in listed.text


async def test_create_and_publish_through_the_forms(client: httpx.AsyncClient, factory: Factory) -> None:
    from events.tables import Event

    user, org_id = await factory.organiser()
    token = await web_login(client, user)
    form = await client.get("/dashboard/events/new", headers=HTML)
    assert form.status_code == 200
    assert 'name="starts_at"' in form.text and 'type="datetime-local"' in form.text
    title = unique("Star Contest")
    response = await client.post(
        "/dashboard/events/new",
        data={
            "_csrf_token": token,
            "organisation_id": str(org_id),
            "kind": "contest",
            "title_en": title,
            "title_zh": "星归大赛",
            "city_en": "Hangzhou",
            "city_zh": "杭州",
            "timezone": "Asia/Shanghai",
            "starts_at": "2031-05-01T09:00",
            "ends_at": "2031-05-02T18:00",
            "waitlist_enabled": "true",
        },
        headers=HTML,
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/dashboard/events/(\d+)", response.headers["location"])
    assert match
    event_id = int(match.group(1))
    row = await Event.select().where(Event.id == event_id).first()
    assert row["status"] == "draft"
    assert row["starts_at"] == dt.datetime(2031, 5, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 Shanghai
    assert row["waitlist_enabled"] and not row["invitation_only"]
    manage = await client.get(response.headers["location"], headers=HTML)
    assert 'data-testid="flash"' in manage.text
    assert 'data-testid="publish-button"' in manage.text
    assert 'data-confirm="Publish this event?' in manage.text
    assert f'href="/dashboard/events/{event_id}/registrations"' in manage.text
    # The edit form shows local times again.
    assert 'value="2031-05-01T09:00"' in manage.text

    published = await client.post(
        f"/dashboard/events/{event_id}/publish", data={"_csrf_token": token}, headers=HTML
    )
    assert published.status_code == 303
    row = await Event.select().where(Event.id == event_id).first()
    assert row["status"] == "published" and row["published_at"] is not None
    again = await client.post(
        f"/dashboard/events/{event_id}/publish", data={"_csrf_token": token}, headers=HTML
    )
    assert again.status_code == 303
    page = await client.get(f"/dashboard/events/{event_id}", headers=HTML)
    assert "flash-error" in page.text
    assert (await client.get(f"/events/{event_id}", headers=HTML)).status_code == 200


async def test_form_errors_and_csrf(client: httpx.AsyncClient, factory: Factory) -> None:
    user, org_id = await factory.organiser()
    token = await web_login(client, user)
    base = {"organisation_id": str(org_id), "kind": "conference", "timezone": "Asia/Shanghai"}
    missing = await client.post(
        "/dashboard/events/new",
        data={**base, "_csrf_token": token, "starts_at": "2031-05-01T09:00", "ends_at": "2031-05-01T10:00"},
        headers=HTML,
    )
    assert missing.status_code == 422
    assert 'data-testid="form-errors"' in missing.text
    assert 'id="new-title_en-error"' in missing.text
    backwards = await client.post(
        "/dashboard/events/new",
        data={**base, "_csrf_token": token, "title_en": "X", "starts_at": "2031-05-02T09:00", "ends_at": "2031-05-01T09:00"},
        headers=ZH,
    )  # fmt: skip
    assert backwards.status_code == 422
    assert 'id="new-ends_at-error"' in backwards.text
    assert 'value="X"' in backwards.text  # the typed values stay
    no_csrf = await client.post(
        "/dashboard/events/new",
        data={**base, "title_en": "X", "starts_at": "2031-05-01T09:00", "ends_at": "2031-05-01T10:00"},
        headers=HTML,
    )
    assert no_csrf.status_code == 403


async def test_event_parts_through_the_forms(client: httpx.AsyncClient, factory: Factory) -> None:
    from events.tables import AgendaSession, InvitationCode, Question, TicketType

    user, org_id = await factory.organiser()
    helper = await factory.user()
    start = dt.datetime(2031, 6, 1, 1, tzinfo=dt.UTC)
    event_id = await factory.event(
        org_id, status="draft", starts_at=start, ends_at=start + dt.timedelta(days=2)
    )
    token = await web_login(client, user)
    base = f"/dashboard/events/{event_id}"

    async def post(path: str, **data: str) -> httpx.Response:
        return await client.post(base + path, data={"_csrf_token": token, **data}, headers=HTML)

    ok = await post("/ticket-types", name_en="Scientist", name_zh="科学家", capacity="150")
    assert ok.status_code == 303, ok.text
    ticket = await TicketType.select().where(TicketType.event == event_id).first()
    assert ticket["capacity"] == 150 and not ticket["requires_approval"]
    edited = await post(
        f"/ticket-types/{ticket['id']}", name_en="Scientist", capacity="200", requires_approval="true"
    )
    assert edited.status_code == 303
    ticket = await TicketType.select().where(TicketType.id == ticket["id"]).first()
    assert ticket["capacity"] == 200 and ticket["requires_approval"]
    bad = await post("/ticket-types", name_en="", capacity="-1")
    assert bad.status_code == 422

    session = await post(
        "/sessions", title_en="Keynote", starts_at="2031-06-01T09:30", ends_at="2031-06-01T10:30",
        speakers="Li Wei, Anna Smith",
    )  # fmt: skip
    assert session.status_code == 303, session.text
    row = await AgendaSession.select().where(AgendaSession.event == event_id).output(load_json=True).first()
    assert row["speakers"] == ["Li Wei", "Anna Smith"]
    assert row["starts_at"] == dt.datetime(2031, 6, 1, 1, 30, tzinfo=dt.UTC)
    outside = await post(
        "/sessions", title_en="Late", starts_at="2031-07-01T09:30", ends_at="2031-07-01T10:30"
    )
    assert outside.status_code == 422
    assert "Sessions must take place within the event" in outside.text

    question = await post(
        "/questions", kind="single", label_en="Field", label_zh="领域", options="Biology | 生物\nAI | 人工智能",
        required="true",
    )  # fmt: skip
    assert question.status_code == 303, question.text
    q = await Question.select().where(Question.event == event_id).output(load_json=True).first()
    assert q["required"] and [o["zh"] for o in q["options"]] == ["生物", "人工智能"]
    no_options = await post("/questions", kind="multiple", label_en="Pick")
    assert no_options.status_code == 422

    codes = await post("/invitation-codes", count="3", max_uses="2", note="VIPs")
    assert codes.status_code == 303
    assert await InvitationCode.count().where(InvitationCode.event == event_id) == 3

    staff = await post("/staff", email=helper.email)
    assert staff.status_code == 303
    unknown = await post("/staff", email="nobody-here@example.test")
    assert unknown.status_code == 422

    page = await client.get(base, headers=ZH)
    assert page.status_code == 200
    assert page.text.count('data-testid="code-row"') == 3
    assert "Scientist" in page.text and "Keynote" in page.text and "领域" in page.text
    assert helper.email in page.text
    assert 'data-confirm="' in page.text

    removed = await post(f"/sessions/{row['id']}/delete")
    assert removed.status_code == 303
    assert not await AgendaSession.exists().where(AgendaSession.event == event_id)
    removed = await post(f"/ticket-types/{ticket['id']}/delete")
    assert removed.status_code == 303
    assert not await TicketType.exists().where(TicketType.event == event_id)


async def test_other_organisers_get_404_pages(client: httpx.AsyncClient, factory: Factory) -> None:
    _owner, org_id = await factory.organiser()
    event_id = await factory.event(org_id, status="draft")
    intruder, _other_org = await factory.organiser()
    token = await web_login(client, intruder)
    assert (await client.get(f"/dashboard/events/{event_id}", headers=HTML)).status_code == 404
    publish = await client.post(
        f"/dashboard/events/{event_id}/publish", data={"_csrf_token": token}, headers=HTML
    )
    assert publish.status_code == 404
    add = await client.post(
        f"/dashboard/events/{event_id}/ticket-types",
        data={"_csrf_token": token, "name_en": "x", "capacity": "1"},
        headers=HTML,
    )
    assert add.status_code == 404


async def test_edit_form_replaces_fields_and_keeps_local_times(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from events.tables import Event

    user, org_id = await factory.organiser()
    event_id = await factory.event(org_id, status="draft", invitation_only=True)
    token = await web_login(client, user)
    page = await client.get(f"/dashboard/events/{event_id}", headers=ZH)
    assert 'data-confirm="确定发布此活动吗' in page.text
    assert "发布" in page.text
    response = await client.post(
        f"/dashboard/events/{event_id}",
        data={
            "_csrf_token": token,
            "kind": "roadshow",
            "title_en": "Renamed Roadshow",
            "title_zh": "",
            "timezone": "Europe/London",
            "starts_at": "2031-07-01T09:00",
            "ends_at": "2031-07-01T17:00",
            "waitlist_enabled": "true",
        },
        headers=HTML,
    )
    assert response.status_code == 303, response.text
    row = await Event.select().where(Event.id == event_id).first()
    assert row["title_en"] == "Renamed Roadshow" and row["title_zh"] == ""
    assert row["kind"] == "roadshow" and row["timezone"] == "Europe/London"
    assert row["starts_at"] == dt.datetime(2031, 7, 1, 8, tzinfo=dt.UTC)  # 09:00 BST
    assert not row["invitation_only"]  # unticked
    invalid = await client.post(
        f"/dashboard/events/{event_id}",
        data={"_csrf_token": token, "kind": "roadshow", "title_en": "X", "timezone": "Nowhere/Land",
              "starts_at": "2031-07-01T09:00", "ends_at": "2031-07-01T17:00"},
        headers=HTML,
    )  # fmt: skip
    assert invalid.status_code == 422
    assert 'id="edit-timezone-error"' in invalid.text
    cancel = await client.post(
        f"/dashboard/events/{event_id}/cancel", data={"_csrf_token": token}, headers=HTML
    )
    assert cancel.status_code == 303
    frozen = await client.get(f"/dashboard/events/{event_id}", headers=HTML)
    assert "can no longer be changed" in frozen.text
    assert 'data-testid="edit-form"' not in frozen.text

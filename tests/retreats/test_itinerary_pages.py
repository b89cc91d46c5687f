"""Itinerary pages in English and Chinese: the organisers' programme and the phone schedule."""

from __future__ import annotations

import httpx
import pytest

from events.tables import Activity, ActivitySignup
from tests.factories import Factory, web_login
from tests.retreats import care_support as cs

HTML = {"accept": "text/html"}


@pytest.mark.parametrize(
    ("lang", "words"), [("en", ["Programme", "Excursion"]), ("zh", ["日程安排", "游览"])]
)
async def test_programme_page(
    client: httpx.AsyncClient, factory: Factory, lang: str, words: list[str]
) -> None:
    r = await cs.retreat(factory)
    activity_id = await cs.activity(r.event_id)
    await ActivitySignup(activity=activity_id, registration=r.guest_registration).save()
    client.cookies.set("lang", lang)
    await web_login(client, r.organiser)
    page = await client.get(f"/dashboard/events/{r.event_id}/retreat/itinerary", headers=HTML)
    assert page.status_code == 200, page.text
    for word in words:
        assert word in page.text
    assert page.text.count('data-testid="activity"') == 1
    assert "Academician Zhang" in page.text  # who signed up


async def test_organiser_adds_edits_and_lists_an_activity(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    r = await cs.retreat(factory)
    token = await web_login(client, r.owner)
    base = f"/dashboard/events/{r.event_id}/retreat/itinerary/activities"
    day = await cs.second_day(r.event_id)
    form = {
        "kind": "medical", "title_en": "Check-up", "title_zh": "体检", "starts_at": f"{day}T08:30",
        "ends_at": f"{day}T11:00", "optional": "true", "capacity": "10", "_csrf_token": token,
    }  # fmt: skip
    added = await client.post(base, data=form)
    assert added.status_code == 303, added.text
    row = await Activity.select().where(Activity.event == r.event_id).first()
    assert row["capacity"] == 10 and row["starts_at"].hour == 0  # 08:30 in Shanghai is 00:30 UTC
    bad = await client.post(base, data={**form, "ends_at": f"{day}T07:00"}, headers=HTML)
    assert bad.status_code == 422 and 'data-testid="form-errors"' in bad.text
    edited = await client.post(f"{base}/{row['id']}", data={**form, "capacity": "12"})
    assert edited.status_code == 303
    row = await Activity.select().where(Activity.id == row["id"]).first()
    assert row["capacity"] == 12
    listed = await client.post(f"{base}/{row['id']}/checkin-list", data={"_csrf_token": token})
    assert listed.status_code == 303
    page = await client.get(f"/dashboard/events/{r.event_id}/retreat/itinerary", headers=HTML)
    assert 'data-testid="activity-checkin"' in page.text
    assert 'data-testid="activity-checkin-create"' not in page.text
    again = await client.post(f"{base}/{row['id']}/checkin-list", data={"_csrf_token": token})
    assert again.status_code == 303  # refused with a flash
    page = await client.get(f"/dashboard/events/{r.event_id}/retreat/itinerary", headers=HTML)
    assert "This activity already has a check-in list." in page.text
    deleted = await client.post(f"{base}/{row['id']}/delete", data={"_csrf_token": token})
    assert deleted.status_code == 303
    assert not await Activity.exists().where(Activity.id == row["id"])


@pytest.mark.parametrize(
    ("lang", "words"), [("en", ["Schedule", "Take a place"]), ("zh", ["日程", "报名参加"])]
)
async def test_guest_schedule_and_signup(
    client: httpx.AsyncClient, factory: Factory, lang: str, words: list[str]
) -> None:
    r = await cs.retreat(factory, companions=1)
    trip = await cs.activity(r.event_id, capacity=1)
    await cs.activity(
        r.event_id, hours_from_start=50, optional=False, capacity=None, kind="lecture", title_en="Talk"
    )
    client.cookies.set("lang", lang)
    token = await web_login(client, r.guest)
    url = f"/me/retreats/{r.event_id}/schedule"
    page = await client.get(url, headers=HTML)
    assert page.status_code == 200, page.text
    for word in words:
        assert word in page.text
    assert page.text.count('data-testid="schedule-person"') == 2
    assert page.text.count('data-state="everyone"') == 2
    signed = await client.post(
        f"{url}/{trip}/signup", data={"registration_id": str(r.companions[0]), "_csrf_token": token}
    )
    assert signed.status_code == 303
    assert await ActivitySignup.count().where(ActivitySignup.activity == trip) == 1
    page = await client.get(url, headers=HTML)
    assert 'data-state="signed_up"' in page.text and 'data-state="full"' in page.text
    full = await client.post(
        f"{url}/{trip}/signup", data={"registration_id": str(r.guest_registration), "_csrf_token": token}
    )
    assert full.status_code == 303  # refused with a flash, not an error page
    assert await ActivitySignup.count().where(ActivitySignup.activity == trip) == 1
    cancelled = await client.post(
        f"{url}/{trip}/cancel", data={"registration_id": str(r.companions[0]), "_csrf_token": token}
    )
    assert cancelled.status_code == 303
    assert await ActivitySignup.count().where(ActivitySignup.activity == trip) == 0

"""The pitch calls API: organisers create, edit, open and close calls on roadshows and contests;
the public reads open and closed calls of published events."""

from __future__ import annotations

import datetime as dt

import httpx

from tests.factories import Factory
from tests.roadshows import support
from tests.roadshows.calls_support import CATEGORIES, QUESTIONS

SOON = (dt.datetime.now(dt.UTC) + dt.timedelta(days=10)).isoformat()


def call_body(**fields: object) -> dict[str, object]:
    return {
        "title_en": "Call for biotech pitches",
        "title_zh": "生物科技项目征集",
        "description_en": "Bring your best project.",
        "deadline": SOON,
        "categories": CATEGORIES,
        "questions": QUESTIONS,
        **fields,
    }


async def test_organiser_creates_a_draft_call_then_opens_and_closes_it(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="roadshow")
    created = await client.post(
        f"/api/v1/events/{event_id}/calls", json=call_body(), headers=organiser.headers
    )
    assert created.status_code == 201, created.text
    call = created.json()
    assert call["status"] == "draft" and call["allowed_statuses"] == ["open"]
    assert [c["key"] for c in call["categories"]] == ["health", "energy"]
    assert call["questions"][1]["options"][0] == {"value": "seed", "en": "Seed", "zh": "种子"}
    # Drafts are not public.
    assert (await client.get(f"/api/v1/calls/{call['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/events/{event_id}/calls")).json() == []

    opened = await client.post(f"/api/v1/calls/{call['id']}/open", headers=organiser.headers)
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    public = (await client.get(f"/api/v1/events/{event_id}/calls")).json()
    assert [c["id"] for c in public] == [call["id"]] and public[0]["accepting"] is True

    closed = await client.post(f"/api/v1/calls/{call['id']}/close", headers=organiser.headers)
    assert closed.json()["status"] == "closed"
    assert (await client.get(f"/api/v1/calls/{call['id']}")).json()["accepting"] is False
    again = await client.post(f"/api/v1/calls/{call['id']}/close", headers=organiser.headers)
    assert again.status_code == 409 and again.json()["allowed"] == ["open"]
    reopened = await client.post(f"/api/v1/calls/{call['id']}/open", headers=organiser.headers)
    assert reopened.json()["status"] == "open"


async def test_reopening_after_the_deadline_is_refused(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="contest")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    call_id = await support.call(event_id, status="closed", deadline=past)
    response = await client.post(f"/api/v1/calls/{call_id}/open", headers=organiser.headers)
    assert response.status_code == 409 and response.json()["code"] == "deadline_passed"
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    moved = await client.patch(
        f"/api/v1/calls/{call_id}", json={"deadline": later}, headers=organiser.headers
    )
    assert moved.status_code == 200 and moved.json()["allowed_statuses"] == ["open"]
    assert (await client.post(f"/api/v1/calls/{call_id}/open", headers=organiser.headers)).status_code == 200


async def test_calls_only_on_roadshows_and_contests(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, org_id = await factory.organiser()
    for kind in ("conference", "retreat"):
        event_id = await factory.event(org_id, kind=kind)
        response = await client.post(
            f"/api/v1/events/{event_id}/calls", json=call_body(), headers=organiser.headers
        )
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "wrong_event_kind"


async def test_calls_need_an_aware_deadline_and_clean_categories(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="contest")
    url = f"/api/v1/events/{event_id}/calls"
    naive = await client.post(url, json=call_body(deadline="2030-01-01T09:00:00"), headers=organiser.headers)
    assert naive.status_code == 422
    twice = call_body(categories=[CATEGORIES[0], CATEGORIES[0]])
    response = await client.post(url, json=twice, headers=organiser.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "categories"
    no_options = call_body(questions=[{"key": "pick", "kind": "single", "label_en": "Pick"}])
    response = await client.post(url, json=no_options, headers=organiser.headers)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "questions.pick"


async def test_other_organisations_and_other_people_see_nothing(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="contest")
    call_id = await support.call(event_id, status="draft")
    stranger, _org = await factory.organiser()
    founder = await factory.user(entrepreneur=True)
    assert (await client.get(f"/api/v1/calls/{call_id}", headers=stranger.headers)).status_code == 404
    patch = await client.patch(f"/api/v1/calls/{call_id}", json={"title_en": "X"}, headers=stranger.headers)
    assert patch.status_code == 404
    assert (await client.post(f"/api/v1/calls/{call_id}/open", headers=stranger.headers)).status_code == 404
    listing = await client.get(f"/api/v1/dashboard/events/{event_id}/calls", headers=stranger.headers)
    assert listing.status_code == 404
    created = await client.post(
        f"/api/v1/events/{event_id}/calls", json=call_body(), headers=stranger.headers
    )
    assert created.status_code == 404
    assert (await client.post(f"/api/v1/calls/{call_id}/open", headers=founder.headers)).status_code == 403
    own = await client.get(f"/api/v1/calls/{call_id}", headers=organiser.headers)
    assert own.status_code == 200 and own.json()["status"] == "draft"


async def test_organiser_listing_counts_submissions_per_status(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="roadshow")
    call_id = await support.call(event_id)
    draft_id = await support.call(event_id, status="draft")
    founder = await factory.user(entrepreneur=True)
    for status in ("submitted", "submitted", "shortlisted"):
        await support.submission(call_id, await support.project(founder), status=status)
    response = await client.get(f"/api/v1/dashboard/events/{event_id}/calls", headers=organiser.headers)
    assert response.status_code == 200
    by_id = {c["id"]: c for c in response.json()}
    assert set(by_id) == {call_id, draft_id}
    assert by_id[call_id]["counts"]["submitted"] == 2 and by_id[call_id]["counts"]["shortlisted"] == 1
    assert by_id[call_id]["total"] == 3 and by_id[draft_id]["total"] == 0


async def test_a_category_in_use_cannot_be_removed(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="contest")
    call_id = await support.call(event_id, categories=CATEGORIES)
    founder = await factory.user(entrepreneur=True)
    await support.submission(call_id, await support.project(founder), category="energy")
    response = await client.patch(
        f"/api/v1/calls/{call_id}", json={"categories": [CATEGORIES[0]]}, headers=organiser.headers
    )
    assert response.status_code == 409 and response.json()["categories"] == ["energy"]


async def test_calls_of_draft_events_are_not_public(client: httpx.AsyncClient, factory: Factory) -> None:
    _organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="contest", status="draft")
    call_id = await support.call(event_id)
    assert (await client.get(f"/api/v1/calls/{call_id}")).status_code == 404
    assert (await client.get(f"/api/v1/events/{event_id}/calls")).status_code == 404

"""The databank's paywall: who sees a project's teaser, its full details, contacts and deck."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from tests.factories import Factory
from tests.roadshows import investors_support as inv

VISIBILITIES = ("teaser_public", "full_subscribers", "full_on_introduction")


def url(project_id: int) -> str:
    return f"/api/v1/databank/projects/{project_id}"


def assert_teaser(body: dict) -> None:
    assert body["access"] == "teaser"
    for key in inv.FULL_KEYS:
        assert key not in body, f"{key} leaked into a teaser"
    text = str(body)
    for secret in ("wang.li@lake.example", "Revenue 12M", "+86 571", "lake.example"):
        assert secret not in text


@pytest.mark.parametrize("visibility", VISIBILITIES)
async def test_investor_without_access_gets_a_teaser_without_details_or_deck(
    client: httpx.AsyncClient, factory: Factory, visibility: str
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, visibility)
    await inv.give_deck(project_id)
    found = await inv.investor(factory)

    response = await client.get(url(project_id), headers=found.user.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert_teaser(body)
    assert body["name_en"] == "Test Project" and body["sector"] == "biotech"
    assert [p["name"] for p in body["team"]] == ["Wang Li", "Zhao Min"]
    assert body["viewer"]["may_request_introduction"] is True
    deck = await client.get(f"/api/v1/projects/{project_id}/deck", headers=found.user.headers)
    assert deck.status_code == 404


@pytest.mark.parametrize("visibility", ["teaser_public", "full_subscribers"])
async def test_live_subscription_and_seat_show_full_details_and_deck(
    client: httpx.AsyncClient, factory: Factory, visibility: str
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, visibility)
    await inv.give_deck(project_id)
    found = await inv.subscriber(factory)

    body = (await client.get(url(project_id), headers=found.user.headers)).json()
    assert body["access"] == "full"
    assert body["contact_email"] == "wang.li@lake.example"
    assert body["financials_en"].startswith("Revenue")
    assert body["website"] == "https://lake.example"
    assert body["deck"]["url"] == f"/api/v1/projects/{project_id}/deck"
    deck = await client.get(body["deck"]["url"], headers=found.user.headers)
    assert deck.status_code == 200 and deck.content.startswith(b"%PDF-")


async def test_subscription_alone_does_not_open_a_listing_on_introduction(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_on_introduction")
    await inv.give_deck(project_id)
    found = await inv.subscriber(factory)

    assert_teaser((await client.get(url(project_id), headers=found.user.headers)).json())
    assert (
        await client.get(f"/api/v1/projects/{project_id}/deck", headers=found.user.headers)
    ).status_code == 404

    await inv.accepted_introduction(project_id, found)
    body = (await client.get(url(project_id), headers=found.user.headers)).json()
    assert body["access"] == "full" and body["contact_phone"] == "+86 571 0000 0000"
    deck = await client.get(f"/api/v1/projects/{project_id}/deck", headers=found.user.headers)
    assert deck.status_code == 200


async def test_accepted_introduction_opens_details_without_a_subscription(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_on_introduction")
    found = await inv.investor(factory)
    colleague = await inv.member(factory, found.institution_id)
    other = await inv.investor(factory, name_en="Other Fund")
    await inv.accepted_introduction(project_id, found)

    assert (await client.get(url(project_id), headers=colleague.headers)).json()["access"] == "full"
    assert_teaser((await client.get(url(project_id), headers=other.user.headers)).json())


async def test_member_without_a_seat_gets_no_details(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers")
    await inv.give_deck(project_id)
    seated = await inv.subscriber(factory)
    unseated = await inv.member(factory, seated.institution_id)

    assert (await client.get(url(project_id), headers=seated.user.headers)).json()["access"] == "full"
    assert_teaser((await client.get(url(project_id), headers=unseated.headers)).json())
    assert (
        await client.get(f"/api/v1/projects/{project_id}/deck", headers=unseated.headers)
    ).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"status": "past_due"},
        {"status": "canceled"},
        {"status": "unpaid"},
        {"current_period_end": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)},
    ],
)
async def test_lapsed_subscription_loses_access_at_once(
    client: httpx.AsyncClient, factory: Factory, change: dict
) -> None:
    from roadshows.tables import InstitutionSubscription

    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers")
    await inv.give_deck(project_id)
    found = await inv.subscriber(factory)
    deck_url = f"/api/v1/projects/{project_id}/deck"
    assert (await client.get(url(project_id), headers=found.user.headers)).json()["access"] == "full"
    assert (await client.get(deck_url, headers=found.user.headers)).status_code == 200

    values = {getattr(InstitutionSubscription, key): value for key, value in change.items()}
    await InstitutionSubscription.update(values).where(
        InstitutionSubscription.institution == found.institution_id
    )
    assert_teaser((await client.get(url(project_id), headers=found.user.headers)).json())
    assert (await client.get(deck_url, headers=found.user.headers)).status_code == 404


async def test_team_always_sees_everything_even_withdrawn(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_on_introduction", withdrawn=True)
    body = (await client.get(url(project_id), headers=owner.headers)).json()
    assert body["access"] == "full" and body["is_team"] is True
    assert body["contact_email"] == "wang.li@lake.example" and "viewer" not in body


async def test_hidden_projects_answer_exactly_like_missing_ones(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from roadshows.tables import Project

    owner = await factory.user(entrepreneur=True)
    withdrawn = await inv.listed_project(owner, "full_subscribers", withdrawn=True)
    never_listed = await inv.support.project(owner)
    subscribers_only = await inv.listed_project(owner, "full_subscribers")
    missing = (await Project.select(Project.id).order_by(Project.id, ascending=False).first())["id"] + 1000
    found = await inv.subscriber(factory)
    attendee = await factory.user()
    entrepreneur = await factory.user(entrepreneur=True)

    reference = await client.get(url(missing), headers=found.user.headers)
    assert reference.status_code == 404
    cases = [
        (withdrawn, found.user.headers),
        (never_listed, found.user.headers),
        (subscribers_only, {}),  # anonymous
        (subscribers_only, attendee.headers),
        (subscribers_only, entrepreneur.headers),
    ]
    for project_id, headers in cases:
        response = await client.get(url(project_id), headers=headers)
        assert response.status_code == 404
        assert response.content == reference.content
        assert response.headers["content-type"] == reference.headers["content-type"]
    anonymous_missing = await client.get(url(missing))
    assert anonymous_missing.content == reference.content


async def test_public_teaser_is_open_to_anyone_and_pages_render(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "teaser_public")
    response = await client.get(url(project_id))
    assert response.status_code == 200
    body = response.json()
    assert_teaser(body)
    assert "viewer" not in body
    page = await client.get(f"/databank/projects/{project_id}", headers={"accept": "text/html"})
    assert page.status_code == 200 and "Test Project" in page.text
    assert "wang.li@lake.example" not in page.text and "Revenue 12M" not in page.text


async def test_full_details_page_shows_contacts_to_a_subscriber(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from tests.factories import web_login

    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "full_subscribers")
    found = await inv.subscriber(factory)
    await web_login(client, found.user)
    page = await client.get(f"/databank/projects/{project_id}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "wang.li@lake.example" in page.text and "Revenue 12M" in page.text


async def test_deck_rules_for_others_are_unchanged(client: httpx.AsyncClient, factory: Factory) -> None:
    owner = await factory.user(entrepreneur=True)
    project_id = await inv.listed_project(owner, "teaser_public")
    await inv.give_deck(project_id)
    attendee = await factory.user()
    assert (
        await client.get(f"/api/v1/projects/{project_id}/deck", headers=attendee.headers)
    ).status_code == 404
    assert (await client.get(f"/api/v1/projects/{project_id}/deck", headers=owner.headers)).status_code == 200
    # A subscriber loses the deck when the team withdraws the listing.
    from roadshows.tables import DatabankListing

    found = await inv.subscriber(factory)
    assert (
        await client.get(f"/api/v1/projects/{project_id}/deck", headers=found.user.headers)
    ).status_code == 200
    await DatabankListing.update({DatabankListing.withdrawn_at: dt.datetime.now(dt.UTC)}).where(
        DatabankListing.project == project_id
    )
    assert (
        await client.get(f"/api/v1/projects/{project_id}/deck", headers=found.user.headers)
    ).status_code == 404

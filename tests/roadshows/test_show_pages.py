"""The stage pages: the stage manager's run of show (forms, reorder, actions), the public screen
and the leaderboard page, with who may open them."""

from __future__ import annotations

import re

import httpx

from tests import factories
from tests.factories import Factory
from tests.roadshows.show_support import add_slot, board, stage


def _rows(html: str) -> list[str]:
    return re.findall(r'data-testid="slot-row" data-slot-id="(\d+)" data-status="(\w+)"', html)


async def test_stage_manager_builds_and_runs_the_show(client: httpx.AsyncClient, factory: Factory) -> None:
    built = await stage(factory, pitches=2)
    csrf = await factories.web_login(client, built.organiser)
    url = f"/dashboard/events/{built.event_id}/show"
    page = await client.get(url, headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'data-testid="slots-empty"' in page.text and "Pitch 1" in page.text  # in the picker

    added = await client.post(
        url + "/slots",
        data={
            "_csrf_token": csrf,
            "submission_id": str(built.submissions[0]),
            "stage": "Hall A",
            "duration_min": "6",
        },
    )
    assert added.status_code == 303 and added.headers["location"].endswith("#slots")
    await client.post(
        url + "/slots",
        data={"_csrf_token": csrf, "title_en": "Coffee", "title_zh": "茶歇", "duration_min": "15"},
    )
    invalid = await client.post(
        url + "/slots", data={"_csrf_token": csrf, "stage": "Hall A", "duration_min": "500"}
    )
    assert invalid.status_code == 422 and 'data-testid="form-errors"' in invalid.text
    invalid = await client.post(url + "/slots", data={"_csrf_token": csrf, "duration_min": "5"})
    assert invalid.status_code == 422 and "give a title for a break" in invalid.text

    page = await client.get(url)
    rows = _rows(page.text)
    assert [status for _id, status in rows] == ["upcoming", "upcoming"]
    first, second = rows[0][0], rows[1][0]
    assert "Coffee" in page.text

    moved = await client.post(url + f"/slots/{second}/move", data={"_csrf_token": csrf, "direction": "up"})
    assert moved.status_code == 303
    assert [i for i, _s in _rows((await client.get(url)).text)] == [second, first]

    edited = await client.post(
        url + f"/slots/{first}",
        data={
            "_csrf_token": csrf,
            "submission_id": str(built.submissions[1]),
            "duration_min": "9",
            "stage": "",
        },
    )
    assert edited.status_code == 303
    assert "Pitch 2" in (await client.get(url)).text

    started = await client.post(url + "/start", data={"_csrf_token": csrf, "slot_id": second})
    assert started.status_code == 303 and started.headers["location"].endswith("#stage")
    page = (await client.get(url)).text
    assert _rows(page) == [(second, "now"), (first, "upcoming")]
    assert 'data-ends-at="' in page
    # The "Next" form names the slot on stage; pressing a stale one is refused with a flash.
    await client.post(url + "/next", data={"_csrf_token": csrf, "current_slot_id": second})
    stale = await client.post(url + "/next", data={"_csrf_token": csrf, "current_slot_id": second})
    assert stale.status_code == 303
    page = (await client.get(url)).text
    assert "The stage has moved on" in page
    assert _rows(page) == [(second, "done"), (first, "now")]
    await client.post(url + "/end", data={"_csrf_token": csrf})
    await client.post(url + "/reset", data={"_csrf_token": csrf})
    assert [s for _i, s in _rows((await client.get(url)).text)] == ["upcoming", "upcoming"]

    removed = await client.post(url + f"/slots/{first}/delete", data={"_csrf_token": csrf})
    assert removed.status_code == 303
    assert [i for i, _s in _rows((await client.get(url)).text)] == [second]


async def test_stage_manager_page_is_for_the_events_organisers(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    built = await stage(factory, pitches=1)
    stranger, _ = await factory.organiser()
    csrf = await factories.web_login(client, stranger)
    url = f"/dashboard/events/{built.event_id}/show"
    assert (await client.get(url, headers={"accept": "text/html"})).status_code == 404
    posted = await client.post(url + "/slots", data={"_csrf_token": csrf, "title_en": "Sneaky"})
    assert posted.status_code == 404
    assert (await client.post(url + "/end", data={"_csrf_token": csrf})).status_code == 404


async def test_the_public_screen(client: httpx.AsyncClient, factory: Factory) -> None:
    built = await stage(factory, pitches=2)
    slot = await add_slot(client, built, submission_id=built.submissions[0], stage="Hall B")
    await add_slot(client, built, submission_id=built.submissions[1])
    await client.post(
        f"/api/v1/events/{built.event_id}/show/start",
        json={"slot_id": slot["id"]},
        headers=built.organiser.headers,
    )
    page = await client.get(f"/events/{built.event_id}/show", headers={"accept": "text/html"})
    assert page.status_code == 200
    now = re.search(r'data-testid="show-now-name">([^<]*)<', page.text)
    upcoming = re.search(r'data-testid="show-next-name">([^<]*)<', page.text)
    assert now and now.group(1) == "Pitch 1" and upcoming and upcoming.group(1) == "Pitch 2"
    assert f"/ws/events/{built.event_id}/show" in page.text
    draft = await stage(factory, pitches=1, status="draft")
    assert (
        await client.get(f"/events/{draft.event_id}/show", headers={"accept": "text/html"})
    ).status_code == 404


async def test_leaderboard_page_for_organisers_and_judges(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    built = await board(factory)
    url = f"/dashboard/rounds/{built.contest.round_id}/leaderboard"
    for user in (built.contest.organiser, built.judges[0]):
        async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as web:
            await factories.web_login(web, user)
            page = await web.get(url, headers={"accept": "text/html"})
            assert page.status_code == 200
            assert page.text.count('data-testid="leaderboard-row"') == 3
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as web:
        await factories.web_login(web, await factory.user(entrepreneur=True))
        assert (await web.get(url, headers={"accept": "text/html"})).status_code == 404

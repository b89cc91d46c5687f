"""A roadshow's or contest's public page lists its calls and links to the stage and results."""

from __future__ import annotations

import httpx

from tests.factories import Factory
from tests.roadshows import support


async def test_contest_page_lists_its_open_call_and_published_results(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    contest = await support.contest(factory)
    page = await client.get(f"/events/{contest.event_id}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert f'href="/events/{contest.event_id}/calls/{contest.call_id}"' in page.text
    assert "event-results-link" not in page.text  # nothing published yet

    from roadshows.tables import ContestRound

    await ContestRound.update({ContestRound.status: "published"}).where(ContestRound.id == contest.round_id)
    page = await client.get(
        f"/events/{contest.event_id}", headers={"accept": "text/html", "accept-language": "zh"}
    )
    assert f'href="/events/{contest.event_id}/results"' in page.text
    assert "项目路演" in page.text


async def test_draft_calls_and_other_kinds_show_no_pitch_section(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    _organiser, organisation_id = await factory.organiser()
    conference = await factory.event(organisation_id, kind="conference")
    page = await client.get(f"/events/{conference}", headers={"accept": "text/html"})
    assert page.status_code == 200 and "event-pitches" not in page.text

    roadshow = await factory.event(organisation_id, kind="roadshow")
    await support.call(roadshow, status="draft")
    page = await client.get(f"/events/{roadshow}", headers={"accept": "text/html"})
    assert "event-pitches" not in page.text

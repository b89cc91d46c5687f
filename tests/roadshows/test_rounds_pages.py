"""The organiser's round pages: rounds of a call, and one round's rubric, entries and panel."""

from __future__ import annotations

import httpx
import pytest

from tests.factories import Factory, web_login
from tests.roadshows import support
from tests.roadshows.judging_support import panel, score_url

HTML = {"accept": "text/html"}


@pytest.mark.parametrize("locale", ["en", "zh"])
async def test_round_pages_render(client: httpx.AsyncClient, factory: Factory, locale: str) -> None:
    p = await panel(factory)
    await client.put(
        score_url(p.round_id, p.submissions[0]), json={"values": p.values(7, 7)}, headers=p.judge.headers
    )
    await web_login(client, p.organiser)
    client.cookies.set("lang", locale)
    listing = await client.get(f"/dashboard/calls/{p.contest.call_id}/rounds", headers=HTML)
    assert listing.status_code == 200 and f'data-testid="round-{p.round_id}"' in listing.text
    page = await client.get(f"/dashboard/rounds/{p.round_id}", headers=HTML)
    assert page.status_code == 200
    for testid in ("criteria", "entries", "panel", "progress-matrix", "round-settings-form"):
        assert f'data-testid="{testid}"' in page.text, testid
    assert "7.00" in page.text  # the judge's total in the matrix
    assert f'href="/dashboard/rounds/{p.round_id}/results"' in page.text
    assert ("Close scoring" if locale == "en" else "结束评分") in page.text


async def test_create_round_and_build_it_through_forms(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, organisation_id = await factory.organiser()
    call_id = await support.call(await factory.event(organisation_id, kind="contest"))
    owner = await factory.user(entrepreneur=True)
    submission_id = await support.submission(call_id, await support.project(owner), status="shortlisted")
    judge = await factory.user(name="Judge Ju")
    token = await web_login(client, organiser)
    url = f"/dashboard/calls/{call_id}/rounds"
    bad = await client.post(
        url,
        data={"kind": "final", "name_en": "Final", "scale_min": "9", "scale_max": "3", "_csrf_token": token},
        headers=HTML,
    )
    assert bad.status_code == 422 and "field-error" in bad.text
    created = await client.post(
        url,
        data={
            "kind": "final",
            "name_en": "Final",
            "name_zh": "决赛",
            "scale_min": "1",
            "scale_max": "5",
            "blind": "true",
            "_csrf_token": token,
        },
        headers=HTML,
    )
    assert created.status_code == 303
    base = created.headers["location"]
    round_id = int(base.rsplit("/", 1)[1])
    early = await client.post(
        url, data={"kind": "preliminary", "name_en": "Too late", "_csrf_token": token}, headers=HTML
    )
    assert early.status_code == 409
    steps = [
        (f"{base}/status/scoring", {}),  # refused: no rubric yet (flash, no change)
        (f"{base}/criteria", {"name_en": "Innovation", "weight": "2"}),
        (f"{base}/entries", {"all_with_status": "shortlisted"}),
        (f"{base}/judges", {"email": judge.email}),
        (f"{base}/status/scoring", {}),
    ]
    for path, data in steps:
        response = await client.post(path, data={**data, "_csrf_token": token}, headers=HTML)
        assert response.status_code == 303, (path, response.text)
    from roadshows.tables import ContestRound, Criterion, JudgeAssignment, RoundEntry

    round_ = await ContestRound.select().where(ContestRound.id == round_id).first()
    assert round_["status"] == "scoring" and round_["blind"] is True and round_["scale_max"] == 5
    assert await Criterion.count().where(Criterion.round == round_id) == 1
    assert await RoundEntry.exists().where(
        (RoundEntry.round == round_id) & (RoundEntry.submission == submission_id)
    )
    assert await JudgeAssignment.exists().where(
        (JudgeAssignment.round == round_id) & (JudgeAssignment.judge == judge.id)
    )
    unknown = await client.post(
        f"{base}/judges", data={"email": "nobody@example.test", "_csrf_token": token}, headers=HTML
    )
    assert unknown.status_code == 422
    settings = await client.post(
        base,
        data={"name_en": "Grand final", "scale_min": "1", "scale_max": "5", "_csrf_token": token},
        headers=HTML,
    )
    assert settings.status_code == 303
    assert (await ContestRound.select().where(ContestRound.id == round_id).first())["blind"] is False


async def test_other_organisers_get_404(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await panel(factory)
    stranger, _org = await factory.organiser()
    token = await web_login(client, stranger)
    assert (await client.get(f"/dashboard/rounds/{p.round_id}", headers=HTML)).status_code == 404
    assert (await client.get(f"/dashboard/calls/{p.contest.call_id}/rounds", headers=HTML)).status_code == 404
    posted = await client.post(
        f"/dashboard/rounds/{p.round_id}/judges",
        data={"email": stranger.email, "_csrf_token": token},
        headers=HTML,
    )
    assert posted.status_code == 404

"""The pages of pitch calls: the public call page and its submit form, my submissions, and the
organiser's calls and submissions, in English and Chinese."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest

from tests.factories import Factory, web_login
from tests.roadshows import support
from tests.roadshows.calls_support import pitch, status_of

HTML = {"accept": "text/html"}


def call_path(p: object) -> str:
    return f"/events/{p.event_id}/calls/{p.call_id}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("locale", "texts"),
    [
        ("en", ["Call for pitches", "Deadline:", "Health", "Energy"]),
        ("zh", ["项目征集", "截止时间：", "健康", "能源"]),
    ],
)
async def test_public_call_page_in_both_languages(
    client: httpx.AsyncClient, factory: Factory, locale: str, texts: list[str]
) -> None:
    deadline = dt.datetime(2031, 3, 1, 1, 30, tzinfo=dt.UTC)  # 09:30 in Shanghai
    p = await pitch(factory, deadline=deadline)
    client.cookies.set("lang", locale)
    response = await client.get(call_path(p), headers=HTML)
    assert response.status_code == 200
    for text in texts:
        assert text in response.text
    assert "09:30" in response.text and "Asia/Shanghai" in response.text
    assert 'data-testid="sign-in-to-submit"' in response.text


async def test_a_call_of_another_event_is_not_found(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    other = await factory.event(p.organisation_id, kind="contest")
    response = await client.get(f"/events/{other}/calls/{p.call_id}", headers=HTML)
    assert response.status_code == 404


async def test_an_entrepreneur_without_a_project_is_sent_to_create_one(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    p = await pitch(factory)
    newcomer = await factory.user(entrepreneur=True)
    await web_login(client, newcomer)
    page = await client.get(call_path(p), headers=HTML)
    assert 'data-testid="no-projects"' in page.text and 'href="/me/projects"' in page.text


async def test_a_closed_call_says_so(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory, deadline=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
    await web_login(client, p.founder)
    page = await client.get(call_path(p), headers=HTML)
    assert 'data-testid="call-closed"' in page.text and "submit-form" not in page.text
    client.cookies.set("lang", "zh")
    page = await client.get(call_path(p), headers=HTML)
    assert "截止时间已过" in page.text


async def test_submit_through_the_form_then_withdraw(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    token = await web_login(client, p.founder)
    page = await client.get(call_path(p), headers=HTML)
    assert 'data-testid="submit-form"' in page.text and "Test Project" in page.text

    missing = await client.post(
        call_path(p) + "/submit",
        data={"_csrf_token": token, "project_id": str(p.project_id), "category": "health"},
        headers=HTML,
    )
    assert missing.status_code == 422 and "This question needs an answer." in missing.text

    done = await client.post(
        call_path(p) + "/submit",
        data={
            "_csrf_token": token,
            "project_id": str(p.project_id),
            "category": "energy",
            "q_traction": "Two hospitals",
            "q_stage": "a",
        },
        headers=HTML,
    )
    assert done.status_code == 303 and done.headers["location"] == "/me/submissions"
    from roadshows.tables import Submission

    row = await Submission.select().where(Submission.project == p.project_id).output(load_json=True).first()
    assert row is not None and row["category"] == "energy"
    assert row["answers"] == {"traction": "Two hospitals", "stage": "a"}

    mine = await client.get("/me/submissions", headers=HTML)
    assert mine.status_code == 200
    assert f'data-testid="submission-{row["id"]}"' in mine.text and "<progress" in mine.text
    again = await client.get(call_path(p), headers=HTML)
    assert 'data-testid="already-submitted"' in again.text and "submit-form" not in again.text

    withdrawn = await client.post(
        f"/me/submissions/{row['id']}/withdraw", data={"_csrf_token": token, "note": "pivot"}, headers=HTML
    )
    assert withdrawn.status_code == 303
    assert await status_of(row["id"]) == "withdrawn"
    client.cookies.set("lang", "zh")
    mine = await client.get("/me/submissions", headers=HTML)
    assert "已撤回" in mine.text and f"withdraw-form-{row['id']}" not in mine.text


async def test_my_submissions_empty_state(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user(entrepreneur=True)
    await web_login(client, user)
    page = await client.get("/me/submissions", headers=HTML)
    assert page.status_code == 200 and 'data-testid="no-submissions"' in page.text
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as fresh:
        anonymous = await fresh.get("/me/submissions", headers=HTML)
    assert anonymous.status_code in (302, 303) and anonymous.headers["location"].startswith("/login")


async def test_organiser_creates_edits_and_opens_a_call(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="roadshow")
    token = await web_login(client, organiser)
    dashboard = await client.get(f"/dashboard/events/{event_id}/calls", headers=HTML)
    assert dashboard.status_code == 200 and 'data-testid="calls-empty"' in dashboard.text
    form = {
        "_csrf_token": token,
        "title_en": "Spring roadshow call",
        "title_zh": "春季路演征集",
        "deadline": "2031-04-01T18:00",
        "categories": "Health | 健康\nClean energy | 清洁能源",
        "q0_key": "",
        "q0_label_en": "Revenue last year",
        "q0_label_zh": "去年营收",
        "q0_kind": "single",
        "q0_options": "Under 1M | 一百万以下\nOver 1M | 一百万以上",
        "q0_required": "true",
        "q1_key": "",
        "q1_label_en": "",
        "q1_kind": "text",
    }
    created = await client.post(f"/dashboard/events/{event_id}/calls", data=form, headers=HTML)
    assert created.status_code == 303, created.text
    from roadshows.tables import PitchCall

    call = await PitchCall.select().where(PitchCall.event == event_id).output(load_json=True).first()
    assert call is not None and call["status"] == "draft"
    assert call["deadline"] == dt.datetime(2031, 4, 1, 10, 0, tzinfo=dt.UTC)  # 18:00 in Shanghai
    assert [c["key"] for c in call["categories"]] == ["health", "clean-energy"]
    assert call["questions"][0]["required"] is True
    assert [o["en"] for o in call["questions"][0]["options"]] == ["Under 1M", "Over 1M"]

    edit = dict(
        form, title_en="Spring roadshow", categories="Health | 健康", q0_key=call["questions"][0]["key"]
    )
    saved = await client.post(f"/dashboard/calls/{call['id']}", data=edit, headers=HTML)
    assert saved.status_code == 303
    bad = await client.post(f"/dashboard/calls/{call['id']}", data=dict(edit, deadline="soon"), headers=HTML)
    assert bad.status_code == 422 and "field-error" in bad.text

    opened = await client.post(
        f"/dashboard/calls/{call['id']}/status", data={"_csrf_token": token, "status": "open"}, headers=HTML
    )
    assert opened.status_code == 303
    fresh = await PitchCall.select().where(PitchCall.id == call["id"]).output(load_json=True).first()
    assert fresh is not None and fresh["status"] == "open" and fresh["title_en"] == "Spring roadshow"
    assert [c["key"] for c in fresh["categories"]] == ["health"]
    client.cookies.set("lang", "zh")
    page = await client.get(f"/dashboard/events/{event_id}/calls", headers=HTML)
    assert "项目征集" in page.text and "关闭征集" in page.text


async def test_calls_dashboard_on_a_conference_explains(client: httpx.AsyncClient, factory: Factory) -> None:
    organiser, org_id = await factory.organiser()
    event_id = await factory.event(org_id, kind="conference")
    await web_login(client, organiser)
    page = await client.get(f"/dashboard/events/{event_id}/calls", headers=HTML)
    assert 'data-testid="wrong-kind"' in page.text and "call-form" not in page.text
    stranger, _org = await factory.organiser()
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as other:
        await web_login(other, stranger)
        assert (await other.get(f"/dashboard/events/{event_id}/calls", headers=HTML)).status_code == 404


async def test_organiser_table_filters_and_moves(client: httpx.AsyncClient, factory: Factory) -> None:
    p = await pitch(factory)
    other = await support.project(p.founder, name_en="Solar Roof", name_zh="光伏屋顶")
    first = await support.submission(p.call_id, p.project_id, category="health")
    second = await support.submission(p.call_id, other, category="energy", status="pitched")
    token = await web_login(client, p.organiser)
    url = f"/dashboard/calls/{p.call_id}/submissions"
    page = await client.get(url, headers=HTML)
    assert page.status_code == 200
    assert f'data-testid="move-{first}-under_review"' in page.text
    assert f'data-testid="move-{first}-rejected"' in page.text
    assert f'data-testid="move-{first}-withdrawn"' not in page.text
    assert f'data-testid="move-{second}-awarded"' in page.text and 'name="award_en"' in page.text
    counts = re.search(r'data-testid="count-pitched"[^>]*>[^<]*<strong>(\d+)</strong>', page.text)
    assert counts and counts.group(1) == "1"
    filtered = await client.get(url, params={"q": "solar"}, headers=HTML)
    assert f"submission-row-{second}" in filtered.text and f"submission-row-{first}" not in filtered.text

    moved = await client.post(
        f"/dashboard/submissions/{second}/moves",
        data={
            "_csrf_token": token,
            "to_status": "awarded",
            "from_status": "pitched",
            "award_en": "Best pitch",
            "award_zh": "最佳路演",
            "back": url + "?q=solar",
        },
        headers=HTML,
    )
    assert moved.status_code == 303 and moved.headers["location"] == url + "?q=solar"
    assert await status_of(second) == "awarded"
    stale = await client.post(
        f"/dashboard/submissions/{first}/moves",
        data={
            "_csrf_token": token,
            "to_status": "shortlisted",
            "from_status": "submitted",
            "back": "https://evil",
        },
        headers=HTML,
    )
    assert stale.status_code == 303 and stale.headers["location"] == url
    assert await status_of(first) == "submitted"
    client.cookies.set("lang", "zh")
    page = await client.get(url, headers=HTML)
    assert "最佳路演" in page.text and "获奖" in page.text and "开始评审" in page.text

"""The demo contest from call to results, through the pages.

1. A founder creates a project on a phone and submits it to the contest's open call; the
   organiser reviews and shortlists it and enters it into the preliminary round.
2. Three judges score from their phones while the organiser's live leaderboard moves; the
   organiser closes the round, advances the best entries and publishes the results, which appear
   on the event's public results page.

The demo is loaded into a database of its own (as ``luyan demo`` does on a fresh machine), and a
server is started on it. Every step goes through the pages, as people would.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests import demo_db

pytestmark = pytest.mark.browser

SLUG = "return-of-the-star-contest-2026"
PASSWORD = "luyan-demo"
PHONE = {"width": 390, "height": 844}

# Run against the demo database: the contest's rounds, the preliminary's rubric and one entry.
FACTS = """
import asyncio, json, sys
from events.tables import Event
from roadshows.tables import ContestRound, Criterion, RoundEntry

async def main():
    event = await Event.select(Event.id).where(Event.slug == sys.argv[1]).first()
    rounds = await ContestRound.select(ContestRound.id, ContestRound.kind).where(
        ContestRound.call.event == event["id"]).order_by(ContestRound.position)
    first = rounds[0]["id"]
    criteria = await Criterion.select(Criterion.id).where(Criterion.round == first).order_by(Criterion.position)
    entry = await RoundEntry.select(RoundEntry.submission).where(RoundEntry.round == first).order_by(
        RoundEntry.id).first()
    print(json.dumps({
        "event_id": event["id"], "rounds": [r["id"] for r in rounds],
        "criteria": [c["id"] for c in criteria], "entry": entry["submission"],
    }))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def demo_contest(tmp_path_factory: pytest.TempPathFactory, test_env: dict[str, str]) -> Iterator[dict]:
    var_dir = tmp_path_factory.mktemp("demo-contest")
    with demo_db.demo_server(var_dir, test_env, "demo_contest") as (server, env):
        facts = json.loads(demo_db.run(env, "-c", FACTS, SLUG).stdout)
        yield {**facts, "server": server}


async def _signed_in(browser: Browser, base_url: str, email: str, viewport: dict[str, int]) -> Page:
    context: BrowserContext = await browser.new_context(base_url=base_url, locale="en-US", viewport=viewport)
    context.set_default_timeout(20_000)
    page = await context.new_page()
    page.on("pageerror", lambda error: print(f"[browser error {email}] {error}"))
    page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))  # data-confirm prompts
    await page.goto("/login")
    await page.locator('input[name="email"]').fill(email)
    await page.locator('input[name="password"]').fill(PASSWORD)
    await page.get_by_test_id("login-submit").click()
    await expect(page.get_by_test_id("logout")).to_be_attached()
    return page


async def _score_from_phone(judge: Page, facts: dict, value: int) -> None:
    """The judge opens their round from /judge, then the entry, taps a value per criterion, saves."""
    round_id, entry = facts["rounds"][0], facts["entry"]
    await judge.goto("/judge")
    await judge.get_by_test_id(f"judge-round-{round_id}").click()
    await judge.get_by_test_id(f"entry-{entry}").click()
    await expect(judge.get_by_test_id("score-form")).to_be_visible()
    for criterion in facts["criteria"]:
        await judge.get_by_test_id(f"criterion-{criterion}-{value}").check()
    await judge.get_by_test_id("score-save").click()
    await expect(judge.get_by_test_id("form-errors")).to_have_count(0)


@pytest.fixture
async def screens(browser: Browser, demo_contest: dict) -> AsyncIterator[dict[str, Page]]:
    base = demo_contest["server"].base_url
    pages = {
        "organiser": await _signed_in(browser, base, "organiser@luyan.demo", {"width": 1280, "height": 800}),
        "founder": await _signed_in(browser, base, "entrepreneur@luyan.demo", PHONE),
        **{f"judge{n}": await _signed_in(browser, base, f"judge{n}@luyan.demo", PHONE) for n in (1, 2, 3)},
    }
    try:
        yield pages
    finally:
        for page in pages.values():
            await page.context.close()


async def test_a_founder_submits_and_the_organiser_shortlists_into_the_preliminary(
    screens: dict[str, Page], demo_contest: dict
) -> None:
    founder, organiser = screens["founder"], screens["organiser"]
    name = "Tidal energy kites"
    await founder.goto("/me/projects/new")
    await founder.locator('input[name="name_en"]').fill(name)
    await founder.locator('input[name="name_zh"]').fill("潮汐能风筝")
    await founder.locator('textarea[name="summary_en"]').fill(
        "Underwater kites that turn tidal currents into power."
    )
    await founder.locator('select[name="sector"]').select_option("new_energy")
    await founder.locator('select[name="stage"]').select_option("prototype")
    await founder.get_by_test_id("create-project").click()
    await expect(founder.get_by_test_id("create-project")).to_have_count(0)

    # From the contest's public page to its call, and in.
    await founder.goto(f"/events/{demo_contest['event_id']}")
    await founder.get_by_test_id("event-call").locator("a").click()
    form = founder.get_by_test_id("submit-form")
    await form.locator('select[name="project_id"]').select_option(label=name)
    await form.locator('input[name="category"][value="uk"]').check()
    await form.locator('input[type="radio"][value="yes"]').check()
    await founder.get_by_test_id("submit-project").click()
    await expect(founder).to_have_url(re.compile(r"/me/submissions$"))
    await expect(founder.locator("body")).to_contain_text(name)

    # The organiser reviews and shortlists it, then enters it into the preliminary round.
    await organiser.goto(f"/dashboard/events/{demo_contest['event_id']}/calls")
    await organiser.locator('[data-testid^="submissions-link-"]').first.click()
    for target in ("under_review", "shortlisted"):
        row = organiser.locator('[data-testid^="submission-row-"]', has_text=name)
        await row.locator("summary").click()  # the row's "Move" menu
        await row.locator(f'[data-testid$="-{target}"]').click()
    await expect(organiser.locator('[data-testid^="submission-row-"]', has_text=name)).to_contain_text(
        re.compile("Shortlisted", re.I)
    )
    await organiser.goto(f"/dashboard/rounds/{demo_contest['rounds'][0]}")
    entries = organiser.get_by_test_id("entries-form")
    await entries.locator("label", has_text=name).locator("input").check()
    await entries.locator('button[type="submit"]').click()
    await expect(organiser.get_by_test_id("entries")).to_contain_text(name)


async def test_three_judges_score_from_phones_and_the_results_are_published(
    browser: Browser, screens: dict[str, Page], demo_contest: dict, tmp_path: Path
) -> None:
    organiser = screens["organiser"]
    round_id, semi_final = demo_contest["rounds"][0], demo_contest["rounds"][1]
    await organiser.goto(f"/dashboard/rounds/{round_id}/leaderboard")
    row = organiser.locator(f'[data-testid="leaderboard-row"][data-submission-id="{demo_contest["entry"]}"]')
    judges, score = row.get_by_test_id("leaderboard-judges"), row.get_by_test_id("leaderboard-score")
    await expect(judges).to_have_text("2")  # the demo's lenient and harsh judges have scored
    entries = await organiser.get_by_test_id("leaderboard-row").count()
    before = await score.inner_text()

    # The third judge scores the entry from a phone: the leaderboard counts a third judge, live.
    await _score_from_phone(screens["judge3"], demo_contest, 9)
    await expect(judges).to_have_text("3")
    # The harsh judge thinks again and gives full marks; the lenient one the lowest: it moves.
    await _score_from_phone(screens["judge2"], demo_contest, 10)
    await expect(score).not_to_have_text(before)
    moved = await score.inner_text()
    await _score_from_phone(screens["judge1"], demo_contest, 1)
    await expect(score).not_to_have_text(moved)
    await expect(judges).to_have_text("3")
    await organiser.screenshot(path=str(tmp_path / "leaderboard.png"))

    # The organiser closes scoring, advances the best entries and publishes.
    await organiser.goto(f"/dashboard/rounds/{round_id}")
    await organiser.get_by_test_id("move-closed").click()
    await expect(organiser.get_by_test_id("round-status")).to_have_text(re.compile("closed", re.I))
    await organiser.get_by_test_id("round-results").click()
    await organiser.get_by_test_id("advance-top").click()
    await expect(organiser.locator(".flash")).to_contain_text(re.compile("advanced|went on|go on", re.I))
    await organiser.get_by_test_id("publish").click()
    await expect(organiser.get_by_test_id("published-note")).to_be_visible()

    # The semi-final now holds the advanced entries; the public sees the published ranking.
    await organiser.goto(f"/dashboard/rounds/{semi_final}")
    await expect(organiser.get_by_test_id("entries")).to_contain_text(re.compile(r"\w"))
    public = await browser.new_page(base_url=demo_contest["server"].base_url)
    await public.goto(f"/events/{demo_contest['event_id']}/results")
    await expect(public.get_by_test_id("results-round")).to_have_count(1)
    await expect(public.get_by_test_id("results-row")).to_have_count(entries)  # every entry, ranked
    await public.close()

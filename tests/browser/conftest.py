"""Browser tests: Playwright drives Debian's Chromium against a live server.

Playwright's own browser downloads are never used: the tests run the system Chromium
(``apt-get install chromium``; override the path with ``LUYAN_CHROMIUM``). Without it the
tests are skipped with a loud notice, unless ``LUYAN_REQUIRE_BROWSER=1`` (CI), where a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.live import LiveServer
from tests.live_fixtures import live_server, start_live_server

__all__ = ["live_server", "start_live_server"]

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/lib/chromium-browser/chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_missing_notice: list[str] = []


def find_chromium() -> str | None:
    configured = os.environ.get("LUYAN_CHROMIUM")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for candidate in CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    # Debian's /usr/bin/chromium is a shell wrapper; it works, with a harmless warning.
    return shutil.which("chromium") or shutil.which("chromium-browser")


def browser_required() -> bool:
    return os.environ.get("LUYAN_REQUIRE_BROWSER", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        configured = os.environ.get("LUYAN_CHROMIUM")
        if configured:
            message = f"LUYAN_CHROMIUM={configured} is not an executable file."
        else:
            message = (
                "Chromium not found (looked at "
                + ", ".join(CHROMIUM_CANDIDATES)
                + ", chromium on PATH): install it with `apt-get install -y chromium`."
            )
        if browser_required():
            pytest.fail(f"LUYAN_REQUIRE_BROWSER=1 and {message}", pytrace=False)
        _missing_notice.append(message)
        pytest.skip(f"BROWSER TESTS SKIPPED: {message}")
    return path


@pytest.fixture(scope="session")
async def browser(chromium_path: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def browser_page(
    browser: Browser, live_server: LiveServer, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[Page]:
    """A fresh browser profile (no cookies) that speaks English first, like a newcomer abroad.

    When the test fails, ``failure.png`` and ``failure.html`` are left in its tmp dir.
    """
    context = await browser.new_context(
        base_url=live_server.base_url,
        locale="en-US",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.9"},
        viewport={"width": 390, "height": 844},  # a phone: the UI is mobile-first
    )
    context.set_default_timeout(15_000)
    page = await context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed and not page.is_closed():
        await page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
        (tmp_path / "failure.html").write_text(await page.content())
        print(f"browser state at failure: {tmp_path / 'failure.png'} ({page.url})")
    await context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item so fixtures can see whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _missing_notice:
        terminalreporter.write_sep("!", "BROWSER TESTS WERE SKIPPED", red=True, bold=True)
        terminalreporter.write_line(_missing_notice[0])
        terminalreporter.write_line("Set LUYAN_REQUIRE_BROWSER=1 to make this a failure (CI does).")

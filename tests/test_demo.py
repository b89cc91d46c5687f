"""The demo loads once on a fresh database, with consistent seat counters, and `luyan serve` shows it.

Runs in subprocesses on a database of its own (a scratch SQLite file, or a scratch PostgreSQL
database in the PostgreSQL run) so the demo's published events stay out of the shared test data.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests import demo_db
from tests.live import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_EMAILS = [
    "admin@luyan.demo",
    "organiser@luyan.demo",
    "entrepreneur@luyan.demo",
    "investor@luyan.demo",
    "attendee@luyan.demo",
    "staff@luyan.demo",
]

CHECK = """
import asyncio, json
from app.accounts.tables import InstitutionMember, OrganisationMember, User
from events.tables import Event, EventStaff, InvitationCode, Registration, TicketType

async def main():
    tickets = []
    for t in await TicketType.select():
        regs = await Registration.select(Registration.status).where(Registration.ticket_type == t["id"])
        statuses = [r["status"] for r in regs]
        tickets.append({"capacity": t["capacity"], "taken": t["taken"],
                        "holding": sum(s in ("confirmed", "offered") for s in statuses),
                        "waitlisted": statuses.count("waitlisted"), "pending": statuses.count("pending")})
    codes = []
    for c in await InvitationCode.select():
        codes.append({"used": c["used"], "max_uses": c["max_uses"],
                      "refs": await Registration.count().where(Registration.invitation_code == c["id"])})
    users = {u["email"]: u for u in await User.select().where(User.email.like("%@luyan.demo"))}
    owners = await OrganisationMember.select(OrganisationMember.user.email).where(OrganisationMember.role == "owner")
    investors = await InstitutionMember.select(InstitutionMember.user.email)
    staff = await EventStaff.select(EventStaff.user.email, EventStaff.event.slug)
    kinds = sorted({e["kind"] for e in await Event.select(Event.kind)})
    print(json.dumps({
        "tickets": tickets, "codes": codes, "kinds": kinds, "events": await Event.count(),
        "admin": users["admin@luyan.demo"]["is_admin"],
        "entrepreneur": users["entrepreneur@luyan.demo"]["is_entrepreneur"],
        "owners": [o["user.email"] for o in owners], "investors": [i["user.email"] for i in investors],
        "staff": [(s["user.email"], s["event.slug"]) for s in staff],
    }))

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def demo_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with demo_db.scratch_env(tmp_path_factory.mktemp("demo")) as env:
        yield env


_run = demo_db.run


@pytest.fixture(scope="module")
def loaded(demo_env: dict[str, str]) -> dict[str, str]:
    _run(demo_env, "-m", "app.cli", "migrate")
    first = _run(demo_env, "-m", "app.cli", "demo")
    assert "demo data loaded" in first.stdout
    return demo_env


def test_demo_loads_once(loaded: dict[str, str]) -> None:
    again = _run(loaded, "-m", "app.cli", "demo")
    assert "demo data already loaded" in again.stdout
    facts = json.loads(_run(loaded, "-c", CHECK).stdout)
    # conference, 8 roadshows, contest, retreat, and last spring's closed roadshow final: no duplicates
    assert facts["events"] == 12


def test_demo_data_is_consistent(loaded: dict[str, str]) -> None:
    facts = json.loads(_run(loaded, "-c", CHECK).stdout)
    assert facts["kinds"] == ["conference", "contest", "retreat", "roadshow"]
    for ticket in facts["tickets"]:
        assert ticket["taken"] == ticket["holding"] <= ticket["capacity"], ticket
        if ticket["waitlisted"]:
            assert ticket["taken"] == ticket["capacity"], ticket  # a waiting list only once full
    assert sum(t["holding"] for t in facts["tickets"]) > 1000
    assert any(t["waitlisted"] for t in facts["tickets"]) and any(t["pending"] for t in facts["tickets"])
    assert len(facts["codes"]) == 150
    for code in facts["codes"]:
        assert code["used"] == code["refs"] <= code["max_uses"], code
    assert facts["admin"] and facts["entrepreneur"]
    assert "organiser@luyan.demo" in facts["owners"]
    assert "investor@luyan.demo" in facts["investors"]
    assert facts["staff"] == [["staff@luyan.demo", "jinhua-development-conference-2026"]]


@pytest.fixture(scope="module")
def served(loaded: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``luyan serve`` on a free port, as ``make run`` starts it."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env={**loaded, "COLUMNS": "200"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield base, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_serve_prints_demo_accounts_and_serves_the_demo(served: tuple[str, Path]) -> None:
    base, log = served
    output = log.read_text()
    for email in DEMO_EMAILS:
        assert email in output, output
    assert "luyan-demo" in output
    with httpx.Client(base_url=base) as client:
        events = client.get("/events", headers={"accept": "text/html"})
        assert events.status_code == 200
        assert "Jinhua Development Conference 2026" in events.text
        schema = client.get("/schema")
        assert schema.status_code == 200
        login = client.post(
            "/api/v1/auth/login", json={"email": "organiser@luyan.demo", "password": "luyan-demo"}
        )
        assert login.status_code == 201, login.text
        mail = client.get("/api/v1/mail")
        assert mail.status_code == 200 and mail.json()["total"] >= 6
        page = client.get("/dashboard/mail", headers={"accept": "text/html"})
        assert page.status_code == 200 and "2026金华发展大会" in page.text

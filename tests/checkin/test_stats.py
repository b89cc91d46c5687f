"""Check-in figures: checked in / inside / expected, arrivals per minute, the conflicts report,
and their API (access: organisers and check-in staff only)."""

from __future__ import annotations

import datetime as dt

import httpx

from checkin import stats
from tests import factories
from tests.checkin import scan_rows
from tests.checkin.support import shanghai
from tests.factories import Factory

DAY1, DAY2 = dt.date(2027, 5, 10), dt.date(2027, 5, 11)
UTC = dt.UTC


async def _event(factory: Factory, **fields: object) -> tuple[factories.TestUser, int, int]:
    owner, org_id = await factory.organiser()
    values = dict(
        starts_at=shanghai(2027, 5, 10, 9), ends_at=shanghai(2027, 5, 11, 17), timezone="Asia/Shanghai"
    )
    event_id = await factory.event(org_id, **{**values, **fields})
    return owner, event_id, await factory.ticket_type(event_id)


async def test_counts_per_list_and_event(factory: Factory) -> None:
    _, event_id, standard = await _event(factory)
    vip = await factory.ticket_type(event_id, name_en="VIP", name_zh="贵宾")
    hall = await scan_rows.checkin_list(event_id, "Hall", allow_exit=True)
    lounge = await scan_rows.checkin_list(event_id, "VIP lounge", ticket_type_ids=[vip], position=1)
    r1, r2, r3 = [await scan_rows.registration(factory, event_id, standard) for _ in range(3)]
    r4 = await scan_rows.registration(factory, event_id, vip)
    await scan_rows.registration(factory, event_id, standard, status="pending")  # not expected
    at = shanghai(2027, 5, 10, 9)
    await scan_rows.scan(event_id, hall, r1, at)
    await scan_rows.scan(event_id, hall, r2, at)
    await scan_rows.scan(event_id, hall, r2, at + dt.timedelta(hours=1), direction="exit")
    await scan_rows.scan(event_id, hall, r4, at)
    await scan_rows.scan(event_id, lounge, r4, at)
    await scan_rows.scan(event_id, hall, r3, at, admitted=False, code="revoked")  # refused: nothing

    figures = await stats.counts(event_id)
    assert (figures.expected, figures.checked_in, figures.inside) == (4, 3, 2)  # r1 and r4 inside the hall
    by_name = {row.name_en: row for row in figures.lists}
    assert [row.name_en for row in figures.lists] == ["Hall", "VIP lounge"]  # by position
    hall_row, lounge_row = by_name["Hall"], by_name["VIP lounge"]
    assert (hall_row.expected, hall_row.checked_in, hall_row.inside) == (4, 3, 2)
    assert (lounge_row.expected, lounge_row.checked_in, lounge_row.inside) == (1, 1, None)  # no exit scans
    assert lounge_row.name_zh == "主入口" and hall_row.allow_exit and not lounge_row.allow_exit


async def test_counts_without_lists_or_scans(factory: Factory) -> None:
    _, event_id, standard = await _event(factory)
    await scan_rows.registration(factory, event_id, standard)
    figures = await stats.counts(event_id)
    assert (figures.expected, figures.checked_in, figures.inside, figures.lists) == (1, 0, None, [])


async def test_arrivals_per_minute_in_the_last_hours(factory: Factory) -> None:
    _, event_id, standard = await _event(factory)
    hall = await scan_rows.checkin_list(event_id, allow_exit=True, allow_reentry=True)
    regs = [await scan_rows.registration(factory, event_id, standard) for _ in range(4)]
    now = dt.datetime.now(UTC).replace(second=30, microsecond=0)
    await scan_rows.scan(event_id, hall, regs[0], now - dt.timedelta(minutes=5))
    await scan_rows.scan(event_id, hall, regs[1], now - dt.timedelta(minutes=5, seconds=20))
    await scan_rows.scan(event_id, hall, regs[2], now - dt.timedelta(minutes=70))
    await scan_rows.scan(event_id, hall, regs[3], now - dt.timedelta(hours=4))  # outside 3 hours
    await scan_rows.scan(event_id, hall, regs[0], now - dt.timedelta(minutes=2), direction="exit")
    await scan_rows.scan(event_id, hall, regs[1], now, admitted=False, code="already_checked_in")
    await scan_rows.scan(event_id, hall, regs[0], now)  # re-entry counts as an arrival

    window = stats.last_hours(3, now)
    series = await stats.arrivals(event_id, window)
    assert len(series.counts) == 180 and series.step_seconds == 60
    assert series.end == now.replace(second=0) + dt.timedelta(minutes=1)
    assert series.total == 4
    assert series.counts[-1] == 1  # this minute
    assert series.counts[-6] == 2  # five minutes ago, both scans of that minute
    assert series.counts[-71] == 1
    assert sum(series.counts[-4:-1]) == 0  # the exit is no arrival


async def test_arrivals_on_a_local_day(factory: Factory) -> None:
    _, event_id, standard = await _event(factory)
    hall = await scan_rows.checkin_list(event_id)
    regs = [await scan_rows.registration(factory, event_id, standard) for _ in range(3)]
    midnight = dt.datetime(2027, 5, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # Shanghai
    await scan_rows.scan(event_id, hall, regs[0], midnight - dt.timedelta(seconds=1))  # 9 May locally
    await scan_rows.scan(event_id, hall, regs[1], midnight)
    await scan_rows.scan(event_id, hall, regs[2], midnight + dt.timedelta(hours=9, minutes=30, seconds=59))

    event = {"id": event_id, "starts_at": shanghai(2027, 5, 10, 9), "ends_at": shanghai(2027, 5, 11, 17)}
    window = stats.window_for({**event, "timezone": "Asia/Shanghai"}, day=DAY1)
    assert window.start == midnight and window.minutes == 1440
    series = await stats.arrivals(event_id, window)
    assert series.total == 2 and series.counts[0] == 1 and series.counts[9 * 60 + 30] == 1


async def test_conflicts_report(factory: Factory) -> None:
    _, event_id, standard = await _event(factory)
    door = await scan_rows.checkin_list(event_id, "Door")
    lounge = await scan_rows.checkin_list(event_id, "Lounge", allow_reentry=True)
    ana = await scan_rows.registration(factory, event_id, standard, name="Ana Li")
    ben, cai = [await scan_rows.registration(factory, event_id, standard) for _ in range(2)]
    at = shanghai(2027, 5, 10, 9)
    await scan_rows.scan(
        event_id, door, ana, at + dt.timedelta(minutes=3), device="South 2", offline=True, conflict=True
    )
    await scan_rows.scan(event_id, door, ana, at, device="North 1")
    await scan_rows.scan(
        event_id, door, ana, at + dt.timedelta(minutes=9), admitted=False, code="already_checked_in"
    )
    await scan_rows.scan(event_id, door, ben, at)
    await scan_rows.scan(event_id, lounge, cai, at)
    await scan_rows.scan(event_id, lounge, cai, at + dt.timedelta(hours=1))  # re-entry: fine

    report = await stats.conflicts(event_id)
    assert len(report) == 1
    item = report[0]
    assert (item.list_id, item.list_name_en, item.registration_id, item.attendee_name) == (
        door,
        "Door",
        ana,
        "Ana Li",
    )
    assert item.registration_code
    assert [(a.device, a.offline, a.conflict) for a in item.admissions] == [
        ("North 1", False, False),
        ("South 2", True, True),
    ]
    assert item.admissions[0].at == at and item.admissions[1].at.tzinfo is not None
    assert await stats.conflicts((await _event(factory))[1]) == []


async def test_stats_api_access(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, standard = await _event(factory)
    hall = await scan_rows.checkin_list(event_id, allow_exit=True)
    reg = await scan_rows.registration(factory, event_id, standard)
    await scan_rows.scan(
        event_id,
        hall,
        reg,
        shanghai(
            2027,
            5,
            10,
            9,
        )
        + dt.timedelta(minutes=1),
    )
    staff = await scan_rows.staff_member(factory, event_id)
    stranger, _ = await factory.organiser()
    attendee = await factory.user()
    url = f"/api/v1/events/{event_id}/checkin-stats"

    for who in (owner, staff):
        response = await client.get(url, params={"day": "2027-05-10"}, headers=who.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["expected"], body["checked_in"], body["inside"]) == (1, 1, 1)
        assert body["timezone"] == "Asia/Shanghai" and body["lists"][0]["id"] == hall
        assert body["arrivals"]["total"] == 1 and len(body["arrivals"]["counts"]) == 1440
        assert body["arrivals"]["counts"][9 * 60 + 1] == 1
    default = (await client.get(url, headers=owner.headers)).json()
    assert len(default["arrivals"]["counts"]) == 180 and default["arrivals"]["total"] == 0
    assert (
        len((await client.get(url, params={"hours": 1}, headers=owner.headers)).json()["arrivals"]["counts"])
        == 60
    )
    for who in (stranger, attendee):
        assert (await client.get(url, headers=who.headers)).status_code == 404
    assert (await client.get(url)).status_code == 401
    bad_day = await client.get(url, params={"day": "2027-05-12"}, headers=owner.headers)
    assert bad_day.status_code == 422 and bad_day.json()["errors"][0]["field"] == "day"
    for hours in (0, 73, "many"):
        refused = await client.get(url, params={"hours": hours}, headers=owner.headers)
        assert refused.status_code == 422, refused.text
    missing = await client.get("/api/v1/events/999999999/checkin-stats", headers=owner.headers)
    assert missing.status_code == 404


async def test_conflicts_api_access(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, standard = await _event(factory)
    door = await scan_rows.checkin_list(event_id, "Door")
    reg = await scan_rows.registration(factory, event_id, standard)
    at = shanghai(2027, 5, 10, 9)
    await scan_rows.scan(event_id, door, reg, at)
    await scan_rows.scan(event_id, door, reg, at + dt.timedelta(minutes=1), offline=True, conflict=True)
    staff = await scan_rows.staff_member(factory, event_id)
    stranger, _ = await factory.organiser()
    url = f"/api/v1/events/{event_id}/checkin-conflicts"
    for who in (owner, staff):
        response = await client.get(url, headers=who.headers)
        assert response.status_code == 200, response.text
        [item] = response.json()
        assert item["registration_id"] == reg and len(item["admissions"]) == 2
        assert item["admissions"][1]["conflict"] is True and item["admissions"][1]["offline"] is True
    assert (await client.get(url, headers=stranger.headers)).status_code == 404
    assert (await client.get(url)).status_code == 401


async def test_real_scans_show_in_the_figures(client: httpx.AsyncClient, factory: Factory) -> None:
    """Through the scan API (manual check-in by registration id), not hand-written rows."""
    now = dt.datetime.now(UTC)
    owner, event_id, standard = await _event(
        factory, starts_at=now - dt.timedelta(hours=1), ends_at=now + dt.timedelta(hours=6), timezone="UTC"
    )
    hall = await scan_rows.checkin_list(event_id, allow_exit=True)
    regs = [await scan_rows.registration(factory, event_id, standard) for _ in range(2)]
    for n, reg in enumerate([*regs, regs[0]]):
        response = await client.post(
            "/api/v1/checkin/scans",
            json={"list_id": hall, "nonce": f"stats-{event_id}-{n}", "registration_id": reg},
            headers=owner.headers,
        )
        assert response.status_code == 200, response.text
    figures = await stats.counts(event_id)
    assert (figures.checked_in, figures.inside, figures.lists[0].checked_in) == (2, 2, 2)
    series = await stats.arrivals(event_id, stats.last_hours(1))
    assert series.total == 2  # the repeated scan was refused: no arrival

"""The organiser's check-in page: figures, lists and devices through HTML forms, the pairing QR,
the conflicts report, languages and access."""

from __future__ import annotations

import datetime as dt
import json
import re

import httpx

from checkin.qr import render_svg
from checkin.tables import CheckinList, ScannerDevice
from tests import factories
from tests.checkin import scan_rows
from tests.checkin.support import shanghai
from tests.factories import Factory

HTML = {"accept": "text/html"}


async def _event(factory: Factory) -> tuple[factories.TestUser, int, int]:
    owner, org_id = await factory.organiser()
    event_id = await factory.event(
        org_id,
        starts_at=shanghai(2027, 5, 10, 9),
        ends_at=shanghai(2027, 5, 11, 17),
        timezone="Asia/Shanghai",
    )
    return owner, event_id, await factory.ticket_type(event_id)


def _page(event_id: int) -> str:
    return f"/dashboard/events/{event_id}/checkin"


def _config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="arrivals-config">(.*?)</script>', html, re.S)
    assert match, "no live configuration on the page"
    return json.loads(match.group(1))


async def test_empty_page_and_the_link_from_the_event_dashboard(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id, _ = await _event(factory)
    manage = await client.get(f"/dashboard/events/{event_id}", headers={**HTML, **owner.headers})
    assert f'href="/dashboard/events/{event_id}/checkin"' in manage.text
    response = await client.get(_page(event_id), headers={**HTML, **owner.headers})
    assert response.status_code == 200, response.text
    html = response.text
    for testid in (
        "checkin-dashboard",
        "no-lists-yet",
        "lists-empty",
        "devices-empty",
        "conflicts-empty",
        "arrivals-chart",
    ):
        assert f'data-testid="{testid}"' in html, testid
    assert 'href="/scanner"' in html
    assert "/static/vendor/chart.js/chart.umd.min.js" in html and "/static/js/arrivals.js" in html
    assert "/static/css/checkin-dashboard.css" in html
    config = _config(html)
    assert config["socket"] == f"/ws/events/{event_id}/arrivals" and config["follow"] is True
    assert config["timezone"] == "Asia/Shanghai" and config["strings"]["live"] == "Live"
    assert len(config["stats"]["arrivals"]["counts"]) == 180
    assert f'href="/dashboard/events/{event_id}/checkin?day=2027-05-11#arrivals"' in html


async def test_figures_conflicts_and_a_chosen_day(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, standard = await _event(factory)
    hall = await scan_rows.checkin_list(event_id, "Hall", allow_exit=True)
    regs = [await scan_rows.registration(factory, event_id, standard, name=f"Guest {n}") for n in range(3)]
    at = shanghai(2027, 5, 10, 9)
    await scan_rows.scan(event_id, hall, regs[0], at)
    await scan_rows.scan(event_id, hall, regs[1], at, device="North 1")
    await scan_rows.scan(
        event_id, hall, regs[1], at + dt.timedelta(minutes=2), device="South 2", offline=True, conflict=True
    )
    response = await client.get(
        _page(event_id), params={"day": "2027-05-10"}, headers={**HTML, **owner.headers}
    )
    assert response.status_code == 200
    html = response.text
    row = re.search(rf'<tr data-list-id="{hall}">(.*?)</tr>', html, re.S)
    assert row, "no row for the list"
    assert re.search(r'data-field="checked_in">2<', row.group(1)) and re.search(
        r'data-field="expected">3<', row.group(1)
    )
    assert re.search(r'data-field="inside">2<', row.group(1))
    assert re.search(r'data-count="checked_in">2<', html) and re.search(r'data-count="expected">3<', html)
    config = _config(html)
    assert config["socket"].endswith("?day=2027-05-10") and config["follow"] is False
    assert config["stats"]["arrivals"]["total"] == 3 and len(config["stats"]["arrivals"]["counts"]) == 1440
    conflicts = re.search(r'data-testid="conflicts">(.*?)</table>', html, re.S)
    assert conflicts and "Guest 1" in conflicts.group(1)
    assert (
        "North 1" in conflicts.group(1)
        and "South 2" in conflicts.group(1)
        and "second admission" in conflicts.group(1)
    )
    assert "10 May 2027, 09:02" in conflicts.group(1)  # in the event's time zone
    # A day outside the event falls back to the last hours.
    other = await client.get(_page(event_id), params={"day": "2030-01-01"}, headers={**HTML, **owner.headers})
    assert other.status_code == 200 and _config(other.text)["follow"] is True


async def test_chinese(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, _ = await _event(factory)
    client.cookies.set("lang", "zh")
    html = (await client.get(_page(event_id), headers={**HTML, **owner.headers})).text
    assert "签到清单" in html and "扫码设备" in html and "每分钟到场人数" in html
    assert _config(html)["strings"]["offline"] == "正在重新连接…"


async def test_access(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, _ = await _event(factory)
    stranger, _ = await factory.organiser()
    staff = await scan_rows.staff_member(factory, event_id)
    assert (await client.get(_page(event_id), headers={**HTML, **stranger.headers})).status_code == 404
    assert (await client.get(_page(event_id), headers={**HTML, **staff.headers})).status_code == 403
    anonymous = await client.get(_page(event_id), headers=HTML)
    assert anonymous.status_code in (302, 303) and anonymous.headers["location"].startswith("/login")
    form = {"name_en": "Sneaky"}
    post = await client.post(f"{_page(event_id)}/lists", data=form, headers=stranger.headers)
    assert post.status_code == 404
    assert not await CheckinList.exists().where(CheckinList.event == event_id)
    assert (await client.get(_page(999_999_999), headers={**HTML, **owner.headers})).status_code == 404


async def test_lists_through_forms(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, standard = await _event(factory)
    vip = await factory.ticket_type(event_id, name_en="VIP", name_zh="贵宾")
    # A browser: cookie session and CSRF header (flash messages live in the session).
    h = {**HTML, "x-csrftoken": await factories.web_login(client, owner)}
    base = f"{_page(event_id)}/lists"

    missing = await client.post(base, data={"gate": "North"}, headers=h)
    assert missing.status_code == 422 and 'id="lists-name_en-error"' in missing.text
    bad_day = await client.post(base, data={"name_en": "Day 3", "days": "2027-05-12"}, headers=h)
    assert bad_day.status_code == 422 and "Days must fall within the event" in bad_day.text
    assert 'value="Day 3"' in bad_day.text  # the form keeps what was typed

    created = await client.post(
        base,
        data={
            "name_en": "VIP door",
            "name_zh": "贵宾入口",
            "gate": "East",
            "ticket_type_ids": [str(vip)],
            "days": ["2027-05-10", "2027-05-11"],
            "allow_reentry": "true",
            "position": "2",
        },
        headers=h,
    )
    assert created.status_code == 303 and created.headers["location"].endswith("/checkin#lists")
    row = await CheckinList.select().where(CheckinList.event == event_id).output(load_json=True).first()
    assert row["name_zh"] == "贵宾入口" and row["gate"] == "East" and row["position"] == 2
    assert row["ticket_type_ids"] == [vip] and row["days"] == ["2027-05-10", "2027-05-11"]
    assert row["allow_reentry"] and not row["allow_exit"]
    page = await client.get(_page(event_id), headers=h)
    assert "The check-in list was added." in page.text and 'data-testid="list-row"' in page.text

    # The edit form sends every field: unticked boxes clear the rule, no ticket type = all.
    edited = await client.post(
        f"{base}/{row['id']}", data={"name_en": "Any door", "allow_exit": "true"}, headers=h
    )
    assert edited.status_code == 303
    row = await CheckinList.select().where(CheckinList.id == row["id"]).output(load_json=True).first()
    assert row["name_en"] == "Any door" and row["ticket_type_ids"] == [] and row["days"] == []
    assert row["allow_exit"] and not row["allow_reentry"]
    other_event = (await _event(factory))[1]
    foreign = await client.post(f"{_page(other_event)}/lists/{row['id']}", data={"name_en": "X"}, headers=h)
    assert foreign.status_code == 404
    wrong_type = await client.post(
        f"{base}/{row['id']}", data={"name_en": "X", "ticket_type_ids": "999999"}, headers=h
    )
    assert wrong_type.status_code == 422 and f'id="list-{row["id"]}' in wrong_type.text

    deleted = await client.post(f"{base}/{row['id']}/delete", headers=h)
    assert deleted.status_code == 303
    assert not await CheckinList.exists().where(CheckinList.id == row["id"])
    assert (await client.post(f"{base}/{row['id']}/delete", headers=h)).status_code == 404
    assert standard  # the standard ticket type stays untouched


async def test_forms_need_the_csrf_token_with_a_session(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, _ = await _event(factory)
    token = await factories.web_login(client, owner)
    refused = await client.post(f"{_page(event_id)}/lists", data={"name_en": "Door"})
    assert refused.status_code == 403
    accepted = await client.post(f"{_page(event_id)}/lists", data={"name_en": "Door", "_csrf_token": token})
    assert accepted.status_code == 303


async def test_devices_pairing_and_revoking(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, event_id, _ = await _event(factory)
    door = await scan_rows.checkin_list(event_id, "Door")
    # A browser: cookie session and CSRF header (flash messages live in the session).
    h = {**HTML, "x-csrftoken": await factories.web_login(client, owner)}
    base = f"{_page(event_id)}/devices"

    assert (await client.post(base, data={}, headers=h)).status_code == 422
    bad_list = await client.post(base, data={"name": "Phone", "list_ids": "999999"}, headers=h)
    assert bad_list.status_code == 422 and "Choose check-in lists of this event." in bad_list.text

    added = await client.post(base, data={"name": "North door, phone 1", "list_ids": str(door)}, headers=h)
    assert added.status_code == 200, added.text
    assert added.headers["cache-control"] == "no-store"
    code = re.search(r'data-testid="pairing-code">([^<]+)<', added.text).group(1)
    assert "http://testserver/scanner/pair" in added.text  # where the phone types the code
    qr = re.search(r'data-testid="pairing-qr"[^>]*>(.*?)</figure>', added.text, re.S).group(1)
    assert qr.lstrip().startswith("<svg") and "<?xml" not in qr
    # The QR is the absolute pairing URL with the code in its fragment (rendering is deterministic).
    expected_svg = render_svg(f"http://testserver/scanner/pair#{code}").decode()
    assert qr.strip() == expected_svg[expected_svg.index("<svg") :].strip()
    device = (
        await ScannerDevice.select().where(ScannerDevice.event == event_id).output(load_json=True).first()
    )
    assert device["name"] == "North door, phone 1" and device["list_ids"] == [door]
    page = (await client.get(_page(event_id), headers=h)).text
    assert "Waiting to be paired" in page and "Show pairing code" in page

    # (this client is signed in, so like the scanner page it sends the CSRF header)
    paired = await client.post(
        "/api/v1/checkin/pair", json={"code": code}, headers={"x-csrftoken": h["x-csrftoken"]}
    )
    assert paired.status_code == 201, paired.text
    assert paired.json()["device"]["id"] == device["id"]
    page = (await client.get(_page(event_id), headers=h)).text
    assert "Move to another phone" in page and "badge-device-paired" in page

    renewed = await client.post(f"{base}/{device['id']}/pairing", headers=h)
    assert renewed.status_code == 200
    new_code = re.search(r'data-testid="pairing-code">([^<]+)<', renewed.text).group(1)
    assert new_code != code

    revoked = await client.post(f"{base}/{device['id']}/revoke", headers=h)
    assert revoked.status_code == 303 and revoked.headers["location"].endswith("#devices")
    page = (await client.get(_page(event_id), headers=h)).text
    assert "can no longer scan" in page and "badge-device-revoked" in page
    assert 'data-testid="device-revoke"' not in page
    again = await client.post(
        "/api/v1/checkin/pair", json={"code": new_code}, headers={"x-csrftoken": h["x-csrftoken"]}
    )
    assert again.status_code == 404
    assert (await client.post(f"{base}/{device['id']}/pairing", headers=h)).status_code == 404
    stranger, _ = await factory.organiser()
    assert (await client.post(f"{base}/{device['id']}/revoke", headers=stranger.headers)).status_code == 404


async def test_pairing_page_in_chinese_has_the_absolute_url(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    owner, event_id, _ = await _event(factory)
    client.cookies.set("lang", "zh")
    added = await client.post(
        f"{_page(event_id)}/devices", data={"name": "手机一"}, headers={**HTML, **owner.headers}
    )
    assert added.status_code == 200
    assert "配对“手机一”" in added.text and "http://testserver/scanner/pair" in added.text

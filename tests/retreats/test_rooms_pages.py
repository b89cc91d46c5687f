"""The organiser's lodging pages and the guest's travel form, in English and Chinese."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import web_login
from tests.retreats.lodging_support import DAYS, NIGHTS, hotel, local, lodging_retreat, party, room_of

pytestmark = pytest.mark.asyncio


async def test_organiser_builds_hotels_and_rooms_through_the_forms(client, factory) -> None:
    from events.tables import Room

    lodging = await lodging_retreat(factory)
    token = await web_login(client, lodging.organiser)
    base = f"/dashboard/events/{lodging.event_id}/retreat/lodging"
    empty = await client.get(base)
    assert empty.status_code == 200 and 'data-testid="hotels-empty"' in empty.text
    added = await client.post(
        f"{base}/hotels", data={"name_en": "Spring", "name_zh": "温泉", "_csrf_token": token}
    )
    assert added.status_code == 303
    missing = await client.post(f"{base}/hotels", data={"name_en": "", "_csrf_token": token})
    assert missing.status_code == 422 and "field-error" in missing.text
    from events.tables import Hotel

    hotel_id = (await Hotel.select(Hotel.id).where(Hotel.event == lodging.event_id).first())["id"]
    await client.post(
        f"{base}/hotels/{hotel_id}/room-types", data={"name_en": "Twin", "beds": "2", "_csrf_token": token}
    )
    from events.tables import RoomType

    type_id = (await RoomType.select(RoomType.id).where(RoomType.hotel == hotel_id).first())["id"]
    form = {
        "numbers": "301-303, 310",
        "first_night": NIGHTS[0],
        "last_night": NIGHTS[-1],
        "_csrf_token": token,
    }
    rooms = await client.post(f"{base}/room-types/{type_id}/rooms", data=form)
    assert rooms.status_code == 303
    numbers = sorted(r["number"] for r in await Room.select(Room.number).where(Room.room_type == type_id))
    assert numbers == ["301", "302", "303", "310"]
    clash = await client.post(f"{base}/room-types/{type_id}/rooms", data={**form, "numbers": "303"})
    assert clash.status_code == 409 and "303" in clash.text
    page = await client.get(base)
    assert 'data-testid="inventory"' in page.text and "4 of 4 rooms" in page.text


async def test_room_plan_pages_in_english_and_chinese(client, factory) -> None:
    lodging = await lodging_retreat(factory)
    await hotel(lodging, "Spring", [("Twin", 2, ["201", "202"])])
    await party(factory, lodging, "Wang", 2, arrival=local(0, "10:00"), vehicle="Bus 1")
    await party(factory, lodging, "Li", 2)
    await party(factory, lodging, "Zhao", 2)
    token = await web_login(client, lodging.organiser)
    base = f"/dashboard/events/{lodging.event_id}/retreat"
    assigned = await client.post(f"{base}/rooms/auto", data={"_csrf_token": token})
    assert assigned.status_code == 303
    plan = await client.get(f"{base}/rooms")
    assert plan.status_code == 200 and 'data-testid="unplaced"' in plan.text and "Zhao guest" in plan.text
    clash = await client.post(
        f"{base}/rooms/move",
        data={
            "guest_registration_id": lodging.parties["Zhao"],
            "room_id": lodging.rooms["201"],
            "nights": NIGHTS[0],
            "_csrf_token": token,
        },
    )
    assert clash.status_code == 409 and "201" in clash.text
    moved = await client.post(
        f"{base}/rooms/release", data={"guest_registration_id": lodging.parties["Li"], "_csrf_token": token}
    )
    assert moved.status_code == 303
    await client.post(
        f"{base}/rooms/move",
        data={
            "guest_registration_id": lodging.parties["Zhao"],
            "room_id": lodging.rooms["202"],
            "_csrf_token": token,
        },
    )
    assert set((await room_of(lodging.parties["Zhao"])).values()) == {"202"}
    client.cookies.set("lang", "zh")
    try:
        for path, words in (
            (f"{base}/rooms", "房间安排"),
            (f"{base}/lodging", "酒店与房间"),
            (f"{base}/pickups?day={DAYS[0]}", "接送"),
            (f"{base}/manifests?kind=hotel&day={DAYS[0]}", "房间号"),
            (f"{base}/manifests?kind=restaurant&day={DAYS[1]}", "餐厅"),
            (f"{base}/parties/{lodging.parties['Wang']}/travel", "抵达与离开"),
        ):
            response = await client.get(path)
            assert response.status_code == 200, (path, response.text[:500])
            assert words in response.text, path
    finally:
        client.cookies.delete("lang")
    download = await client.get(f"{base}/manifests/hotel/csv?day={NIGHTS[0]}")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["201", "202"]
    pickups = await client.get(f"{base}/pickups?day={DAYS[0]}")
    assert "Bus 1" in pickups.text and "Wang guest" in pickups.text


async def test_guest_enters_travel_from_the_phone_and_others_get_404(client, factory) -> None:
    lodging = await lodging_retreat(factory)
    guest = await factory.user(name="Guest")
    await party(factory, lodging, "Guest", 2, guest=guest)
    token = await web_login(client, guest)
    path = f"/me/retreats/{lodging.event_id}/travel"
    page = await client.get(path)
    assert page.status_code == 200 and 'data-testid="travel-arrival"' in page.text
    form = {"mode": "train", "number": "G7301", "at": "2031-05-10T11:20", "station_en": "Jinhua Station",
            "pickup": "true", "vehicle": "Sneaky", "_csrf_token": token}  # fmt: skip
    saved = await client.post(f"{path}/arrival", data=form)
    assert saved.status_code == 303
    page = await client.get(path)
    assert "G7301" in page.text and "2031-05-10T11:20" in page.text and "Sneaky" not in page.text
    bad = await client.post(f"{path}/arrival", data={**form, "at": ""})
    assert bad.status_code == 422
    organiser_page = await client.get(f"/dashboard/events/{lodging.event_id}/retreat/rooms")
    assert organiser_page.status_code in (401, 403, 404)
    other, _org = await factory.organiser()  # organises events, but not this one
    client.cookies.clear()
    await web_login(client, other)
    assert (await client.get(path)).status_code == 404
    for part in ("lodging", "rooms", "pickups", "manifests?kind=restaurant"):
        response = await client.get(f"/dashboard/events/{lodging.event_id}/retreat/{part}")
        assert response.status_code == 404, part

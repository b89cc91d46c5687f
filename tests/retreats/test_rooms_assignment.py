"""Hotels, inventory per night, the automatic room assignment and manual moves and swaps."""

from __future__ import annotations

import pytest

from tests.retreats.lodging_support import NIGHTS, hotel, local, lodging_retreat, party, room_of

pytestmark = pytest.mark.asyncio


async def _known_set(factory):
    """Singles 101-102, twins 201-202, family rooms 401-402 (four beds); seven parties."""
    lodging = await lodging_retreat(factory)
    await hotel(
        lodging,
        "Spring",
        [("Single", 1, ["101", "102"]), ("Twin", 2, ["201", "202"]), ("Family", 4, ["401", "402"])],
    )
    await party(factory, lodging, "P4", 4)
    await party(factory, lodging, "P3", 3)
    await party(factory, lodging, "P2a", 2)
    # arrives on day 1, leaves on day 3: nights 11 and 12 only
    await party(factory, lodging, "P2b", 2, arrival=local(1, "10:00"), departure=local(3, "09:00"))
    await party(factory, lodging, "P1a", 1)
    await party(factory, lodging, "P1b", 1)
    await party(factory, lodging, "P1c", 1)
    return lodging


async def test_hotels_rooms_and_inventory_through_the_api(client, factory) -> None:
    lodging = await lodging_retreat(factory)
    headers = lodging.organiser.headers
    created = await client.post(
        f"{lodging.base}/hotels", json={"name_en": "Hot Spring", "name_zh": "温泉酒店"}, headers=headers
    )
    assert created.status_code == 201, created.text
    hotel_id = created.json()["id"]
    changed = await client.patch(
        f"{lodging.base}/hotels/{hotel_id}", json={"phone": "0579-1234"}, headers=headers
    )
    assert changed.json()["phone"] == "0579-1234" and changed.json()["name_zh"] == "温泉酒店"
    twin = await client.post(
        f"{lodging.base}/hotels/{hotel_id}/room-types", json={"name_en": "Twin", "beds": 2}, headers=headers
    )
    assert twin.status_code == 201
    body = {"numbers": ["301", "302", "303"], "first_night": NIGHTS[0], "last_night": NIGHTS[2]}
    rooms = await client.post(
        f"{lodging.base}/room-types/{twin.json()['id']}/rooms", json=body, headers=headers
    )
    assert rooms.status_code == 201, rooms.text
    again = await client.post(
        f"{lodging.base}/room-types/{twin.json()['id']}/rooms",
        json={**body, "numbers": ["303"]},
        headers=headers,
    )
    assert again.status_code == 409 and again.json()["code"] == "room_number_taken"
    await party(factory, lodging, "pair", 2)
    assigned = await client.post(f"{lodging.base}/assignment/auto", headers=headers)
    assert assigned.status_code == 200, assigned.text
    # The rooms close after the third night: the pair has no room on the fourth.
    assert assigned.json()["unplaced"][0]["nights"] == [NIGHTS[3]]
    inventory = (await client.get(f"{lodging.base}/inventory", headers=headers)).json()
    assert inventory["nights"] == NIGHTS
    cells = {row["night"]: row["cells"][0] for row in inventory["rows"]}
    assert cells[NIGHTS[0]] == {
        "room_type_id": twin.json()["id"],
        "rooms_total": 3,
        "rooms_free": 2,
        "beds_total": 6,
        "beds_free": 4,
    }
    assert cells[NIGHTS[3]]["rooms_total"] == 0


async def test_automatic_assignment_of_a_known_set(client, factory) -> None:
    lodging = await _known_set(factory)
    response = await client.post(f"{lodging.base}/assignment/auto", headers=lodging.organiser.headers)
    assert response.status_code == 200, response.text
    result = response.json()
    everywhere = dict.fromkeys(NIGHTS)
    assert await room_of(lodging.parties["P4"]) == {n: "401" for n in everywhere}
    assert await room_of(lodging.parties["P3"]) == {n: "402" for n in everywhere}  # no three-bed rooms
    assert await room_of(lodging.parties["P2a"]) == {n: "201" for n in everywhere}
    assert await room_of(lodging.parties["P2b"]) == {NIGHTS[1]: "202", NIGHTS[2]: "202"}
    assert await room_of(lodging.parties["P1a"]) == {n: "101" for n in everywhere}
    assert await room_of(lodging.parties["P1b"]) == {n: "102" for n in everywhere}
    # Nothing is free for the third single on nights 2 and 3: it sleeps in the twin left free on the others.
    assert await room_of(lodging.parties["P1c"]) == {NIGHTS[0]: "202", NIGHTS[3]: "202"}
    assert result["unplaced"] == [
        {
            "guest_registration_id": lodging.parties["P1c"],
            "name": "P1c guest",
            "size": 1,
            "nights": NIGHTS[1:3],
        }
    ]
    assert result["placed"] == 7 and result["room_nights"] == 5 * 4 + 2 + 2
    again = (await client.post(f"{lodging.base}/assignment/auto", headers=lodging.organiser.headers)).json()
    assert again["room_nights"] == 0 and again["placed"] == 0  # deterministic: nothing left to do


async def test_manual_moves_clash_with_409_and_survive_automatic_passes(client, factory) -> None:
    lodging = await _known_set(factory)
    headers = lodging.organiser.headers
    await client.post(f"{lodging.base}/assignment/auto", headers=headers)
    clash = await client.post(
        f"{lodging.base}/assignment/move",
        json={"guest_registration_id": lodging.parties["P1a"], "room_id": lodging.rooms["202"]},
        headers=headers,
    )
    assert clash.status_code == 409, clash.text
    problem = clash.json()
    assert problem["code"] == "room_taken"
    assert [c["night"] for c in problem["clashes"]] == NIGHTS  # P1c on 10 and 13, P2b on 11 and 12
    assert "202" in problem["detail"]
    assert await room_of(lodging.parties["P1a"]) == {n: "101" for n in NIGHTS}  # nothing changed
    too_small = await client.post(
        f"{lodging.base}/assignment/move",
        json={"guest_registration_id": lodging.parties["P4"], "room_id": lodging.rooms["201"]},
        headers=headers,
    )
    assert too_small.status_code == 422 and too_small.json()["code"] == "room_too_small"
    # Take P2b out, give its nights to P1c by hand, then run the automatic pass again.
    released = await client.post(
        f"{lodging.base}/assignment/release",
        json={"guest_registration_id": lodging.parties["P2b"]},
        headers=headers,
    )
    assert released.json()["stays"] == []
    moved = await client.post(
        f"{lodging.base}/assignment/move",
        json={
            "guest_registration_id": lodging.parties["P1c"],
            "room_id": lodging.rooms["202"],
            "nights": NIGHTS[1:3],
        },
        headers=headers,
    )
    assert moved.status_code == 200, moved.text
    assert [s["automatic"] for s in moved.json()["stays"]] == [True, False, False, True]
    rerun = (await client.post(f"{lodging.base}/assignment/auto", headers=headers)).json()
    assert rerun["unplaced"][0]["guest_registration_id"] == lodging.parties["P2b"]
    assert await room_of(lodging.parties["P1c"]) == {n: "202" for n in NIGHTS}  # the manual nights kept


async def test_swap_exchanges_rooms(client, factory) -> None:
    lodging = await _known_set(factory)
    headers = lodging.organiser.headers
    await client.post(f"{lodging.base}/assignment/auto", headers=headers)
    swapped = await client.post(
        f"{lodging.base}/assignment/swap",
        json={
            "first_guest_registration_id": lodging.parties["P1a"],
            "second_guest_registration_id": lodging.parties["P1b"],
        },
        headers=headers,
    )
    assert swapped.status_code == 200, swapped.text
    assert await room_of(lodging.parties["P1a"]) == {n: "102" for n in NIGHTS}
    assert await room_of(lodging.parties["P1b"]) == {n: "101" for n in NIGHTS}
    refused = await client.post(
        f"{lodging.base}/assignment/swap",
        json={
            "first_guest_registration_id": lodging.parties["P1a"],
            "second_guest_registration_id": lodging.parties["P4"],
        },
        headers=headers,
    )
    assert refused.status_code == 422  # four people do not fit in a single


async def test_another_organiser_gets_404_and_strangers_401(client, factory) -> None:
    lodging = await _known_set(factory)
    other, _org = await factory.organiser()
    for path in (
        "/inventory",
        "/parties",
        "/hotels",
        f"/manifests/hotel?day={NIGHTS[0]}",
        f"/pickups?day={NIGHTS[0]}",
    ):
        response = await client.get(lodging.base + path, headers=other.headers)
        assert response.status_code == 404, (path, response.text)
    move = await client.post(
        f"{lodging.base}/assignment/move",
        json={"guest_registration_id": lodging.parties["P1a"], "room_id": lodging.rooms["101"]},
        headers=other.headers,
    )
    assert move.status_code == 404
    assert (await client.get(lodging.base + "/inventory")).status_code == 401
    bad = await client.post(
        f"{lodging.base}/assignment/move", content=b"{not json", headers=lodging.organiser.headers
    )
    assert bad.status_code == 400

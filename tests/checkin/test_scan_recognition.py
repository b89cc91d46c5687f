"""The server recognises the tokens it issued: a look-up of the exact token, not a signature check.

A token is admitted only if ``luyan_ticket_token`` holds it; the signature is what offline
scanners check. These tests pin the consequences: a correctly signed token the server never
issued is ``unknown``, a revoked one ``revoked``, and retried nonces answer from the record.
"""

from __future__ import annotations

import asyncio

import httpx

from checkin.keys import public_keys, signing_key
from checkin.tables import Checkin, TicketToken
from checkin.tokens import issue_token, read_claims, sign, verify_token
from tests.checkin.scan_support import door, nonce, scan, ticket
from tests.factories import Factory


async def test_a_genuinely_signed_token_that_was_never_issued_is_unknown(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)
    claims = read_claims(token)
    assert claims is not None
    key_id, private_key = await signing_key(d.event_id)
    # Same registration and serial, signed with the event's real key, but other valid days:
    # an offline scanner would accept it; the server never issued it.
    minted = sign(
        type(claims)(
            key_id, claims.event_id, reg_id, claims.ticket_type_id, claims.serial, claims.valid_days | 1 << 20
        ),
        private_key,
    )
    assert minted != token
    assert verify_token(minted, await public_keys(d.event_id)).registration_id == reg_id
    body = (await scan(client, d, minted)).json()
    assert (body["code"], body["admitted"], body["attendee"]) == ("unknown", False, None)
    assert (await scan(client, d, token)).json()["code"] == "ok"  # the issued one still works


async def test_a_revoked_token_is_revoked_and_its_successor_admitted(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    reg_id, first = await ticket(factory, d.event_id)
    second = await issue_token(reg_id, reason="reissued")
    stored = await TicketToken.select(TicketToken.token, TicketToken.revoked_at).where(
        TicketToken.registration == reg_id
    )
    assert {row["token"]: row["revoked_at"] is not None for row in stored} == {first: True, second: False}
    answers = [(await scan(client, d, token)).json() for token in (first, second, first)]
    assert [a["code"] for a in answers] == ["revoked", "ok", "revoked"]
    assert answers[0]["attendee"]["registration_id"] == reg_id  # the desk sees whose ticket it was


async def test_a_batch_mixing_issued_unknown_and_manual_scans_answers_each(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    tickets = [await ticket(factory, d.event_id) for _ in range(4)]
    manual_reg, _manual_token = await ticket(factory, d.event_id)
    forged = tickets[0][1][:-3] + ("AAA" if tickets[0][1][-3:] != "AAA" else "BBB")
    responses = await asyncio.gather(
        *(scan(client, d, token) for _reg, token in tickets),
        scan(client, d, forged),
        scan(client, d, "not a ticket"),
        scan(client, d, registration_id=manual_reg),
    )
    codes = [r.json()["code"] for r in responses]
    assert codes == ["ok"] * 4 + ["unknown", "unknown", "ok"]
    admitted = [r.json()["attendee"]["registration_id"] for r in responses if r.json()["admitted"]]
    assert admitted == [reg for reg, _ in tickets] + [manual_reg]


async def test_retried_nonces_answer_from_the_record_for_every_outcome(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    d = await door(client, factory)
    reg_id, token = await ticket(factory, d.event_id)
    keys = {"ok": nonce(), "unknown": nonce()}
    first_ok = (await scan(client, d, token, key=keys["ok"])).json()
    first_unknown = (await scan(client, d, "garbage", key=keys["unknown"])).json()
    before = await Checkin.count().where(Checkin.checkin_list == d.list_id)
    again_ok, again_unknown = await asyncio.gather(
        scan(client, d, token, key=keys["ok"]), scan(client, d, "garbage", key=keys["unknown"])
    )
    assert again_ok.json()["scan_id"] == first_ok["scan_id"]
    assert (again_ok.json()["code"], again_ok.json()["admitted"]) == ("ok", True)
    assert again_ok.json()["attendee"]["registration_id"] == reg_id
    assert again_unknown.json()["scan_id"] == first_unknown["scan_id"]
    assert (again_unknown.json()["code"], again_unknown.json()["attendee"]) == ("unknown", None)
    assert await Checkin.count().where(Checkin.checkin_list == d.list_id) == before == 2

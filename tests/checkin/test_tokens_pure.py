"""Ticket tokens without a database: format, tampering, length and valid days."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from checkin.base45 import b45decode, b45encode
from checkin.keys import new_key_pair
from checkin.tokens import (
    InvalidTicket,
    TicketClaims,
    days_mask,
    event_days,
    sign,
    verify_token,
)
from tests.checkin.support import shanghai

CLAIMS = TicketClaims(
    key_id=1, event_id=1234, registration_id=567_890, ticket_type_id=4321, serial=2, valid_days=0b101
)


@pytest.fixture(scope="module")
def keys() -> tuple[Ed25519PrivateKey, dict[tuple[int, int], bytes]]:
    raw, public = new_key_pair()
    return Ed25519PrivateKey.from_private_bytes(raw), {(CLAIMS.event_id, CLAIMS.key_id): public}


def test_round_trip(keys) -> None:  # type: ignore[no-untyped-def]
    private, public = keys
    assert verify_token(sign(CLAIMS, private), public) == CLAIMS


def test_base45_round_trip() -> None:
    for data in (b"", b"\x00", b"\xff\xff", bytes(range(256))):
        assert b45decode(b45encode(data)) == data
    assert b45encode(b"AB") == "BB8"  # RFC 9285 example


def _flip(token: str, index: int) -> str:
    raw = bytearray(b45decode(token))
    raw[index] ^= 0x01
    return b45encode(bytes(raw))


def test_every_flipped_bit_is_rejected(keys) -> None:  # type: ignore[no-untyped-def]
    private, public = keys
    token = sign(CLAIMS, private)
    for index in range(len(b45decode(token))):
        with pytest.raises(InvalidTicket):
            verify_token(_flip(token, index), public)


def test_altered_payload_wrong_key_truncated_and_garbage_are_rejected(keys) -> None:  # type: ignore[no-untyped-def]
    private, public = keys
    token = sign(CLAIMS, private)
    forged_claims = TicketClaims(**{**{f: getattr(CLAIMS, f) for f in CLAIMS.__struct_fields__}, "serial": 3})
    raw = b45decode(token)
    from checkin.tokens import encode_payload

    altered = b45encode(encode_payload(forged_claims) + raw[-64:])  # old signature, new payload
    other_private = Ed25519PrivateKey.from_private_bytes(new_key_pair()[0])
    candidates = [
        altered,
        sign(CLAIMS, other_private),  # signed by someone else's key
        sign(TicketClaims(1, 999, 1, 1, 1, 1), private),  # event whose key the scanner lacks
        token[:-3],
        token[:60],
        token + "00",
        "",
        "garbage",
        "%%%%",
        "é" * 10,
        "A" * 5000,
        token.lower(),
    ]
    errors = []
    for candidate in candidates:
        with pytest.raises(InvalidTicket) as info:
            verify_token(candidate, public)
        errors.append(str(info.value))
    assert set(errors) == {"invalid ticket"}  # one uniform answer, no detail


def test_token_length_bound(keys) -> None:  # type: ignore[no-untyped-def]
    private, _ = keys
    typical = sign(CLAIMS, private)
    large = sign(TicketClaims(1, 16_000, 2_000_000, 2_000_000, 100, (1 << 32) - 1), private)
    assert len(typical) < 120 and len(large) <= 120


def test_valid_days_for_a_multi_day_event_in_shanghai() -> None:
    # 23:30 UTC on 1 March is already 2 March in Shanghai; the event ends 4 March 18:00 local.
    starts = dt.datetime(2027, 3, 1, 23, 30, tzinfo=dt.UTC)
    ends = shanghai(2027, 3, 4, 18)
    days = event_days(starts, ends, "Asia/Shanghai")
    assert days == [dt.date(2027, 3, 2), dt.date(2027, 3, 3), dt.date(2027, 3, 4)]
    mask = days_mask(days[0], days)
    assert mask == 0b111
    assert days_mask(days[0], [dt.date(2027, 3, 3)]) == 0b010
    claims = TicketClaims(1, 1, 1, 1, 1, days_mask(days[0], [days[0], days[2]]))
    assert [claims.valid_on(days[0], d) for d in days] == [True, False, True]
    assert not claims.valid_on(days[0], dt.date(2027, 3, 1))
    assert len(event_days(starts, starts + dt.timedelta(days=60), "Asia/Shanghai")) == 32

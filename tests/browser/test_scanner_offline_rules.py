"""The scanner's offline decisions, in the browser, against the server's own code.

Tokens are signed in Python (``checkin.tokens.sign``); the page's modules decode them (base45,
varints), verify them with WebCrypto Ed25519 and decide with the bundle's data. Every case is
also decided by ``checkin.scan_rules.decide``, and both must agree.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from playwright.async_api import Page

from checkin.base45 import b45decode, b45encode
from checkin.scan_rules import ListInfo, TicketState, decide
from checkin.tokens import TicketClaims, decode_payload, sign

pytestmark = pytest.mark.browser

TZ = "Asia/Shanghai"
EVENT, OTHER_EVENT, TYPE, VIP = 7, 8, 31, 32
NOW = dt.datetime.now(dt.UTC)
TODAY = NOW.astimezone(ZoneInfo(TZ)).date()
FIRST = TODAY - dt.timedelta(days=1)  # a three-day event: yesterday, today, tomorrow
DAYS = [FIRST + dt.timedelta(days=i) for i in range(3)]
ALL_DAYS = 0b111

KEY = Ed25519PrivateKey.generate()
RAW_PUBLIC = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

JS = """async ([bundle, list, cases, now]) => {
  const token = await import('/static/js/scanner/token.js');
  const offline = await import('/static/js/scanner/offline.js');
  const index = new offline.BundleIndex(bundle, []);
  const out = {};
  for (const c of cases) {
    const l = {...list, ...(c.list || {})};
    const r = c.token !== null
      ? await offline.decideToken(index, l, c.direction, c.token, 'en', new Date(now))
      : offline.decideRegistration(index, l, c.direction, c.registration_id, 'en', new Date(now));
    out[c.name] = r.code;
  }
  const parsed = token.parseToken(cases[0].token);
  out.claims = parsed.claims;
  out.today = token.todayIn(bundle.event.timezone, new Date(now));
  return out;
}"""


def claims(registration_id: int, **changes: Any) -> TicketClaims:
    values = dict(
        key_id=1,
        event_id=EVENT,
        registration_id=registration_id,
        ticket_type_id=TYPE,
        serial=1,
        valid_days=ALL_DAYS,
    )
    values.update(changes)
    return TicketClaims(**values)


def attendee(
    registration_id: int, status: str = "confirmed", serial: int | None = 1, type_id: int = TYPE
) -> dict:
    return {
        "registration_id": registration_id,
        "code": f"C{registration_id}",
        "name": f"Person {registration_id}",
        "organisation": "",
        "ticket_type_id": type_id,
        "status": status,
        "serial": serial,
    }


def tampered(token: str) -> str:
    raw = bytearray(b45decode(token))
    raw[3] ^= 0x01  # one payload bit: the signature no longer matches
    return b45encode(bytes(raw))


def python_code(case: dict[str, Any], bundle: dict[str, Any], base_list: dict[str, Any]) -> str:
    """What the server's rules say, from the same data."""
    lst = {**base_list, **case.get("list", {})}
    info = ListInfo(
        id=lst["id"],
        event_id=EVENT,
        name_en=lst["name_en"],
        name_zh="",
        ticket_type_ids=frozenset(lst["ticket_type_ids"]),
        days=frozenset(dt.date.fromisoformat(d) for d in lst["days"]),
        allow_reentry=lst["allow_reentry"],
        allow_exit=lst["allow_exit"],
        timezone=ZoneInfo(TZ),
        first_day=FIRST,
        registration_ids=None if lst["registration_ids"] is None else frozenset(lst["registration_ids"]),
    )
    token_claims = decode_payload(b45decode(case["token"])[:-64]) if case["token"] else None
    registration_id = token_claims.registration_id if token_claims else case["registration_id"]
    person = next(a for a in bundle["attendees"] if a["registration_id"] == registration_id)
    presence = next(
        (
            p
            for p in bundle["checked_in"]
            if p["registration_id"] == registration_id and p["list_id"] == lst["id"]
        ),
        None,
    )
    state = TicketState(
        registration_id=registration_id,
        event_id=token_claims.event_id if token_claims else EVENT,
        status=person["status"],
        ticket_type_id=person["ticket_type_id"],
        code=person["code"],
        name=person["name"],
        organisation="",
        live_serial=person["serial"],
        present=presence is not None,
        inside=bool(presence and presence["inside"]),
    )
    return decide(info, token_claims, state, case["direction"], TODAY)


async def test_offline_decisions_match_the_server_rules(browser_page: Page) -> None:
    page = browser_page
    other_key = Ed25519PrivateKey.generate()
    tokens = {
        "ok": sign(claims(101), KEY),
        "big": sign(claims(2_000_000, serial=100, valid_days=(1 << 31) | ALL_DAYS), KEY),
        "revoked": sign(claims(102), KEY),
        "old_serial": sign(claims(103, serial=1), KEY),
        "cancelled": sign(claims(104), KEY),
        "pending": sign(claims(105), KEY),
        "vip_only": sign(claims(106), KEY),
        "not_today": sign(claims(107, valid_days=0b101), KEY),  # yesterday and tomorrow
        "inside": sign(claims(108), KEY),
        "left": sign(claims(109), KEY),
        "other_event": sign(claims(110, event_id=OTHER_EVENT), other_key),
    }
    bundle = {
        "event": {
            "id": EVENT,
            "title_en": "Rules",
            "title_zh": "",
            "timezone": TZ,
            "first_day": FIRST.isoformat(),
            "days": [d.isoformat() for d in DAYS],
        },
        "public_keys": [{"key_id": 1, "public_key": base64.b64encode(RAW_PUBLIC).decode()}],
        "revoked": [{"registration_id": 102, "serial": 1}, {"registration_id": 103, "serial": 1}],
        "lists": [],
        "ticket_types": [{"id": TYPE, "name_en": "Standard", "name_zh": ""}],
        "attendees": [
            attendee(101),
            attendee(2_000_000, serial=100),
            attendee(102, serial=None),
            attendee(103, serial=2),
            attendee(104, status="cancelled", serial=None),
            attendee(105, status="pending", serial=None),
            attendee(106),
            attendee(107),
            attendee(108),
            attendee(109),
            attendee(110),
        ],
        "checked_in": [
            {"list_id": 1, "registration_id": 108, "inside": True},
            {"list_id": 1, "registration_id": 109, "inside": False},
        ],
        "generated_at": NOW.isoformat(),
        "device": None,
    }
    base_list = {
        "id": 1,
        "name_en": "Main",
        "name_zh": "",
        "ticket_type_ids": [],
        "days": [],
        "allow_reentry": False,
        "allow_exit": False,
        "registration_ids": None,
    }
    cases: list[dict[str, Any]] = [
        {"name": "ok", "token": tokens["ok"], "direction": "entry"},
        {"name": "big", "token": tokens["big"], "direction": "entry"},
        {"name": "revoked", "token": tokens["revoked"], "direction": "entry"},
        {"name": "old_serial", "token": tokens["old_serial"], "direction": "entry"},
        {"name": "cancelled", "token": tokens["cancelled"], "direction": "entry"},
        {"name": "pending", "token": tokens["pending"], "direction": "entry"},
        {
            "name": "vip_only",
            "token": tokens["vip_only"],
            "direction": "entry",
            "list": {"ticket_type_ids": [VIP]},
        },
        {"name": "not_today", "token": tokens["not_today"], "direction": "entry"},
        {
            "name": "list_not_today",
            "token": tokens["ok"],
            "direction": "entry",
            "list": {"days": [DAYS[2].isoformat()]},
        },
        {"name": "already", "token": tokens["inside"], "direction": "entry"},
        {"name": "reentry", "token": tokens["left"], "direction": "entry", "list": {"allow_reentry": True}},
        {
            "name": "reentry_inside",
            "token": tokens["inside"],
            "direction": "entry",
            "list": {"allow_reentry": True, "allow_exit": True},
        },
        {"name": "exit", "token": tokens["inside"], "direction": "exit", "list": {"allow_exit": True}},
        {"name": "exit_not_in", "token": tokens["ok"], "direction": "exit", "list": {"allow_exit": True}},
        {
            "name": "signed_up",
            "token": tokens["ok"],
            "direction": "entry",
            "list": {"registration_ids": [101, 104]},
        },
        {
            "name": "not_signed_up",
            "token": tokens["ok"],
            "direction": "entry",
            "list": {"registration_ids": [104]},
        },
        {"name": "manual", "token": None, "registration_id": 101, "direction": "entry"},
        {"name": "manual_pending", "token": None, "registration_id": 105, "direction": "entry"},
        {"name": "manual_already", "token": None, "registration_id": 108, "direction": "entry"},
        {"name": "tampered", "token": tampered(tokens["ok"]), "direction": "entry"},
        {"name": "garbage", "token": "HELLO WORLD", "direction": "entry"},
        {"name": "other_event", "token": tokens["other_event"], "direction": "entry"},
    ]
    await page.goto("/scanner")
    got = await page.evaluate(JS, [bundle, base_list, cases, NOW.isoformat()])

    assert got["today"] == TODAY.isoformat()
    assert got["claims"] == {
        "keyId": 1,
        "eventId": EVENT,
        "registrationId": 101,
        "ticketTypeId": TYPE,
        "serial": 1,
        "validDays": ALL_DAYS,
    }
    expected = {
        "ok": "ok",
        "big": "ok",
        "revoked": "revoked",
        "old_serial": "revoked",
        "cancelled": "revoked",
        "pending": "revoked",  # a token of a registration without a live one
        "vip_only": "wrong_list",
        "not_today": "not_valid_now",
        "list_not_today": "not_valid_now",
        "already": "already_checked_in",
        "reentry": "ok",
        "reentry_inside": "already_checked_in",
        "exit": "ok",
        "exit_not_in": "not_inside",
        "signed_up": "ok",  # a list for the people signed up for an activity
        "not_signed_up": "wrong_list",
        "manual": "ok",
        "manual_pending": "not_approved",
        "manual_already": "already_checked_in",
        "tampered": "unknown",
        "garbage": "unknown",
        "other_event": "wrong_event",
    }
    assert {k: got[k] for k in expected} == expected, json.dumps(got, indent=1)
    # The server's rules agree on every genuine ticket (forgeries never reach them: the server
    # does not find them among the tokens it issued, in checkin.scan_store).
    for case in cases:
        if case["name"] in {"tampered", "garbage"}:
            continue
        assert python_code(case, bundle, base_list) == expected[case["name"]], case["name"]

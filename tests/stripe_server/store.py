"""The in-memory state of the Stripe-compatible test server, and what a customer or time does to it.

Objects are plain dicts shaped like Stripe's (API version "endive": a subscription's
``current_period_end`` on its items, an invoice's subscription under ``parent``). Each change
records the events Stripe would send, with a snapshot of the object, for delivery by the server.
"""

from __future__ import annotations

import copy
import itertools
import json
import secrets
import threading
import time
from typing import Any

import stripe

from tests.stripe_server import payments

MONTHLY_PRICE = "price_test_monthly"
ANNUAL_PRICE = "price_test_annual"
MONTH_S = 30 * 24 * 3600
YEAR_S = 365 * 24 * 3600


class StripeObjectMissing(KeyError):
    """No such object (the server answers 404 ``resource_missing``)."""


class StripeBadRequest(ValueError):
    """The request is wrong (the server answers 400 ``invalid_request_error``)."""


def _new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(8)}"


def _price(price_id: str, interval: str, amount: int) -> dict[str, Any]:
    return {
        "id": price_id,
        "object": "price",
        "active": True,
        "currency": "cny",
        "unit_amount": amount,
        "recurring": {"interval": interval, "interval_count": 1},
        "type": "recurring",
    }


class StripeStore:
    """Every object the server knows, behind one lock (the server's request threads share it)."""

    def __init__(self, base_url: str = "") -> None:
        self.base_url = base_url
        self.lock = threading.RLock()
        self.objects: dict[str, dict[str, dict[str, Any]]] = {
            "customer": {},
            "price": {
                MONTHLY_PRICE: _price(MONTHLY_PRICE, "month", 99_000),
                ANNUAL_PRICE: _price(ANNUAL_PRICE, "year", 990_000),
            },
            "checkout.session": {},
            "subscription": {},
            "invoice": {},
            "billing_portal.session": {},
            "payment_intent": {},
            "refund": {},
        }
        self.events: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API request
        self._clock = itertools.count(int(time.time()))

    def now(self) -> int:
        """A strictly increasing Unix time, so events made in one test keep their order."""
        return next(self._clock)

    def get(self, kind: str, object_id: str) -> dict[str, Any]:
        with self.lock:
            found = self.objects[kind].get(object_id)
            if found is None:
                raise StripeObjectMissing(f"No such {kind}: '{object_id}'")
            return copy.deepcopy(found)

    def _put(self, obj: dict[str, Any]) -> dict[str, Any]:
        self.objects[obj["object"]][obj["id"]] = obj
        return copy.deepcopy(obj)

    def record_event(
        self, event_type: str, obj: dict[str, Any], created: int | None = None
    ) -> dict[str, Any]:
        event = {
            "id": _new_id("evt"),
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": created if created is not None else self.now(),
            "livemode": False,
            "pending_webhooks": 1,
            "type": event_type,
            "data": {"object": copy.deepcopy(obj)},
        }
        with self.lock:
            self.events.append(event)
        return event

    # -- API operations ----------------------------------------------------------------------
    def create_customer(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = {
            "id": _new_id("cus"),
            "object": "customer",
            "created": self.now(),
            "name": params.get("name"),
            "email": params.get("email"),
            "metadata": params.get("metadata") or {},
        }
        with self.lock:
            return self._put(customer)

    def create_checkout_session(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("mode") not in ("subscription", "payment"):
            raise StripeBadRequest("Only mode=subscription and mode=payment are supported here.")
        for required in ("success_url", "cancel_url"):
            if not params.get(required):
                raise StripeBadRequest(f"Missing required param: {required}.")
        if params["mode"] == "payment":
            session = payments.create_payment_session(self, params, _new_id("cs"))
            with self.lock:
                return self._public(self._put(session))
        items = params.get("line_items") or {}
        first = items.get("0") if isinstance(items, dict) else None
        if not first or not first.get("price"):
            raise StripeBadRequest("Missing required param: line_items[0][price].")
        self.get("price", first["price"])
        customer = params.get("customer")
        if customer:
            self.get("customer", customer)
        session_id = _new_id("cs")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "created": self.now(),
            "mode": "subscription",
            "status": "open",
            "payment_status": "unpaid",
            "url": f"{self.base_url}/pay/{session_id}",
            "customer": customer,
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {},
            "subscription": None,
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
            "locale": params.get("locale"),
            # kept for completing the session, as Stripe keeps them
            "_price": first["price"],
            "_quantity": int(first.get("quantity") or 1),
            "_subscription_metadata": (params.get("subscription_data") or {}).get("metadata") or {},
        }
        with self.lock:
            return self._public(self._put(session))

    def create_portal_session(self, params: dict[str, Any]) -> dict[str, Any]:
        customer = params.get("customer")
        if not customer:
            raise StripeBadRequest("Missing required param: customer.")
        self.get("customer", customer)
        session_id = _new_id("bps")
        session = {
            "id": session_id,
            "object": "billing_portal.session",
            "created": self.now(),
            "customer": customer,
            "return_url": params.get("return_url"),
            "url": f"{self.base_url}/portal/{session_id}",
        }
        with self.lock:
            return self._put(session)

    def update_subscription(self, subscription_id: str, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            sub = self.objects["subscription"].get(subscription_id)
            if sub is None:
                raise StripeObjectMissing(f"No such subscription: '{subscription_id}'")
            if sub["status"] == "canceled":
                raise StripeBadRequest("A canceled subscription can only update its metadata.")
            if "cancel_at_period_end" in params:
                sub["cancel_at_period_end"] = str(params["cancel_at_period_end"]).lower() == "true"
            if "metadata" in params:
                sub["metadata"].update(params["metadata"])
            snapshot = copy.deepcopy(sub)
        self.record_event("customer.subscription.updated", snapshot)
        return snapshot

    def cancel_subscription(self, subscription_id: str) -> dict[str, Any]:
        with self.lock:
            sub = self.objects["subscription"].get(subscription_id)
            if sub is None:
                raise StripeObjectMissing(f"No such subscription: '{subscription_id}'")
            sub["status"] = "canceled"
            sub["canceled_at"] = sub["ended_at"] = self.now()
            snapshot = copy.deepcopy(sub)
        self.record_event("customer.subscription.deleted", snapshot)
        return snapshot

    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def public(self, kind: str, object_id: str) -> dict[str, Any]:
        return self._public(self.get(kind, object_id))

    # -- what customers and time do (test helpers) ---------------------------------------------
    def _invoice(self, sub: dict[str, Any], status: str) -> dict[str, Any]:
        item = sub["items"]["data"][0]
        return {
            "id": _new_id("in"),
            "object": "invoice",
            "created": self.now(),
            "customer": sub["customer"],
            "status": status,
            "amount_due": item["price"]["unit_amount"] * item["quantity"],
            "currency": "cny",
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": sub["id"], "metadata": dict(sub["metadata"])},
            },
        }

    def complete_checkout(self, session_id: str) -> dict[str, str]:
        """The customer pays: a subscription and its paid first invoice, and Stripe's events
        (for a ``mode=payment`` session, a succeeded PaymentIntent)."""
        with self.lock:
            session = self.objects["checkout.session"].get(session_id)
            if session is None:
                raise StripeObjectMissing(f"No such checkout.session: '{session_id}'")
            if session["status"] != "open":
                raise StripeBadRequest("This Checkout Session is no longer open.")
            if session["mode"] == "payment":
                return payments.complete_payment(self, session)
            price = self.objects["price"][session["_price"]]
            if not session["customer"]:
                session["customer"] = self.create_customer({"name": "Checkout customer"})["id"]
            start = self.now()
            period = MONTH_S if price["recurring"]["interval"] == "month" else YEAR_S
            sub = {
                "id": _new_id("sub"),
                "object": "subscription",
                "created": start,
                "customer": session["customer"],
                "status": "active",
                "cancel_at_period_end": False,
                "canceled_at": None,
                "ended_at": None,
                "metadata": dict(session["_subscription_metadata"]),
                "items": {
                    "object": "list",
                    "data": [
                        {
                            "id": _new_id("si"),
                            "object": "subscription_item",
                            "price": copy.deepcopy(price),
                            "quantity": session["_quantity"],
                            "current_period_start": start,
                            "current_period_end": start + period,
                        }
                    ],
                },
            }
            self._put(sub)
            invoice = self._put(self._invoice(sub, "paid"))
            session.update(status="complete", payment_status="paid", subscription=sub["id"])
            session_snapshot = self._public(copy.deepcopy(session))
        self.record_event("customer.subscription.created", sub)
        self.record_event("checkout.session.completed", session_snapshot)
        self.record_event("invoice.paid", invoice)
        return {"subscription": sub["id"], "invoice": invoice["id"], "customer": sub["customer"]}

    def fail_payment(self, subscription_id: str) -> str:
        """A renewal's payment fails: an open invoice, the subscription ``past_due``."""
        with self.lock:
            sub = self.objects["subscription"][subscription_id]
            sub["status"] = "past_due"
            invoice = self._put(self._invoice(sub, "open"))
            snapshot = copy.deepcopy(sub)
        self.record_event("invoice.payment_failed", invoice)
        self.record_event("customer.subscription.updated", snapshot)
        return str(invoice["id"])

    def renew(self, subscription_id: str) -> str:
        """The next period is paid: a paid invoice, the period moved on, the subscription active."""
        with self.lock:
            sub = self.objects["subscription"][subscription_id]
            item = sub["items"]["data"][0]
            interval = item["price"]["recurring"]["interval"]
            item["current_period_start"] = item["current_period_end"]
            item["current_period_end"] += MONTH_S if interval == "month" else YEAR_S
            sub["status"] = "active"
            invoice = self._put(self._invoice(sub, "paid"))
        self.record_event("invoice.paid", invoice)
        return str(invoice["id"])

    def expire_checkout(self, session_id: str) -> None:
        """Nobody paid: the session expires (Stripe does so after 24 hours)."""
        with self.lock:
            session = self.objects["checkout.session"][session_id]
            session["status"] = "expired"
            snapshot = self._public(copy.deepcopy(session))
        self.record_event("checkout.session.expired", snapshot)

    def subscriptions_of(self, customer_id: str) -> list[str]:
        """The customer's subscriptions that are not cancelled yet."""
        with self.lock:
            return [
                s["id"]
                for s in self.objects["subscription"].values()
                if s["customer"] == customer_id and s["status"] != "canceled"
            ]

    def set_status(self, subscription_id: str, status: str) -> None:
        """Change a subscription behind the platform's back (no event), e.g. a stale read."""
        with self.lock:
            self.objects["subscription"][subscription_id]["status"] = status

    # -- events --------------------------------------------------------------------------------
    def take_events(self) -> list[dict[str, Any]]:
        with self.lock:
            taken, self.events = self.events, []
        return taken

    @staticmethod
    def sign(event: dict[str, Any], secret: str, timestamp: int | None = None) -> tuple[bytes, str]:
        """The body and ``Stripe-Signature`` header Stripe would send, signed by the SDK itself."""
        body = json.dumps(event, separators=(",", ":"))
        header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
        return body.encode(), header

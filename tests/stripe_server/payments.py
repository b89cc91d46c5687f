"""One-off payments on the Stripe-compatible test server: Checkout Sessions with ``mode=payment``,
their PaymentIntents, expiry and refunds, shaped like Stripe's objects and events.

Stripe's rules that matter to the platform are enforced: ``expires_at`` must lie between 30
minutes and 24 hours ahead, an expired or completed session cannot be paid or expired again, a
refund needs a succeeded PaymentIntent and cannot exceed what is left to refund.
"""

from __future__ import annotations

import copy
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.stripe_server.store import StripeStore

MIN_EXPIRY_S = 30 * 60
MAX_EXPIRY_S = 24 * 3600


def create_payment_session(store: StripeStore, params: dict[str, Any], session_id: str) -> dict[str, Any]:
    from tests.stripe_server.store import StripeBadRequest

    items = params.get("line_items") or {}
    first = items.get("0") if isinstance(items, dict) else None
    price_data = (first or {}).get("price_data") or {}
    if not price_data.get("currency") or not str(price_data.get("unit_amount", "")).isdigit():
        raise StripeBadRequest("Missing required param: line_items[0][price_data].")
    name = (price_data.get("product_data") or {}).get("name")
    if not name:
        raise StripeBadRequest("Missing required param: line_items[0][price_data][product_data][name].")
    created = int(time.time())
    expires_at = int(params.get("expires_at") or created + MAX_EXPIRY_S)
    if not created + MIN_EXPIRY_S - 5 <= expires_at <= created + MAX_EXPIRY_S:
        raise StripeBadRequest("expires_at must be between 30 minutes and 24 hours from now.")
    amount = int(price_data["unit_amount"]) * int(first.get("quantity") or 1)  # type: ignore[union-attr]
    return {
        "id": session_id,
        "object": "checkout.session",
        "created": created,
        "expires_at": expires_at,
        "mode": "payment",
        "status": "open",
        "payment_status": "unpaid",
        "url": f"{store.base_url}/pay/{session_id}",
        "customer": None,
        "customer_email": params.get("customer_email"),
        "client_reference_id": params.get("client_reference_id"),
        "metadata": params.get("metadata") or {},
        "payment_intent": None,
        "amount_total": amount,
        "currency": price_data["currency"],
        "subscription": None,
        "success_url": params["success_url"],
        "cancel_url": params["cancel_url"],
        "locale": params.get("locale"),
        "_product_name": name,
        "_intent_metadata": (params.get("payment_intent_data") or {}).get("metadata") or {},
    }


def complete_payment(store: StripeStore, session: dict[str, Any]) -> dict[str, str]:
    """The customer pays (called with the store's lock held): a succeeded PaymentIntent."""
    from tests.stripe_server.store import _new_id

    intent = {
        "id": _new_id("pi"),
        "object": "payment_intent",
        "created": store.now(),
        "amount": session["amount_total"],
        "amount_received": session["amount_total"],
        "currency": session["currency"],
        "status": "succeeded",
        "metadata": dict(session["_intent_metadata"]),
    }
    store._put(intent)
    session.update(status="complete", payment_status="paid", payment_intent=intent["id"])
    snapshot = store._public(copy.deepcopy(session))
    store.record_event("payment_intent.succeeded", intent)
    store.record_event("checkout.session.completed", snapshot)
    return {"payment_intent": intent["id"]}


def expire_session(store: StripeStore, session_id: str) -> dict[str, Any]:
    """``POST /v1/checkout/sessions/{id}/expire``: only an open session can be expired."""
    from tests.stripe_server.store import StripeBadRequest, StripeObjectMissing

    with store.lock:
        session = store.objects["checkout.session"].get(session_id)
        if session is None:
            raise StripeObjectMissing(f"No such checkout.session: '{session_id}'")
        if session["status"] != "open":
            raise StripeBadRequest(
                f"This Checkout Session is {session['status']}: only an open one can expire."
            )
        session["status"] = "expired"
        snapshot = store._public(copy.deepcopy(session))
    store.record_event("checkout.session.expired", snapshot)
    return snapshot


def create_refund(store: StripeStore, params: dict[str, Any]) -> dict[str, Any]:
    """``POST /v1/refunds``: a full (or partial, with ``amount``) refund of a succeeded payment."""
    from tests.stripe_server.store import StripeBadRequest, StripeObjectMissing, _new_id

    intent_id = params.get("payment_intent")
    if not intent_id:
        raise StripeBadRequest("Missing required param: payment_intent.")
    with store.lock:
        intent = store.objects["payment_intent"].get(intent_id)
        if intent is None:
            raise StripeObjectMissing(f"No such payment_intent: '{intent_id}'")
        if intent["status"] != "succeeded":
            raise StripeBadRequest("This PaymentIntent has no successful charge to refund.")
        left = intent["amount_received"] - intent.get("_refunded", 0)
        amount = int(params.get("amount") or left)
        if amount <= 0 or amount > left:
            raise StripeBadRequest(f"Charge {intent_id} has already been refunded.")
        intent["_refunded"] = intent.get("_refunded", 0) + amount
        refund = {
            "id": _new_id("re"),
            "object": "refund",
            "created": store.now(),
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent_id,
            "status": "succeeded",
            "metadata": params.get("metadata") or {},
        }
        snapshot = store._put(refund)
    store.record_event("refund.created", snapshot)
    return snapshot


def refunded_amount(store: StripeStore, intent_id: str) -> int:
    with store.lock:
        return int(store.objects["payment_intent"][intent_id].get("_refunded", 0))

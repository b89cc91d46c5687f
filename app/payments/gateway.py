"""The one door to Stripe: a configured ``StripeClient``, async calls, and SDK errors turned into
domain errors in one place.

Every call goes through the official ``stripe`` SDK over HTTPX (async). ``StripeSettings.api_base``
points the SDK at a Stripe-compatible server instead of ``api.stripe.com`` (the test suite runs
one on loopback). Stripe objects come back as small snapshots holding only what the platform
reads, whatever the API version's shape (``current_period_end`` moved onto subscription items and
an invoice's subscription under ``parent`` in recent versions; both shapes are read).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import stripe

from app.payments.errors import (
    InvalidWebhookSignature,
    PaymentObjectMissing,
    PaymentProviderRejected,
    PaymentProviderUnavailable,
    PaymentsNotConfigured,
)
from app.settings import StripeSettings

log = logging.getLogger("luyan.payments")
T = TypeVar("T")
SIGNATURE_TOLERANCE_S = 300  # Stripe's own default: older signed deliveries are refused
NETWORK_RETRIES = 2  # the SDK retries POSTs with an idempotency key, so a retry never doubles


@dataclass(frozen=True, slots=True)
class CheckoutSnapshot:
    id: str
    url: str | None
    status: str | None  # open | complete | expired
    customer: str | None
    subscription: str | None
    client_reference_id: str | None
    metadata: dict[str, str] = field(default_factory=dict)
    mode: str | None = None  # payment | subscription | setup
    payment_status: str | None = None  # paid | unpaid | no_payment_required
    payment_intent: str | None = None
    amount_total: int | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentIntentSnapshot:
    id: str
    status: str  # succeeded | processing | requires_payment_method | canceled | ...
    amount: int
    currency: str
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RefundSnapshot:
    id: str
    status: str  # pending | succeeded | failed | canceled
    amount: int
    payment_intent: str | None


@dataclass(frozen=True, slots=True)
class SubscriptionSnapshot:
    id: str
    status: str
    customer: str | None
    price_id: str | None
    quantity: int
    current_period_end: int | None  # Unix time
    cancel_at_period_end: bool
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InvoiceSnapshot:
    id: str
    status: str | None
    customer: str | None
    subscription: str | None


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    id: str
    type: str
    created: int
    object_id: str | None
    object_type: str | None


def _id(value: Any) -> str | None:
    """An id whether Stripe sent it bare or as an expanded object."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return value.get("id")
    return getattr(value, "id", None)


def _metadata(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in dict(value or {}).items()}


def checkout_snapshot(data: Mapping[str, Any]) -> CheckoutSnapshot:
    return CheckoutSnapshot(
        id=data["id"],
        url=data.get("url"),
        status=data.get("status"),
        customer=_id(data.get("customer")),
        subscription=_id(data.get("subscription")),
        client_reference_id=data.get("client_reference_id"),
        metadata=_metadata(data.get("metadata")),
        mode=data.get("mode"),
        payment_status=data.get("payment_status"),
        payment_intent=_id(data.get("payment_intent")),
        amount_total=data.get("amount_total"),
        currency=data.get("currency"),
    )


def payment_intent_snapshot(data: Mapping[str, Any]) -> PaymentIntentSnapshot:
    return PaymentIntentSnapshot(
        id=data["id"],
        status=str(data.get("status") or ""),
        amount=int(data.get("amount") or 0),
        currency=str(data.get("currency") or ""),
        metadata=_metadata(data.get("metadata")),
    )


def refund_snapshot(data: Mapping[str, Any]) -> RefundSnapshot:
    return RefundSnapshot(
        id=data["id"],
        status=str(data.get("status") or "pending"),
        amount=int(data.get("amount") or 0),
        payment_intent=_id(data.get("payment_intent")),
    )


def subscription_snapshot(data: Mapping[str, Any]) -> SubscriptionSnapshot:
    items = ((data.get("items") or {}).get("data")) or []
    first = items[0] if items else {}
    price = first.get("price") or {}
    period_end = first.get("current_period_end") or data.get("current_period_end")
    return SubscriptionSnapshot(
        id=data["id"],
        status=str(data.get("status") or "incomplete"),
        customer=_id(data.get("customer")),
        price_id=_id(price),
        quantity=int(first.get("quantity") or 1),
        current_period_end=int(period_end) if period_end else None,
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        metadata=_metadata(data.get("metadata")),
    )


def invoice_snapshot(data: Mapping[str, Any]) -> InvoiceSnapshot:
    parent = data.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return InvoiceSnapshot(
        id=data["id"],
        status=data.get("status"),
        customer=_id(data.get("customer")),
        subscription=_id(details.get("subscription")) or _id(data.get("subscription")),
    )


class StripeGateway:
    """Stripe calls for one set of settings. Raises only ``app.payments.errors`` domain errors."""

    def __init__(self, settings: StripeSettings) -> None:
        self.settings = settings
        self._clients: dict[int, stripe.StripeClient] = {}

    @property
    def configured(self) -> bool:
        return self.settings.configured

    def _client(self) -> stripe.StripeClient:
        if not self.settings.secret_key:
            raise PaymentsNotConfigured()
        # The HTTPX async client belongs to the event loop it was made on.
        loop_key = id(asyncio.get_running_loop())
        client = self._clients.get(loop_key)
        if client is None:
            base = {"api": self.settings.api_base} if self.settings.api_base else None
            client = stripe.StripeClient(
                self.settings.secret_key,
                base_addresses=base,  # type: ignore[arg-type]
                http_client=stripe.HTTPXClient(),
                max_network_retries=NETWORK_RETRIES,
            )
            self._clients[loop_key] = client
        return client

    async def _call(self, what: str, call: Callable[[stripe.StripeClient], Awaitable[T]]) -> T:
        """The single place SDK errors become domain errors."""
        try:
            return await call(self._client())
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            log.warning("stripe %s: cannot reach Stripe: %s", what, exc)
            raise PaymentProviderUnavailable() from None
        except stripe.StripeError as exc:
            status = exc.http_status or 0
            log.warning("stripe %s failed (%s %s): %s", what, status, exc.code, exc.user_message)
            if status >= 500 or isinstance(exc, stripe.APIError):
                raise PaymentProviderUnavailable() from None
            if status == 404:
                raise PaymentObjectMissing() from None
            raise PaymentProviderRejected() from None

    # -- customers and checkout --------------------------------------------------------------
    async def create_customer(self, *, name: str, email: str | None, metadata: dict[str, str]) -> str:
        params: dict[str, Any] = {"name": name, "metadata": metadata}
        if email:
            params["email"] = email
        customer = await self._call("create customer", lambda c: c.v1.customers.create_async(params))
        return str(customer.id)

    async def create_checkout_session(
        self,
        *,
        customer: str,
        price_id: str,
        quantity: int,
        client_reference_id: str,
        metadata: dict[str, str],
        success_url: str,
        cancel_url: str,
        locale: str | None = None,
    ) -> CheckoutSnapshot:
        params: dict[str, Any] = {
            "mode": "subscription",
            "customer": customer,
            "line_items": [{"price": price_id, "quantity": quantity}],
            "client_reference_id": client_reference_id,
            "metadata": metadata,
            "subscription_data": {"metadata": metadata},
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if locale:
            params["locale"] = locale
        session = await self._call("create checkout", lambda c: c.v1.checkout.sessions.create_async(params))  # type: ignore[arg-type]
        return checkout_snapshot(session.to_dict())

    async def retrieve_checkout_session(self, session_id: str) -> CheckoutSnapshot:
        session = await self._call(
            "retrieve checkout", lambda c: c.v1.checkout.sessions.retrieve_async(session_id)
        )
        return checkout_snapshot(session.to_dict())

    async def create_payment_checkout(
        self,
        *,
        name: str,
        amount: int,
        currency: str,
        customer_email: str | None,
        client_reference_id: str,
        metadata: dict[str, str],
        expires_at: int,
        success_url: str,
        cancel_url: str,
        idempotency_key: str,
        locale: str | None = None,
    ) -> CheckoutSnapshot:
        """A one-off payment (``mode=payment``) of ``amount`` in the currency's smallest unit."""
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": amount,
                        "product_data": {"name": name},
                    },
                }
            ],
            "client_reference_id": client_reference_id,
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
            "expires_at": expires_at,
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if customer_email:
            params["customer_email"] = customer_email
        if locale:
            params["locale"] = locale
        options: Any = {"idempotency_key": idempotency_key}
        session = await self._call(
            "create payment checkout",
            lambda c: c.v1.checkout.sessions.create_async(params, options),  # type: ignore[arg-type]
        )
        return checkout_snapshot(session.to_dict())

    async def expire_checkout_session(self, session_id: str) -> CheckoutSnapshot:
        """Close an open session so it can no longer be paid (Stripe refuses a completed one)."""
        session = await self._call(
            "expire checkout", lambda c: c.v1.checkout.sessions.expire_async(session_id)
        )
        return checkout_snapshot(session.to_dict())

    async def retrieve_payment_intent(self, payment_intent_id: str) -> PaymentIntentSnapshot:
        intent = await self._call(
            "retrieve payment intent", lambda c: c.v1.payment_intents.retrieve_async(payment_intent_id)
        )
        return payment_intent_snapshot(intent.to_dict())

    async def create_refund(
        self, *, payment_intent: str, idempotency_key: str, metadata: dict[str, str]
    ) -> RefundSnapshot:
        """Refund a payment in full; the key makes a repeated click one refund."""
        params: dict[str, Any] = {"payment_intent": payment_intent, "metadata": metadata}
        options: Any = {"idempotency_key": idempotency_key}
        refund = await self._call(
            "create refund",
            lambda c: c.v1.refunds.create_async(params, options),  # type: ignore[arg-type]
        )
        return refund_snapshot(refund.to_dict())

    async def create_portal_session(self, *, customer: str, return_url: str) -> str:
        params: dict[str, Any] = {"customer": customer, "return_url": return_url}
        session = await self._call(
            "create portal",
            lambda c: c.v1.billing_portal.sessions.create_async(params),  # type: ignore[arg-type]
        )
        return str(session.url)

    # -- subscriptions and invoices -----------------------------------------------------------
    async def retrieve_subscription(self, subscription_id: str) -> SubscriptionSnapshot:
        sub = await self._call(
            "retrieve subscription", lambda c: c.v1.subscriptions.retrieve_async(subscription_id)
        )
        return subscription_snapshot(sub.to_dict())

    async def retrieve_invoice(self, invoice_id: str) -> InvoiceSnapshot:
        invoice = await self._call("retrieve invoice", lambda c: c.v1.invoices.retrieve_async(invoice_id))
        return invoice_snapshot(invoice.to_dict())

    # -- webhooks ------------------------------------------------------------------------------
    def verify_event(self, payload: bytes, signature: str | None) -> WebhookEvent:
        """Check the ``Stripe-Signature`` header with the SDK; the event's facts, or 400."""
        secret = self.settings.webhook_secret
        if not secret:
            raise PaymentsNotConfigured()
        try:
            stripe.WebhookSignature.verify_header(payload, signature, secret, SIGNATURE_TOLERANCE_S)
            data = json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError):
            raise InvalidWebhookSignature() from None
        if not isinstance(data, dict) or not data.get("id") or not data.get("type"):
            raise InvalidWebhookSignature()
        obj = (data.get("data") or {}).get("object") or {}
        return WebhookEvent(
            id=str(data["id"]),
            type=str(data["type"]),
            created=int(data.get("created") or 0),
            object_id=_id(obj),
            object_type=obj.get("object") if isinstance(obj, dict) else None,
        )


_gateways: dict[StripeSettings, StripeGateway] = {}


def gateway_for(settings: StripeSettings) -> StripeGateway:
    """One gateway (and its HTTP connections) per distinct set of Stripe settings."""
    found = _gateways.get(settings)
    if found is None:
        found = _gateways[settings] = StripeGateway(settings)
    return found

"""Who applies which Stripe object: domains register here, the webhook endpoint dispatches.

The webhook endpoint (``roadshows.webhooks``) verifies and claims every event, re-reads the
Checkout Session or PaymentIntent it names, then hands the fresh object to the handler
registered for it: Checkout Sessions by their ``mode`` (``payment`` for ticket payments), and
PaymentIntents by the ``purpose`` their metadata carries (``ticket``). Subscription sessions
keep their own built-in path. So the events domain takes part in webhooks without importing
roadshows, and roadshows without importing events.

Handlers return a short outcome for the log and the event's record, and must be idempotent: a
delivery whose claim went stale may be applied twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.payments.gateway import CheckoutSnapshot, PaymentIntentSnapshot, StripeGateway, WebhookEvent

CheckoutHandler = Callable[[StripeGateway, CheckoutSnapshot, WebhookEvent], Awaitable[str]]
PaymentIntentHandler = Callable[[StripeGateway, PaymentIntentSnapshot, WebhookEvent], Awaitable[str]]

PURPOSE_KEY = "purpose"  # metadata key naming which domain a payment belongs to

_checkout: dict[str, CheckoutHandler] = {}
_intents: dict[str, PaymentIntentHandler] = {}


def register_checkout_handler(mode: str, handler: CheckoutHandler) -> None:
    """Apply Checkout Sessions of ``mode`` with ``handler`` (registering again replaces it)."""
    _checkout[mode] = handler


def register_payment_intent_handler(purpose: str, handler: PaymentIntentHandler) -> None:
    """Apply PaymentIntents whose metadata says ``purpose`` with ``handler``."""
    _intents[purpose] = handler


def checkout_handler(mode: str | None) -> CheckoutHandler | None:
    return _checkout.get(mode or "")


def payment_intent_handler(intent: PaymentIntentSnapshot) -> PaymentIntentHandler | None:
    return _intents.get(intent.metadata.get(PURPOSE_KEY, ""))

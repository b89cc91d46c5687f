"""A Stripe-compatible test server on loopback (``StripeTestServer``) and its in-memory store."""

from tests.stripe_server.server import SECRET_KEY, StripeTestServer, parse_form
from tests.stripe_server.store import ANNUAL_PRICE, MONTHLY_PRICE, StripeStore

__all__ = ["ANNUAL_PRICE", "MONTHLY_PRICE", "SECRET_KEY", "StripeStore", "StripeTestServer", "parse_form"]

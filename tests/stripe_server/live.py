"""A live app server wired to a Stripe test server, for browser tests of Checkout flows."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from tests.live import LiveServer
from tests.stripe_server.server import StripeTestServer
from tests.stripe_server.store import ANNUAL_PRICE, MONTHLY_PRICE


class SelfAddressedServer(LiveServer):
    """A live server whose public base URL is its own address (Checkout returns there)."""

    def _spawn(self) -> None:
        self.env["LUYAN_PUBLIC_BASE_URL"] = f"http://127.0.0.1:{self.port}"
        super()._spawn()


def stripe_env(stripe_server: StripeTestServer) -> dict[str, str]:
    """The app's settings for talking to ``stripe_server``."""
    return {
        "LUYAN_STRIPE_SECRET_KEY": stripe_server.secret_key,
        "LUYAN_STRIPE_PUBLISHABLE_KEY": "pk_test_luyan",
        "LUYAN_STRIPE_WEBHOOK_SECRET": stripe_server.webhook_secret,
        "LUYAN_STRIPE_API_BASE": stripe_server.base_url,
        "LUYAN_STRIPE_PRICE_MONTHLY": MONTHLY_PRICE,
        "LUYAN_STRIPE_PRICE_ANNUAL": ANNUAL_PRICE,
    }


@contextlib.contextmanager
def app_with_stripe(test_env: dict[str, str], log_dir: Path) -> Iterator[tuple[LiveServer, StripeTestServer]]:
    """The app in its own process, its Stripe settings pointing at a fresh test server whose
    webhooks it receives; yields ``(app server, Stripe test server)``."""
    with StripeTestServer() as stripe_server:
        env = {**test_env, **stripe_env(stripe_server)}
        with SelfAddressedServer(env, log_path=log_dir / "server.log") as server:
            stripe_server.webhook_url = server.base_url + "/api/v1/stripe/webhook"
            yield server, stripe_server

"""A Stripe-compatible HTTP server on loopback, so the real ``stripe`` SDK can be exercised in tests.

It answers the endpoints the platform uses (customers, prices, Checkout Sessions, subscriptions,
invoices, billing portal sessions) with Stripe's JSON shapes and error format, checks the
secret key, and serves two small pages a browser can use: ``/pay/<session>`` (the customer pays:
the session completes, the webhooks are delivered, the browser goes to ``success_url``) and
``/portal/<session>`` (a stand-in for the customer portal: cancel, or go back).

Usage::

    with StripeTestServer(webhook_secret="whsec_test") as server:
        settings = StripeSettings(secret_key=server.secret_key, api_base=server.base_url, ...)
        server.webhook_url = "http://127.0.0.1:8000/api/v1/stripe/webhook"
"""

from __future__ import annotations

import html
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.stripe_server import payments
from tests.stripe_server.store import StripeBadRequest, StripeObjectMissing, StripeStore

SECRET_KEY = "sk_test_luyan_loopback"
_KEY_PART = re.compile(r"\[([^\]]*)\]")


def parse_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding (``line_items[0][price]=...``) back into nested dicts."""
    result: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head, _sep, rest = key.partition("[")
        parts = [head, *_KEY_PART.findall("[" + rest)] if rest else [head]
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


class _Handler(BaseHTTPRequestHandler):
    server: _Server  # type: ignore[assignment]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    # -- responses -----------------------------------------------------------------------------
    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _error(
        self, status: int, message: str, code: str | None = None, kind: str = "invalid_request_error"
    ) -> None:
        error: dict[str, Any] = {"type": kind, "message": message}
        if code:
            error["code"] = code
        self._json(status, {"error": error})

    def _html(self, status: int, body: str) -> None:
        page = f"<!doctype html><html><head><meta charset='utf-8'><title>Test payments</title></head><body>{body}</body></html>"
        self._send(status, page.encode(), "text/html; charset=utf-8")

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    # -- routing -------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path
        body = self._body()
        store = self.server.store
        if path.startswith(("/pay/", "/portal/")):
            self._page(method, path, body)
            return
        store.requests.append((method, path))
        if self.headers.get("Authorization") != f"Bearer {self.server.secret_key}":
            self._error(401, "Invalid API Key provided.", kind="invalid_request_error")
            return
        key = self.headers.get("Idempotency-Key") if method == "POST" else None
        if key and key in self.server.idempotent:
            self._json(200, self.server.idempotent[key])  # Stripe replays the first answer
            return
        try:
            answer = self._api(method, path, parse_form(body))
            if key:
                self.server.idempotent[key] = answer
            self._json(200, answer)
        except StripeObjectMissing as exc:
            self._error(404, str(exc.args[0]), "resource_missing")
        except StripeBadRequest as exc:
            self._error(400, str(exc))
        except LookupError:
            self._error(404, f"Unrecognized request URL ({method}: {path}).")

    def _api(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        store = self.server.store
        parts = path.strip("/").split("/")
        match method, parts:
            case "POST", ["v1", "customers"]:
                return store.create_customer(params)
            case "GET", ["v1", "customers", cid]:
                return store.public("customer", cid)
            case "GET", ["v1", "prices", pid]:
                return store.public("price", pid)
            case "POST", ["v1", "checkout", "sessions"]:
                return store.create_checkout_session(params)
            case "GET", ["v1", "checkout", "sessions", sid]:
                return store.public("checkout.session", sid)
            case "POST", ["v1", "checkout", "sessions", sid, "expire"]:
                return payments.expire_session(store, sid)
            case "GET", ["v1", "payment_intents", pid]:
                return store.public("payment_intent", pid)
            case "POST", ["v1", "refunds"]:
                return payments.create_refund(store, params)
            case "GET", ["v1", "refunds", rid]:
                return store.public("refund", rid)
            case "GET", ["v1", "subscriptions", sid]:
                return store.public("subscription", sid)
            case "POST", ["v1", "subscriptions", sid]:
                return store.update_subscription(sid, params)
            case "DELETE", ["v1", "subscriptions", sid]:
                return store.cancel_subscription(sid)
            case "GET", ["v1", "invoices", iid]:
                return store.public("invoice", iid)
            case "POST", ["v1", "billing_portal", "sessions"]:
                return store.create_portal_session(params)
        raise LookupError(path)

    def _page(self, method: str, path: str, body: str) -> None:
        store = self.server.store
        kind, _sep, object_id = path.strip("/").partition("/")
        try:
            if kind == "portal":
                self._portal_page(method, object_id)
                return
            session = store.get("checkout.session", object_id)
        except StripeObjectMissing:
            self._html(404, "<h1>No such page</h1>")
            return
        if method == "GET":
            cancel = html.escape(session["cancel_url"])
            what = "your subscription" if session["mode"] == "subscription" else session["_product_name"]
            amount = (
                f" ({session['amount_total'] / 100:.2f} {session['currency'].upper()})"
                if session["mode"] == "payment"
                else ""
            )
            self._html(
                200,
                f"<h1>Pay for {html.escape(what)}{amount}</h1><form method='post'>"
                f"<button type='submit' data-testid='pay'>Pay</button></form>"
                f"<a data-testid='cancel' href='{cancel}'>Cancel</a>",
            )
            return
        try:
            store.complete_checkout(object_id)
        except StripeBadRequest as exc:
            self._html(409, f"<h1>{html.escape(str(exc))}</h1>")
            return
        self.server.deliver_events()
        target = session["success_url"].replace("{CHECKOUT_SESSION_ID}", object_id)
        self._send(303, b"", "text/plain", {"Location": target})

    def _portal_page(self, method: str, portal_id: str) -> None:
        """The customer portal's stand-in: a way back, and cancelling the customer's subscriptions."""
        store = self.server.store
        portal = store.get("billing_portal.session", portal_id)
        back = portal["return_url"] or "/"
        if method == "GET":
            link = html.escape(back)
            self._html(
                200,
                "<h1>Billing portal</h1><form method='post'>"
                "<button type='submit' data-testid='portal-cancel'>Cancel subscription</button></form>"
                f"<a data-testid='portal-return' href='{link}'>Return</a>",
            )
            return
        for sub in store.subscriptions_of(portal["customer"]):
            store.cancel_subscription(sub)
        self.server.deliver_events()
        self._send(303, b"", "text/plain", {"Location": back})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: StripeTestServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.owner = owner
        self.store = owner.store
        self.secret_key = owner.secret_key
        self.idempotent: dict[str, dict[str, Any]] = {}  # Idempotency-Key -> first answer

    def deliver_events(self) -> None:
        self.owner.deliver_events()


class StripeTestServer:
    """The server in a background thread on a free port of 127.0.0.1."""

    def __init__(self, webhook_secret: str = "whsec_test_luyan", secret_key: str = SECRET_KEY) -> None:
        self.secret_key = secret_key
        self.webhook_secret = webhook_secret
        self.webhook_url: str | None = None  # where ``deliver_events`` posts (the pay page uses it)
        self.store = StripeStore()
        self.deliveries: list[tuple[str, int]] = []  # (event type, HTTP status) of each delivery
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StripeTestServer:
        self._server = _Server(self)
        self.store.base_url = self.base_url
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="stripe-test-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> StripeTestServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def signed(self, event: dict[str, Any], timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
        body, header = self.store.sign(event, self.webhook_secret, timestamp)
        return body, {"Stripe-Signature": header, "Content-Type": "application/json"}

    def deliver_events(self) -> list[int]:
        """POST every pending event, signed, to ``webhook_url`` (as Stripe does, one by one)."""
        if not self.webhook_url:
            return []
        statuses = []
        for event in self.store.take_events():
            body, headers = self.signed(event)
            response = httpx.post(self.webhook_url, content=body, headers=headers, timeout=30)
            self.deliveries.append((event["type"], response.status_code))
            statuses.append(response.status_code)
        return statuses

"""Request-wide middleware: locale negotiation, CSRF that knows about bearer tokens, headers."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware.csrf import CSRFMiddleware
from litestar.middleware.session.base import SessionMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import LOCALE_COOKIE, current_locale, negotiate


def scope_header(scope: Scope, name: bytes) -> str | None:
    """The first value of header ``name`` (lower-case bytes, as ASGI servers pass names)."""
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _cookie(scope: Scope, name: str) -> str | None:
    raw = scope_header(scope, b"cookie")
    if not raw:
        return None
    for part in raw.split(";"):
        key, _sep, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class LocaleMiddleware:
    """Sets ``app.i18n.current_locale`` for the request: ``lang`` cookie, then Accept-Language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in (ScopeType.HTTP, ScopeType.WEBSOCKET):
            await self.app(scope, receive, send)
            return
        locale = negotiate(_cookie(scope, LOCALE_COOKIE), scope_header(scope, b"accept-language"))
        token = current_locale.set(locale)
        try:
            await self.app(scope, receive, send)
        finally:
            current_locale.reset(token)


class TokenAwareCSRFMiddleware(CSRFMiddleware):
    """Litestar's double-submit CSRF check, skipped only where no cookie can be abused.

    * A request with an ``Authorization`` header authenticates by that header alone (browsers
      never attach it on their own), so cookies play no part.
    * An API request (or a JSON one) without a session cookie carries no ambient credentials
      to abuse; the API reads only JSON bodies, which a cross-site page cannot send without a
      CORS preflight, so not even a sign-in can be forged.
    """

    def __init__(self, app: ASGIApp, config, session_cookie: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app, config)
        self.session_cookie = session_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            if scope_header(scope, b"authorization"):
                await self.app(scope, receive, send)
                return
            content_type = (scope_header(scope, b"content-type") or "").split(";")[0].strip()
            has_session = (
                _cookie(scope, self.session_cookie) is not None
                or _cookie(scope, self.session_cookie + "-0") is not None
            )
            is_api = scope["path"].startswith("/api/")
            if not has_session and (is_api or content_type == "application/json"):
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


class SecurityHeadersMiddleware:
    """Conservative browser hardening on every HTTP response."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for key, value in self.HEADERS:
                    if key.decode() not in headers:
                        headers.add(key.decode(), value.decode())
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BearerAwareSessionMiddleware(SessionMiddleware):
    """Litestar's session middleware, skipped for requests with an ``Authorization`` header.

    Programs (API clients, scanner phones) authenticate with bearer tokens and never use the
    session; decrypting and re-encrypting a cookie for them is wasted work on hot routes."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP and any(name == b"authorization" for name, _ in scope["headers"]):
            scope["session"] = {}
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

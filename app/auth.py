"""Who is calling: cookie sessions for the web, bearer API tokens for programs.

``AuthMiddleware`` puts a ``CurrentUser`` (or ``None`` for anonymous visitors) on every
connection; guards below decide per route. Object-level rules (is this *your* event?) live in
the services, which answer 404 exactly as for a missing object.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware.authentication import AbstractAuthenticationMiddleware, AuthenticationResult

from app.db import fast
from app.middleware import scope_header

SESSION_USER_KEY = "uid"
SESSION_EPOCH_KEY = "ep"
TOKEN_PREFIX = "luyan_"

_USER_COLUMNS = "u.id, u.email, u.display_name, u.locale, u.is_admin, u.is_entrepreneur, u.auth_epoch"


@dataclass(slots=True, frozen=True)
class Memberships:
    organisations: dict[int, str]  # organisation id -> role
    institutions: dict[int, str]  # institution id -> role
    staff_events: frozenset[int]  # events this person may check people in at
    judge_rounds: frozenset[int] = frozenset()  # contest rounds whose panel this person sits on


@dataclass(slots=True)
class CurrentUser:
    id: int
    email: str
    display_name: str
    locale: str
    is_admin: bool
    is_entrepreneur: bool
    via: str  # "session" | "token"
    _memberships: Memberships | None = field(default=None, repr=False)

    async def memberships(self) -> Memberships:
        """Loaded on first use: most requests never need them."""
        if self._memberships is None:
            rows = await fast().fetch(
                "SELECT 'org' AS kind, organisation AS ref, role FROM luyan_organisation_member "
                'WHERE "user" = $1 '
                "UNION ALL SELECT 'inst', institution, role FROM luyan_institution_member "
                'WHERE "user" = $1 '
                "UNION ALL SELECT 'staff', event, role FROM luyan_event_staff WHERE \"user\" = $1 "
                "UNION ALL SELECT 'judge', round, 'judge' FROM luyan_judge_assignment WHERE judge = $1",
                self.id,
            )
            self._memberships = Memberships(
                organisations={r["ref"]: r["role"] for r in rows if r["kind"] == "org"},
                institutions={r["ref"]: r["role"] for r in rows if r["kind"] == "inst"},
                staff_events=frozenset(r["ref"] for r in rows if r["kind"] == "staff"),
                judge_rounds=frozenset(r["ref"] for r in rows if r["kind"] == "judge"),
            )
        return self._memberships

    async def is_organiser(self) -> bool:
        return self.is_admin or bool((await self.memberships()).organisations)

    async def is_investor(self) -> bool:
        return bool((await self.memberships()).institutions)

    async def roles(self) -> list[str]:
        """Role names for display and for the API's ``/me``."""
        m = await self.memberships()
        roles = ["attendee"]
        if self.is_admin:
            roles.append("admin")
        if m.organisations:
            roles.append("organiser")
        if self.is_entrepreneur:
            roles.append("entrepreneur")
        if m.institutions:
            roles.append("investor")
        if m.staff_events:
            roles.append("checkin_staff")
        if m.judge_rounds:
            roles.append("judge")
        return roles


def _user_from_row(row: dict[str, Any], via: str) -> CurrentUser:
    return CurrentUser(
        id=row["id"],
        email=row["email"],
        display_name=row["display_name"],
        locale=row["locale"],
        is_admin=bool(row["is_admin"]),
        is_entrepreneur=bool(row["is_entrepreneur"]),
        via=via,
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class _TokenUsage:
    """Remembers which tokens were used and writes ``last_used_at`` in one batch a minute,
    so authenticating stays a single read instead of a read plus a write per request."""

    FLUSH_EVERY_S = 60.0

    def __init__(self) -> None:
        self.pending: set[int] = set()
        self.last_flush = time.monotonic()
        self.flushing = False

    def touch(self, token_id: int) -> None:
        self.pending.add(token_id)
        if not self.flushing and time.monotonic() - self.last_flush >= self.FLUSH_EVERY_S:
            self.flushing = True
            task = asyncio.get_running_loop().create_task(self.flush())
            _background.add(task)
            task.add_done_callback(_background.discard)

    async def flush(self) -> None:
        ids, self.pending = list(self.pending), set()
        try:
            if ids:
                from app.accounts.tables import ApiToken

                await ApiToken.update({ApiToken.last_used_at: dt.datetime.now(dt.UTC)}).where(
                    ApiToken.id.is_in(ids)
                )
        finally:
            self.last_flush = time.monotonic()
            self.flushing = False


_background: set[asyncio.Task] = set()
token_usage = _TokenUsage()


async def user_for_token(token: str) -> CurrentUser | None:
    row = await fast().fetchrow(
        f"SELECT {_USER_COLUMNS}, t.id AS token_id FROM luyan_api_token t "
        'JOIN luyan_user u ON u.id = t."user" '
        "WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.is_active",
        hash_token(token),
    )
    if row is None:
        return None
    token_usage.touch(row["token_id"])
    return _user_from_row(row, "token")


async def user_for_session(user_id: int, epoch: int) -> CurrentUser | None:
    row = await fast().fetchrow(
        f"SELECT {_USER_COLUMNS} FROM luyan_user u WHERE u.id = $1 AND u.is_active", user_id
    )
    if row is None or row["auth_epoch"] != epoch:
        return None
    return _user_from_row(row, "session")


# Bearer tokens of principals other than users (scanner devices), by token prefix. Such a
# request has no user; its principal is ``connection.scope["auth"]``. Registered by ``app.asgi``.
_bearer_kinds: dict[str, Callable[[str], Awaitable[Any | None]]] = {}


def register_bearer_kind(prefix: str, resolve: Callable[[str], Awaitable[Any | None]]) -> None:
    _bearer_kinds[prefix] = resolve


class AuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        # Straight from the scope: building Litestar's Headers object for one header costs more
        # than the rest of a cached bearer look-up.
        header = scope_header(connection.scope, b"authorization")
        if header:
            scheme, _sep, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise NotAuthorizedException("Use 'Authorization: Bearer <token>'.")
            token = token.strip()
            for prefix, resolve in _bearer_kinds.items():
                if token.startswith(prefix):
                    principal = await resolve(token)
                    if principal is None:
                        raise NotAuthorizedException("Invalid or revoked token.")
                    return AuthenticationResult(user=None, auth=principal)
            user = await user_for_token(token)
            if user is None:
                raise NotAuthorizedException("Invalid or revoked API token.")
            return AuthenticationResult(user=user, auth="token")
        session = connection.scope.get("session") or {}
        user_id = session.get(SESSION_USER_KEY) if isinstance(session, dict) else None
        if isinstance(user_id, int):
            user = await user_for_session(user_id, int(session.get(SESSION_EPOCH_KEY, -1)))
            if user is not None:
                return AuthenticationResult(user=user, auth="session")
            session.clear()  # a stale session (password changed, account disabled)
        return AuthenticationResult(user=None, auth=None)


# -- guards ----------------------------------------------------------------------------------
def current_user(connection: ASGIConnection) -> CurrentUser:
    user = connection.scope.get("user")
    if user is None:
        raise NotAuthorizedException()
    return user


async def requires_login(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    current_user(connection)


async def requires_admin(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if not current_user(connection).is_admin:
        raise PermissionDeniedException()


async def requires_organiser(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if not await current_user(connection).is_organiser():
        raise PermissionDeniedException()


async def requires_entrepreneur(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    user = current_user(connection)
    if not (user.is_entrepreneur or user.is_admin):
        raise PermissionDeniedException()


async def requires_investor(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    user = current_user(connection)
    if not (user.is_admin or await user.is_investor()):
        raise PermissionDeniedException()


async def public(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Marks a route as deliberately open to anonymous visitors (every route names a guard)."""

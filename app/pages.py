"""Site-wide pages: the front door, the language switch and a health check."""

from __future__ import annotations

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from app.auth import public
from app.errors import NotFound
from app.i18n import LOCALE_COOKIE, LOCALES


def safe_next(value: str | None, default: str = "/events") -> str:
    """Only local paths: ``next=//evil.example`` must not become an open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


@get("/", guards=[public], include_in_schema=False)
async def home() -> Redirect:
    return Redirect("/events")


@get("/lang/{code:str}", guards=[public], include_in_schema=False)
async def switch_language(
    request: Request, code: FromPath[str], next: FromQuery[str | None] = None
) -> Redirect:
    if code not in LOCALES:
        raise NotFound()
    response = Redirect(safe_next(next))
    response.set_cookie(LOCALE_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", httponly=False)
    user = request.scope.get("user")
    if user is not None and user.locale != code:
        from app.accounts.services import set_locale

        await set_locale(user.id, code)  # mail follows the language people chose
    return response


@get("/healthz", guards=[public], tags=["accounts"], summary="Liveness and database check")
async def healthz() -> dict[str, str]:
    from app.db import fast

    await fast().fetchrow("SELECT 1 AS ok")
    return {"status": "ok"}


@get("/api/v1/ping", guards=[public], tags=["accounts"], summary="Hello-JSON: no database, no work")
async def ping() -> dict[str, bool]:
    """The benchmarks' baseline: what the stack costs before any application work."""
    return {"pong": True}


ROUTES = [home, switch_language, healthz, ping]

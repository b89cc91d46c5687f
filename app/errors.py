"""Domain errors and the one error shape every response uses (RFC 9457 problem details).

Services raise ``DomainError`` subclasses carrying a stable ``code``; handlers here turn those,
Litestar's HTTP exceptions and validation failures into::

    {"type": "urn:luyan:problem:<code>", "title": ..., "status": ..., "detail": ...,
     "code": "<code>", "errors": [{"field": ..., "message": ...}]}

HTML pages get the same information rendered as a page. Nothing leaks a traceback.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app.i18n import N_, _

log = logging.getLogger("luyan.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class DomainError(Exception):
    """A business rule said no. ``message`` is an English msgid, translated when shown."""

    status: int = 400
    code: str = "bad_request"
    message: str = N_("The request cannot be carried out.")

    def __init__(
        self, message: str | None = None, *, extra: dict[str, Any] | None = None, **params: Any
    ) -> None:
        if message is not None:
            self.message = message
        self.params = params
        self.extra = extra or {}
        super().__init__(self.message % params if params else self.message)

    def detail(self) -> str:
        text = _(self.message)
        return text % self.params if self.params else text


class NotFound(DomainError):
    status, code, message = 404, "not_found", N_("Not found.")


class Forbidden(DomainError):
    status, code, message = 403, "forbidden", N_("You are not allowed to do this.")


class Conflict(DomainError):
    status, code, message = 409, "conflict", N_("This conflicts with the current state.")


class InvalidInput(DomainError):
    """422 with field-level messages: ``InvalidInput(errors={"email": "…"})``."""

    status, code, message = 422, "invalid_input", N_("Some fields need attention.")

    def __init__(
        self, errors: dict[str, str] | None = None, message: str | None = None, **params: Any
    ) -> None:
        super().__init__(message, **params)
        self.errors = errors or {}


class RateLimited(DomainError):
    status, code, message = 429, "rate_limited", N_("Too many attempts. Please wait a minute and try again.")
    retry_after_s: int = 60  # sent as Retry-After


_STATUS_CODES = {
    400: ("bad_request", N_("The request is malformed.")),
    401: ("not_authenticated", N_("Please sign in.")),
    403: ("forbidden", N_("You are not allowed to do this.")),
    404: ("not_found", N_("Not found.")),
    405: ("method_not_allowed", N_("This method is not allowed here.")),
    409: ("conflict", N_("This conflicts with the current state.")),
    413: ("too_large", N_("The upload is too large.")),
    415: ("unsupported_media_type", N_("This content type is not supported.")),
    422: ("invalid_input", N_("Some fields need attention.")),
    429: ("rate_limited", N_("Too many attempts. Please wait a minute and try again.")),
    500: ("internal_error", N_("Something went wrong on our side. It has been logged.")),
}


def wants_html(request: Request) -> bool:
    if request.url.path.startswith(("/api/", "/schema")):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept


def _use_request_locale(request: Request) -> None:
    """Unmatched routes (404/405) never pass through the locale middleware: negotiate here."""
    from app.i18n import LOCALE_COOKIE, current_locale, negotiate

    current_locale.set(negotiate(request.cookies.get(LOCALE_COOKIE), request.headers.get("accept-language")))


def problem(
    request: Request,
    status: int,
    code: str,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    _use_request_locale(request)
    title = _(_STATUS_CODES.get(status, ("error", "Error"))[1])
    body: dict[str, Any] = {
        "type": f"urn:luyan:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    if extra:
        # Extra members never overwrite the standard ones.
        body.update({key: value for key, value in extra.items() if key not in body})
    if wants_html(request):
        return _html_problem(request, body, headers)
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _html_problem(request: Request, body: dict[str, Any], headers: dict[str, str] | None) -> Response:
    engine = request.app.template_engine
    if engine is None:  # pragma: no cover - the app always configures templates
        return Response(body, status_code=body["status"], media_type=PROBLEM_MEDIA_TYPE)
    from app.templating import page_context

    html = engine.get_template("error.html").render(**page_context(request), problem=body)
    return Response(html, status_code=body["status"], media_type=MediaType.HTML, headers=headers)


def _field_errors(exc: ValidationException) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    extra = exc.extra if isinstance(exc.extra, list) else [exc.extra] if exc.extra else []
    for item in extra:
        if isinstance(item, dict):
            from app.forms import humanize

            field, message = humanize(str(item.get("message", "")), item.get("key"))
            errors.append({"field": field or str(item.get("source") or "body"), "message": message})
    return errors


def domain_error_handler(request: Request, exc: DomainError) -> Response:
    errors = None
    if isinstance(exc, InvalidInput):
        errors = [{"field": field, "message": _(message)} for field, message in exc.errors.items()]
    headers = {"Retry-After": str(getattr(exc, "retry_after_s", 60))} if exc.status == 429 else None
    return problem(request, exc.status, exc.code, exc.detail(), errors, exc.extra, headers)


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    _use_request_locale(request)
    status = exc.status_code
    if isinstance(exc, ValidationException):
        # msgspec/Litestar validation: always 422 with field-level messages.
        return problem(request, 422, "invalid_input", _("Some fields need attention."), _field_errors(exc))
    if status == 401 and wants_html(request):
        # A page that needs an account sends people to sign in and brings them back after.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(f"/login?next={quote(target, safe='')}")
    code, default_detail = _STATUS_CODES.get(status, ("error", N_("The request cannot be carried out.")))
    detail = _(default_detail)
    if status == 403 and "CSRF" in str(exc.detail):
        code, detail = "csrf_failed", _("The form expired. Reload the page and try again.")
    headers = dict(exc.headers or {})
    return problem(request, status, code, detail, headers=headers or None)


def internal_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    code, detail = _STATUS_CODES[500]
    return problem(request, HTTP_500_INTERNAL_SERVER_ERROR, code, _(detail))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    DomainError: domain_error_handler,
    HTTPException: http_exception_handler,
    Exception: internal_error_handler,
}

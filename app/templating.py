"""Jinja set-up shared by every domain's pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from app.i18n import LOCALES, _, current_locale, localized, ngettext

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "frontend" / "templates"


def format_datetime(
    value: dt.datetime | None, timezone: str = "Asia/Shanghai", with_time: bool = True
) -> str:
    """Dates as people in that locale write them, in the event's own time zone."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(timezone))
    if current_locale.get() == "zh":
        text = f"{local.year}年{local.month}月{local.day}日"
        return f"{text} {local:%H:%M}" if with_time else text
    text = f"{local.day} {local:%b %Y}"
    return f"{text}, {local:%H:%M}" if with_time else text


def _build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        enable_async=False,
    )
    env.install_gettext_callables(_, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(
        localized=localized,
        current_locale=current_locale.get,
        locales=LOCALES,
    )
    env.filters["datetime"] = format_datetime
    env.filters["date"] = lambda value, tz="Asia/Shanghai": format_datetime(value, tz, with_time=False)
    return env


def template_config() -> TemplateConfig:
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(_build_environment()))


def page_context(request: Request) -> dict[str, Any]:
    """Context every page gets (used for error pages rendered outside a handler too)."""
    return {
        "request": request,
        "user": request.scope.get("user"),
        "locale": current_locale.get(),
        "nav_roles": [],
    }


async def page(request: Request, template: str, status_code: int = 200, **context: Any) -> Template:
    """Render a page with the signed-in person's roles available to the navigation."""
    user = request.scope.get("user")
    nav_roles = await user.roles() if user is not None else []
    flash = request.session.pop("flash", None) if "session" in request.scope else None
    return Template(
        template_name=template,
        context={
            "user": user,
            "locale": current_locale.get(),
            "nav_roles": nav_roles,
            "flash": flash,
            **context,
        },
        status_code=status_code,
    )


def set_flash(request: Request, text: str, kind: str = "success") -> None:
    """A one-time message shown on the next page (already translated)."""
    session = request.session if "session" in request.scope else None
    if session is not None:
        request.set_session({**session, "flash": {"kind": kind, "text": text}})

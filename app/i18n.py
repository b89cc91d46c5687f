"""English and Simplified Chinese.

Source strings are English msgids (``_("Sign in")``); the Chinese catalogue lives in
``frontend/i18n/zh_Hans/*.po`` (one file per area) and is read with Babel at start-up, so there
is no compile step. The request's locale is kept in a context variable set by
``LocaleMiddleware``: a ``lang`` cookie wins, then ``Accept-Language``, then English.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES: tuple[str, ...] = ("en", "zh")
DEFAULT_LOCALE = "en"
LOCALE_COOKIE = "lang"
CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "frontend" / "i18n"
_CATALOGUE_NAMES = {"zh": "zh_Hans"}

current_locale: contextvars.ContextVar[str] = contextvars.ContextVar("luyan_locale", default=DEFAULT_LOCALE)


def read_catalogues(directory: Path) -> dict[str, str | tuple[str, ...]]:
    """Every ``*.po`` file in ``directory`` merged (one file per area keeps edits apart):
    msgid -> translation, or a tuple of plural forms; fuzzy and empty entries left out."""
    messages: dict[str, str | tuple[str, ...]] = {}
    for path in sorted(directory.glob("*.po")):
        with path.open("rb") as handle:
            catalogue = read_po(handle, locale="zh_Hans_CN")
        for message in catalogue:
            if not message.id or message.fuzzy:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if isinstance(message.string, tuple):
                if any(message.string):
                    messages[key] = tuple(message.string)
            elif message.string:
                messages[key] = message.string
    return messages


@cache
def _catalogue(locale: str) -> dict[str, str | tuple[str, ...]]:
    name = _CATALOGUE_NAMES.get(locale)
    return read_catalogues(CATALOGUE_DIR / name) if name else {}


def gettext(message: str) -> str:
    translated = _catalogue(current_locale.get()).get(message)
    return translated if isinstance(translated, str) else message


def ngettext(singular: str, plural: str, n: int) -> str:
    translated = _catalogue(current_locale.get()).get(singular)
    if isinstance(translated, tuple):
        return translated[0]  # Chinese has one plural form
    return singular if n == 1 else plural


_ = gettext


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translated where shown)."""
    return message


def localized(en: str, zh: str) -> str:
    """Pick the field of a bilingual pair for the current locale, falling back to English."""
    if current_locale.get() == "zh" and zh:
        return zh
    return en or zh


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LOCALES:
        return cookie
    if accept_language:
        ranked: list[tuple[float, str]] = []
        for part in accept_language.split(","):
            piece, _sep, params = part.strip().partition(";")
            quality = 1.0
            if params.strip().startswith("q="):
                try:
                    quality = float(params.strip()[2:])
                except ValueError:
                    quality = 0.0
            ranked.append((quality, piece.strip().lower()))
        for _quality, tag in sorted(ranked, key=lambda item: -item[0]):
            primary = tag.split("-")[0]
            if primary in LOCALES:
                return primary
    return DEFAULT_LOCALE


@contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Render mail or exports in a recipient's language outside a request."""
    token = current_locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)
    try:
        yield
    finally:
        current_locale.reset(token)

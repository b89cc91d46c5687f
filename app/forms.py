"""HTML forms validated by the same msgspec schemas as the API, with bilingual messages."""

from __future__ import annotations

import re
import typing
from typing import Any, TypeVar

import msgspec
from litestar import Request

from app.i18n import _

S = TypeVar("S", bound=msgspec.Struct)

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?:\.(?P<field>[A-Za-z0-9_]+))?[^`]*`)?$", re.S)
_PATTERNS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"length >= (\d+)"), lambda m: _("Use at least %(n)s characters.") % {"n": m.group(1)}),
    (re.compile(r"length <= (\d+)"), lambda m: _("Use at most %(n)s characters.") % {"n": m.group(1)}),
    (re.compile(r"matching regex"), lambda m: _("This value has the wrong format.")),
    (re.compile(r"Object missing required field `(\w+)`"), lambda m: _("This field is required.")),
    (re.compile(r"Expected `int"), lambda m: _("Enter a whole number.")),
    (re.compile(r"Expected `(float|decimal)"), lambda m: _("Enter a number.")),
    (re.compile(r">= (-?\d+)"), lambda m: _("Enter %(n)s or more.") % {"n": m.group(1)}),
    (re.compile(r"<= (-?\d+)"), lambda m: _("Enter %(n)s or less.") % {"n": m.group(1)}),
    (re.compile(r"Invalid enum value"), lambda m: _("Choose one of the offered values.")),
    (re.compile(r"Expected `datetime`|Invalid RFC3339"), lambda m: _("Enter a date and time.")),
    (re.compile(r"unknown field `(\w+)`"), lambda m: _("This field is not accepted here.")),
    (re.compile(r"Expected `bool`"), lambda m: _("Choose yes or no.")),
]


def humanize(message: str, field: str | None = None) -> tuple[str, str]:
    """Turn a msgspec message into ``(field, text in the current language)``."""
    match = _AT.match(message)
    raw = match.group("message") if match else message
    field = field or (match.group("field") if match else None) or ""
    missing = re.search(r"Object missing required field `(\w+)`", raw)
    if missing:
        field = missing.group(1)
    unknown = re.search(r"unknown field `(\w+)`", raw)
    if unknown:
        field = unknown.group(1)
    for pattern, render in _PATTERNS:
        found = pattern.search(raw)
        if found:
            return field, render(found)
    return field, _("This value is not valid.")


def _list_fields(schema: type[msgspec.Struct]) -> set[str]:
    hints = typing.get_type_hints(schema, include_extras=True)
    names = set()
    for name, hint in hints.items():
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            origin = typing.get_origin(typing.get_args(hint)[0])
        if origin in (list, set, tuple):
            names.add(name)
    return names


async def read_form(request: Request) -> dict[str, Any]:
    """The submitted form as a dict; repeated keys become lists. Drops the CSRF field."""
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form:
        if key == "_csrf_token":
            continue
        values = form.getall(key)
        data[key] = values if len(values) > 1 else values[0]
    return data


def convert_form(data: dict[str, Any], schema: type[S]) -> tuple[S | None, dict[str, str]]:
    """Validate ``data`` against ``schema``; returns ``(value, {})`` or ``(None, errors)``."""
    fields = set(schema.__struct_fields__)
    lists = _list_fields(schema)
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key not in fields:
            continue
        if key in lists and not isinstance(value, list):
            value = [value] if value != "" else []
        if value == "":
            continue  # let the schema's default apply, or report "required"
        cleaned[key] = value
    try:
        return msgspec.convert(cleaned, schema, strict=False), {}
    except msgspec.ValidationError as exc:
        field, text = humanize(str(exc))
        return None, {field or "form": text}

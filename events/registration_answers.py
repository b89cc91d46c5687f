"""Check answers to an event's custom questions (text, single or multiple choice)."""

from __future__ import annotations

from typing import Any

import msgspec

from app.errors import InvalidInput
from app.i18n import N_

TEXT_MAX = 2000
FORM_PREFIX = "q_"


def options_of(question: dict[str, Any]) -> list[dict[str, str]]:
    """The options of a question row (JSON text from raw SQL, a list from Piccolo)."""
    raw = question.get("options")
    if not raw:
        return []
    if isinstance(raw, str | bytes):
        raw = msgspec.json.decode(raw)
    return list(raw) if isinstance(raw, list) else []


def validate_answers(questions: list[dict[str, Any]], answers: dict[str, Any]) -> dict[str, Any]:
    """Clean answers keyed by question id (as a string), or ``InvalidInput`` keyed ``answers.<id>``."""
    errors: dict[str, str] = {}
    by_id = {str(q["id"]): q for q in questions}
    for key in answers:
        if key not in by_id:
            errors[f"answers.{key}"] = N_("There is no such question on this event.")
    clean: dict[str, Any] = {}
    for key, question in by_id.items():
        value = answers.get(key)
        field = f"answers.{key}"
        kind = question["kind"]
        try:
            result = _check(kind, question, value)
        except _Problem as problem:
            errors[field] = problem.message
            continue
        if result in (None, "", []):
            if question["required"]:
                errors[field] = N_("This question needs an answer.")
            continue
        clean[key] = result
    if errors:
        raise InvalidInput(errors)
    return clean


class _Problem(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _check(kind: str, question: dict[str, Any], value: Any) -> Any:
    if value is None:
        return None
    if kind == "text":
        if not isinstance(value, str):
            raise _Problem(N_("Enter text."))
        value = value.strip()
        if len(value) > TEXT_MAX:
            raise _Problem(N_("This answer is too long (at most 2,000 characters)."))
        return value
    allowed = {option["value"] for option in options_of(question)}
    if kind == "single":
        if isinstance(value, list):
            if len(value) > 1:
                raise _Problem(N_("Choose only one option."))
            value = value[0] if value else ""
        if not isinstance(value, str):
            raise _Problem(N_("Choose one of the offered options."))
        if value and value not in allowed:
            raise _Problem(N_("Choose one of the offered options."))
        return value
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _Problem(N_("Choose one of the offered options."))
    values = [v for v in dict.fromkeys(values) if v]
    if any(v not in allowed for v in values):
        raise _Problem(N_("Choose one of the offered options."))
    return values


def answers_from_form(data: dict[str, Any], questions: list[dict[str, Any]]) -> dict[str, Any]:
    """Answers from an HTML form whose question fields are named ``q_<id>``."""
    answers: dict[str, Any] = {}
    for question in questions:
        value = data.get(f"{FORM_PREFIX}{question['id']}")
        if value is None:
            continue
        if question["kind"] == "multiple" and isinstance(value, str):
            value = [value]
        answers[str(question["id"])] = value
    return answers

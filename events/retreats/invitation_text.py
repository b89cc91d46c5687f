"""Small pure helpers of retreat invitations: secrets and links, email and time normalisation,
and the language of a guest's mail."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Any

from app.settings import get_settings

LINK_PATH = "/retreat-invitations/"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def invitation_link(secret: str) -> str:
    return get_settings().public_base_url + LINK_PATH + secret


def normalise_email(email: str) -> str:
    return email.strip().lower()


def aware(value: Any) -> dt.datetime:
    """SQLite may hand back text or naive datetimes; timestamps are stored in UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def guess_locale(name: str, organisation: str, account_locale: str | None = None) -> str:
    """The account's language; otherwise English only for a name and organisation written
    wholly in Latin letters, else Chinese (most guests of these retreats read Chinese)."""
    if account_locale:
        return account_locale
    text = f"{name} {organisation}"
    if _CJK.search(text) or not text.strip() or not text.isascii():
        return "zh"
    return "en"

"""Request and response shapes of the accounts API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Password = Annotated[str, msgspec.Meta(min_length=8, max_length=200)]
DisplayName = Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
Slug = Annotated[str, msgspec.Meta(min_length=2, max_length=80, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Locale = Literal["en", "zh"]


class SignUp(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password
    display_name: DisplayName
    locale: Locale = "en"
    entrepreneur: bool = False


class Login(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class TokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] = "api"


class TokenCreated(msgspec.Struct):
    id: int
    name: str
    token: str  # shown once


class TokenRead(msgspec.Struct):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked: bool


class PasswordResetRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class PasswordResetConfirm(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(min_length=10, max_length=200)]
    password: Password


class MembershipRead(msgspec.Struct):
    id: int
    slug: str
    name_en: str
    name_zh: str
    role: str


class UserRead(msgspec.Struct):
    id: int
    email: str
    display_name: str
    locale: str
    roles: list[str]
    organisations: list[MembershipRead] = []
    institutions: list[MembershipRead] = []


class OrganisationCreate(msgspec.Struct, forbid_unknown_fields=True):
    slug: Slug
    name_en: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    name_zh: Annotated[str, msgspec.Meta(max_length=200)] = ""
    owner_email: Email | None = None


class MemberAdd(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    role: Literal["owner", "organiser", "admin", "member"] = "organiser"


class OrganisationRead(msgspec.Struct):
    id: int
    slug: str
    name_en: str
    name_zh: str

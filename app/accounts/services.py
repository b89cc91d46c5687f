"""Accounts: sign-up, sign-in with throttling, API tokens, password reset, memberships."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from litestar.stores.base import Store

from app.accounts.passwords import DUMMY_HASH, MIN_PASSWORD_LENGTH, hash_password, verify_password
from app.accounts.tables import (
    ApiToken,
    Institution,
    InstitutionMember,
    Organisation,
    OrganisationMember,
    PasswordReset,
    User,
)
from app.auth import hash_token, new_token
from app.errors import Conflict, InvalidInput, NotFound, RateLimited
from app.i18n import N_
from app.mail.outbox import enqueue, render_mail
from app.settings import get_settings

RESET_VALIDITY = dt.timedelta(hours=1)
LOGIN_FAILURE_WINDOW_S = 15 * 60
LOGIN_FAILURES_ALLOWED = 10


class EmailTaken(Conflict):
    code, message = "email_taken", N_("An account with this email already exists.")


class BadCredentials(InvalidInput):
    status, code, message = 400, "bad_credentials", N_("Wrong email or password.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def signup(
    email: str, password: str, display_name: str, locale: str = "en", entrepreneur: bool = False
) -> dict[str, Any]:
    email = normalise_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput({"password": N_("Use at least 8 characters.")})
    if await User.exists().where(User.email == email):
        raise EmailTaken()
    password_hash = await hash_password(password)
    user = User(
        email=email,
        password_hash=password_hash,
        display_name=display_name.strip() or email.split("@")[0],
        locale=locale,
        is_entrepreneur=entrepreneur,
    )
    link = get_settings().public_base_url + "/events"
    welcome = render_mail("welcome", locale, name=user.display_name, link=link)
    try:
        async with User._meta.db.transaction():
            await user.save()
            await enqueue(email, welcome, "account.welcome")
    except Exception as exc:  # a concurrent sign-up with the same email won the race
        if "unique" in str(exc).lower():
            raise EmailTaken() from exc
        raise
    return user.to_dict()


async def _check_throttle(store: Store, email: str) -> str:
    key = f"login-failures:{email}"
    raw = await store.get(key)
    if raw is not None and int(raw) >= LOGIN_FAILURES_ALLOWED:
        raise RateLimited()
    return key


async def authenticate(store: Store, email: str, password: str) -> dict[str, Any]:
    """Return the user row for valid credentials; count failures per email in ``store``."""
    email = normalise_email(email)
    key = await _check_throttle(store, email)
    row = await User.select().where(User.email == email).first()
    ok = await verify_password(row["password_hash"] if row else DUMMY_HASH, password)
    if not ok or row is None or not row["is_active"]:
        raw = await store.get(key)
        await store.set(key, str(int(raw or 0) + 1), expires_in=LOGIN_FAILURE_WINDOW_S)
        raise BadCredentials()
    await store.delete(key)
    return row


async def create_api_token(user_id: int, name: str) -> tuple[str, dict[str, Any]]:
    token = new_token()
    row = ApiToken(user=user_id, name=name, prefix=token[:10], token_hash=hash_token(token))
    await row.save()
    return token, row.to_dict()


async def list_api_tokens(user_id: int) -> list[dict[str, Any]]:
    return await ApiToken.select().where(ApiToken.user == user_id).order_by(ApiToken.id, ascending=False)


async def revoke_api_token(user_id: int, token_id: int) -> None:
    updated = (
        await ApiToken.update({ApiToken.revoked_at: dt.datetime.now(dt.UTC)})
        .where((ApiToken.id == token_id) & (ApiToken.user == user_id) & ApiToken.revoked_at.is_null())
        .returning(ApiToken.id)
    )
    if not updated:
        raise NotFound()


async def request_password_reset(email: str) -> None:
    """Mail a one-hour link if the account exists; say nothing either way (no enumeration)."""
    row = (
        await User.select(User.id, User.display_name, User.locale)
        .where(User.email == normalise_email(email))
        .first()
    )
    if row is None:
        return
    token = secrets.token_urlsafe(32)
    now = dt.datetime.now(dt.UTC)
    await PasswordReset(user=row["id"], token_hash=hash_token(token), expires_at=now + RESET_VALIDITY).save()
    link = f"{get_settings().public_base_url}/password-reset/{token}"
    mail = render_mail("password_reset", row["locale"], name=row["display_name"], link=link)
    await enqueue(normalise_email(email), mail, "account.password_reset")


async def reset_password(token: str, password: str) -> int:
    now = dt.datetime.now(dt.UTC)
    new_hash = await hash_password(password)
    async with PasswordReset._meta.db.transaction():
        reset = (
            await PasswordReset.select()
            .where(
                (PasswordReset.token_hash == hash_token(token))
                & PasswordReset.used_at.is_null()
                & (PasswordReset.expires_at > now)
            )
            .first()
        )
        if reset is None:
            raise InvalidInput(
                {"token": N_("This reset link is invalid or has expired.")},
                message=N_("This reset link is invalid or has expired."),
            )
        await PasswordReset.update({PasswordReset.used_at: now}).where(PasswordReset.id == reset["id"])
        # Bumping the epoch signs the account out of every existing session.
        await User.update({User.password_hash: new_hash, User.auth_epoch: User.auth_epoch + 1}).where(
            User.id == reset["user"]
        )
    return reset["user"]


async def bump_auth_epoch(user_id: int) -> None:
    await User.update({User.auth_epoch: User.auth_epoch + 1}).where(User.id == user_id)


async def set_locale(user_id: int, locale: str) -> None:
    await User.update({User.locale: locale}).where(User.id == user_id)


async def user_by_email(email: str) -> dict[str, Any]:
    row = await User.select().where(User.email == normalise_email(email)).first()
    if row is None:
        raise InvalidInput({"email": N_("No account with this email.")})
    return row


async def create_organisation(
    slug: str, name_en: str, name_zh: str, owner_email: str | None
) -> dict[str, Any]:
    if await Organisation.exists().where(Organisation.slug == slug):
        raise Conflict(N_("This short name is taken."))
    async with Organisation._meta.db.transaction():
        org = Organisation(slug=slug, name_en=name_en, name_zh=name_zh)
        await org.save()
        if owner_email:
            owner = await user_by_email(owner_email)
            await OrganisationMember(organisation=org.id, user=owner["id"], role="owner").save()
    return org.to_dict()


async def add_organisation_member(organisation_id: int, email: str, role: str) -> None:
    user = await user_by_email(email)
    if await OrganisationMember.exists().where(
        (OrganisationMember.organisation == organisation_id) & (OrganisationMember.user == user["id"])
    ):
        raise Conflict(N_("This person is already a member."))
    await OrganisationMember(organisation=organisation_id, user=user["id"], role=role).save()


async def create_institution(
    slug: str, name_en: str, name_zh: str, owner_email: str | None
) -> dict[str, Any]:
    if await Institution.exists().where(Institution.slug == slug):
        raise Conflict(N_("This short name is taken."))
    async with Institution._meta.db.transaction():
        inst = Institution(slug=slug, name_en=name_en, name_zh=name_zh)
        await inst.save()
        if owner_email:
            owner = await user_by_email(owner_email)
            await InstitutionMember(institution=inst.id, user=owner["id"], role="admin").save()
    return inst.to_dict()


async def add_institution_member(institution_id: int, email: str, role: str) -> None:
    user = await user_by_email(email)
    if await InstitutionMember.exists().where(
        (InstitutionMember.institution == institution_id) & (InstitutionMember.user == user["id"])
    ):
        raise Conflict(N_("This person is already a member."))
    await InstitutionMember(institution=institution_id, user=user["id"], role=role).save()


async def organisations_of(user_id: int) -> list[dict[str, Any]]:
    return await OrganisationMember.select(
        OrganisationMember.organisation.id.as_alias("id"),
        OrganisationMember.organisation.slug.as_alias("slug"),
        OrganisationMember.organisation.name_en.as_alias("name_en"),
        OrganisationMember.organisation.name_zh.as_alias("name_zh"),
        OrganisationMember.role,
    ).where(OrganisationMember.user == user_id)


async def institutions_of(user_id: int) -> list[dict[str, Any]]:
    return await InstitutionMember.select(
        InstitutionMember.institution.id.as_alias("id"),
        InstitutionMember.institution.slug.as_alias("slug"),
        InstitutionMember.institution.name_en.as_alias("name_en"),
        InstitutionMember.institution.name_zh.as_alias("name_zh"),
        InstitutionMember.role,
    ).where(InstitutionMember.user == user_id)

"""The accounts API (tag ``accounts``): sign-up, sign-in, tokens, password reset, memberships."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from app.accounts import services
from app.accounts.schemas import (
    Login,
    MemberAdd,
    MembershipRead,
    OrganisationCreate,
    OrganisationRead,
    PasswordResetConfirm,
    PasswordResetRequest,
    SignUp,
    TokenCreate,
    TokenCreated,
    TokenRead,
    UserRead,
)
from app.auth import (
    SESSION_EPOCH_KEY,
    SESSION_USER_KEY,
    CurrentUser,
    current_user,
    public,
    requires_admin,
    requires_login,
)
from app.errors import NotFound
from app.ratelimit import login_rate_limit


def start_session(request: Request, user_row: dict[str, Any]) -> None:
    request.set_session({SESSION_USER_KEY: user_row["id"], SESSION_EPOCH_KEY: user_row["auth_epoch"]})


async def user_read(user: CurrentUser) -> UserRead:
    orgs = await services.organisations_of(user.id)
    insts = await services.institutions_of(user.id)
    return UserRead(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        locale=user.locale,
        roles=await user.roles(),
        organisations=[MembershipRead(**o) for o in orgs],
        institutions=[MembershipRead(**i) for i in insts],
    )


def _user_read_from_row(row: dict[str, Any]) -> UserRead:
    roles = ["attendee"] + (["entrepreneur"] if row["is_entrepreneur"] else [])
    return UserRead(
        id=row["id"], email=row["email"], display_name=row["display_name"], locale=row["locale"], roles=roles
    )


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["accounts"]

    @post(
        "/signup",
        guards=[public],
        middleware=[login_rate_limit().middleware],
        summary="Create an account (and sign in with a session cookie)",
    )
    async def signup(self, request: Request, data: JSONBody[SignUp]) -> UserRead:
        row = await services.signup(
            data.email, data.password, data.display_name, data.locale, data.entrepreneur
        )
        start_session(request, row)
        return _user_read_from_row(row)

    @post(
        "/login",
        guards=[public],
        middleware=[login_rate_limit().middleware],
        summary="Sign in with email and password (session cookie)",
    )
    async def login(self, request: Request, data: JSONBody[Login]) -> UserRead:
        row = await services.authenticate(request.app.stores.get("rate_limit"), data.email, data.password)
        start_session(request, row)
        return _user_read_from_row(row)

    @post("/logout", guards=[public], status_code=HTTP_204_NO_CONTENT, summary="End the session")
    async def logout(self, request: Request) -> None:
        request.clear_session()

    @post(
        "/tokens",
        guards=[public],
        middleware=[login_rate_limit().middleware],
        summary="Exchange email and password for a bearer API token",
    )
    async def create_token(self, request: Request, data: JSONBody[TokenCreate]) -> TokenCreated:
        row = await services.authenticate(request.app.stores.get("rate_limit"), data.email, data.password)
        token, token_row = await services.create_api_token(row["id"], data.name)
        return TokenCreated(id=token_row["id"], name=token_row["name"], token=token)

    @post(
        "/password-reset",
        guards=[public],
        status_code=HTTP_202_ACCEPTED,
        middleware=[login_rate_limit().middleware],
        summary="Mail a password reset link",
    )
    async def password_reset(self, data: JSONBody[PasswordResetRequest]) -> dict[str, str]:
        await services.request_password_reset(data.email)
        return {"status": "accepted"}

    @post(
        "/password-reset/confirm",
        guards=[public],
        status_code=HTTP_204_NO_CONTENT,
        middleware=[login_rate_limit().middleware],
        summary="Set a new password with a reset token",
    )
    async def password_reset_confirm(self, data: JSONBody[PasswordResetConfirm]) -> None:
        await services.reset_password(data.token, data.password)


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["accounts"]
    guards = [requires_login]

    @get("/", summary="Who am I: profile, roles and memberships")
    async def me(self, request: Request) -> UserRead:
        return await user_read(current_user(request))

    @get("/tokens", summary="My API tokens")
    async def tokens(self, request: Request) -> list[TokenRead]:
        rows = await services.list_api_tokens(current_user(request).id)
        return [
            TokenRead(
                id=r["id"],
                name=r["name"],
                prefix=r["prefix"],
                created_at=r["created_at"],
                last_used_at=r["last_used_at"],
                revoked=r["revoked_at"] is not None,
            )
            for r in rows
        ]

    @delete("/tokens/{token_id:int}", status_code=HTTP_204_NO_CONTENT, summary="Revoke one of my API tokens")
    async def revoke_token(self, request: Request, token_id: FromPath[int]) -> None:
        await services.revoke_api_token(current_user(request).id, token_id)

    @post("/sign-out-everywhere", status_code=HTTP_204_NO_CONTENT, summary="End all my sessions")
    async def sign_out_everywhere(self, request: Request) -> None:
        await services.bump_auth_epoch(current_user(request).id)
        request.clear_session()


class AdminController(Controller):
    """Platform administration: organisations and investment institutions."""

    path = "/api/v1/admin"
    tags = ["accounts"]
    guards = [requires_admin]

    @post("/organisations", summary="Create an organisation (optionally with its owner)")
    async def create_organisation(self, data: JSONBody[OrganisationCreate]) -> OrganisationRead:
        row = await services.create_organisation(data.slug, data.name_en, data.name_zh, data.owner_email)
        return OrganisationRead(
            id=row["id"], slug=row["slug"], name_en=row["name_en"], name_zh=row["name_zh"]
        )

    @post("/institutions", summary="Create an investment institution (optionally with its admin)")
    async def create_institution(self, data: JSONBody[OrganisationCreate]) -> OrganisationRead:
        row = await services.create_institution(data.slug, data.name_en, data.name_zh, data.owner_email)
        return OrganisationRead(
            id=row["id"], slug=row["slug"], name_en=row["name_en"], name_zh=row["name_zh"]
        )

    @post(
        "/institutions/{institution_id:int}/members",
        status_code=HTTP_204_NO_CONTENT,
        summary="Add a member to an institution",
    )
    async def add_institution_member(self, institution_id: FromPath[int], data: JSONBody[MemberAdd]) -> None:
        await services.add_institution_member(institution_id, data.email, data.role)


class OrganisationController(Controller):
    path = "/api/v1/organisations"
    tags = ["accounts"]
    guards = [requires_login]

    @get("/", summary="Organisations I belong to")
    async def mine(self, request: Request) -> list[MembershipRead]:
        return [MembershipRead(**o) for o in await services.organisations_of(current_user(request).id)]

    @post(
        "/{organisation_id:int}/members",
        status_code=HTTP_204_NO_CONTENT,
        summary="Add an organiser to my organisation (owners only)",
    )
    async def add_member(
        self, request: Request, organisation_id: FromPath[int], data: JSONBody[MemberAdd]
    ) -> None:
        user = current_user(request)
        memberships = await user.memberships()
        if memberships.organisations.get(organisation_id) != "owner" and not user.is_admin:
            raise NotFound()
        await services.add_organisation_member(organisation_id, data.email, data.role)


ROUTES = [AuthController, MeController, AdminController, OrganisationController]

"""Sign-up, sign-in, sign-out and password reset as HTML pages."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from app.accounts import services
from app.accounts.controllers import start_session
from app.accounts.schemas import Login, PasswordResetConfirm, PasswordResetRequest, SignUp
from app.auth import public
from app.errors import DomainError, InvalidInput
from app.forms import convert_form, read_form
from app.i18n import _, current_locale
from app.pages import safe_next
from app.ratelimit import login_rate_limit
from app.templating import page, set_flash

PAGE_OPTS = {"include_in_schema": False, "guards": [public]}


@get("/login", **PAGE_OPTS)
async def login_page(request: Request, next: FromQuery[str | None] = None) -> Template:
    return await page(request, "accounts/login.html", values={}, errors={}, next=next)


@post("/login", middleware=[login_rate_limit().middleware], **PAGE_OPTS)
async def login_submit(request: Request) -> Template | Redirect:
    data = await read_form(request)
    form, errors = convert_form(data, Login)
    if form is None:
        return await page(
            request, "accounts/login.html", 422, values=data, errors=errors, next=data.get("next")
        )
    try:
        row = await services.authenticate(request.app.stores.get("rate_limit"), form.email, form.password)
    except DomainError as exc:
        return await page(
            request,
            "accounts/login.html",
            exc.status,
            values=data,
            errors={},
            error=exc.detail(),
            next=data.get("next"),
        )
    start_session(request, row)
    set_flash(request, _("Welcome back, %(name)s.") % {"name": row["display_name"]})
    return Redirect(safe_next(data.get("next")))


@get("/signup", **PAGE_OPTS)
async def signup_page(request: Request, next: FromQuery[str | None] = None) -> Template:
    return await page(request, "accounts/signup.html", values={}, errors={}, next=next)


@post("/signup", middleware=[login_rate_limit().middleware], **PAGE_OPTS)
async def signup_submit(request: Request) -> Template | Redirect:
    data = await read_form(request)
    data.setdefault("locale", current_locale.get())
    form, errors = convert_form(data, SignUp)
    if form is None:
        return await page(
            request, "accounts/signup.html", 422, values=data, errors=errors, next=data.get("next")
        )
    try:
        row = await services.signup(
            form.email, form.password, form.display_name, form.locale, form.entrepreneur
        )
    except InvalidInput as exc:
        return await page(
            request,
            "accounts/signup.html",
            422,
            values=data,
            errors={k: _(v) for k, v in exc.errors.items()},
            next=data.get("next"),
        )
    except DomainError as exc:
        return await page(
            request,
            "accounts/signup.html",
            exc.status,
            values=data,
            errors={"email": exc.detail()},
            next=data.get("next"),
        )
    start_session(request, row)
    set_flash(request, _("Your account is ready. Welcome, %(name)s!") % {"name": row["display_name"]})
    return Redirect(safe_next(data.get("next")))


@post("/logout", **PAGE_OPTS)
async def logout_submit(request: Request) -> Redirect:
    request.clear_session()
    return Redirect("/events")


@get("/password-reset", **PAGE_OPTS)
async def password_reset_page(request: Request) -> Template:
    return await page(request, "accounts/password_reset.html", values={}, errors={}, sent=False)


@post("/password-reset", middleware=[login_rate_limit().middleware], **PAGE_OPTS)
async def password_reset_submit(request: Request) -> Template:
    data = await read_form(request)
    form, errors = convert_form(data, PasswordResetRequest)
    if form is None:
        return await page(
            request, "accounts/password_reset.html", 422, values=data, errors=errors, sent=False
        )
    await services.request_password_reset(form.email)
    return await page(request, "accounts/password_reset.html", values={}, errors={}, sent=True)


@get("/password-reset/{token:str}", **PAGE_OPTS)
async def password_reset_confirm_page(request: Request, token: FromPath[str]) -> Template:
    return await page(request, "accounts/password_reset_confirm.html", token=token, errors={})


@post("/password-reset/{token:str}", middleware=[login_rate_limit().middleware], **PAGE_OPTS)
async def password_reset_confirm_submit(request: Request, token: FromPath[str]) -> Template | Redirect:
    data = await read_form(request)
    form, errors = convert_form({**data, "token": token}, PasswordResetConfirm)
    if form is None:
        return await page(request, "accounts/password_reset_confirm.html", 422, token=token, errors=errors)
    try:
        await services.reset_password(form.token, form.password)
    except InvalidInput as exc:
        return await page(
            request,
            "accounts/password_reset_confirm.html",
            422,
            token=token,
            errors={"password": exc.detail()},
        )
    set_flash(request, _("Your password has been changed. Please sign in."))
    return Redirect("/login")


ROUTES = [
    login_page,
    login_submit,
    signup_page,
    signup_submit,
    logout_submit,
    password_reset_page,
    password_reset_submit,
    password_reset_confirm_page,
    password_reset_confirm_submit,
]

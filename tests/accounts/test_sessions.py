"""Sessions, sign-in redirects, locale choice and API token bookkeeping."""

from __future__ import annotations

from urllib.parse import unquote

import httpx

from tests.factories import Factory, web_login


async def test_page_needing_an_account_redirects_to_login(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/me", headers={"accept": "text/html"})
    assert response.status_code == 401  # API paths always answer JSON
    page = await client.get("/me/registrations?x=1", headers={"accept": "text/html"})
    assert page.status_code in (302, 303)
    location = page.headers["location"]
    assert location.startswith("/login?next=")
    assert unquote(location.removeprefix("/login?next=")) == "/me/registrations?x=1"


async def test_login_next_cannot_leave_the_site(client: httpx.AsyncClient, factory: Factory) -> None:
    from tests.factories import PASSWORD, csrf_token

    user = await factory.user()
    token = await csrf_token(client, "/login")
    response = await client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "next": "//evil.example/x", "_csrf_token": token},
    )
    assert response.headers["location"] == "/events"


async def test_language_switch_sets_cookie_and_remembers_choice(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    from app.accounts.tables import User

    user = await factory.user()
    await web_login(client, user)
    response = await client.get("/lang/zh?next=/login")
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login"
    assert client.cookies.get("lang") == "zh"
    assert (await User.select(User.locale).where(User.id == user.id).first())["locale"] == "zh"
    unknown = await client.get("/lang/fr")
    assert unknown.status_code == 404


async def test_sign_out_everywhere_ends_other_sessions(app, factory: Factory) -> None:
    user = await factory.user()
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as phone,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as laptop,
    ):
        await web_login(phone, user)
        token = await web_login(laptop, user)
        assert (await phone.get("/api/v1/me")).status_code == 200
        await laptop.post("/api/v1/me/sign-out-everywhere", headers={"x-csrftoken": token})
        assert (await phone.get("/api/v1/me")).status_code == 401


async def test_token_last_used_is_written_in_batches(client: httpx.AsyncClient, factory: Factory) -> None:
    from app.accounts.tables import ApiToken
    from app.auth import token_usage

    user = await factory.user()
    await client.get("/api/v1/me", headers=user.headers)
    assert token_usage.pending  # remembered, not yet written
    await token_usage.flush()
    rows = await ApiToken.select(ApiToken.last_used_at).where(ApiToken.user == user.id)
    assert rows[0]["last_used_at"] is not None


async def test_logout_clears_the_session(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user()
    token = await web_login(client, user)
    await client.post("/logout", data={"_csrf_token": token})
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_unknown_page_answers_in_the_visitors_language(client: httpx.AsyncClient) -> None:
    response = await client.get("/no-such-page", headers={"accept-language": "zh-CN"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"] != "Not found."  # translated

"""Sign-up, sign-in, tokens, sessions and the error shape of the accounts API."""

from __future__ import annotations

import httpx

from tests.factories import PASSWORD, Factory, csrf_token, unique, web_login


async def test_signup_then_me_with_session(client: httpx.AsyncClient) -> None:
    email = f"{unique('new')}@example.test"
    response = await client.post(
        "/api/v1/auth/signup", json={"email": email, "password": "s3cret-pass", "display_name": "Ann"}
    )
    assert response.status_code == 201, response.text
    me = await client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == email
    assert me.json()["roles"] == ["attendee"]


async def test_signup_invalid_input_gives_field_errors(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/auth/signup", json={"email": "not-an-email", "password": "x", "display_name": "A"}
    )
    assert response.status_code == 422
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert body["code"] == "invalid_input"
    assert body["errors"] and body["errors"][0]["field"] in {"email", "password"}


async def test_duplicate_email_is_a_conflict(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user()
    response = await client.post(
        "/api/v1/auth/signup",
        json={"email": user.email.upper(), "password": "s3cret-pass", "display_name": "B"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"


async def test_token_exchange_and_bearer_auth(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user()
    response = await client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    token = response.json()["token"]
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["id"] == user.id
    wrong = await client.get("/api/v1/me", headers={"Authorization": "Bearer luyan_nope"})
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "not_authenticated"


async def test_revoked_token_stops_working(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user()
    tokens = (await client.get("/api/v1/me/tokens", headers=user.headers)).json()
    response = await client.delete(f"/api/v1/me/tokens/{tokens[0]['id']}", headers=user.headers)
    assert response.status_code == 204
    assert (await client.get("/api/v1/me", headers=user.headers)).status_code == 401


async def test_cannot_revoke_someone_elses_token(client: httpx.AsyncClient, factory: Factory) -> None:
    alice, bob = await factory.user(), await factory.user()
    bob_token = (await client.get("/api/v1/me/tokens", headers=bob.headers)).json()[0]["id"]
    response = await client.delete(f"/api/v1/me/tokens/{bob_token}", headers=alice.headers)
    assert response.status_code == 404
    assert (await client.get("/api/v1/me", headers=bob.headers)).status_code == 200


async def test_wrong_password_is_rejected_without_revealing_accounts(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user = await factory.user()
    known = await client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong-one"})
    unknown = await client.post("/api/v1/auth/login", json={"email": "nobody@example.test", "password": "x"})
    assert known.status_code == unknown.status_code == 400
    assert known.json()["code"] == unknown.json()["code"] == "bad_credentials"


async def test_repeated_failures_lock_the_account_for_a_while(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user = await factory.user()
    for _ in range(10):
        await client.post("/api/v1/auth/login", json={"email": user.email, "password": "wrong-one"})
    blocked = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["code"] == "rate_limited"


async def test_form_post_without_csrf_token_is_refused(client: httpx.AsyncClient, factory: Factory) -> None:
    user = await factory.user()
    await client.get("/login")  # gets the CSRF cookie but we do not send the token
    response = await client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


async def test_cookie_session_json_post_needs_csrf_header(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user = await factory.user()
    token = await web_login(client, user)
    without = await client.post("/api/v1/me/sign-out-everywhere")
    assert without.status_code == 403
    with_header = await client.post("/api/v1/me/sign-out-everywhere", headers={"x-csrftoken": token})
    assert with_header.status_code == 204


async def test_password_reset_signs_out_old_sessions(
    client: httpx.AsyncClient, factory: Factory, app
) -> None:
    from app.accounts import services

    user = await factory.user()
    await web_login(client, user)
    assert (await client.get("/api/v1/me")).status_code == 200
    import re

    from app.mail.tables import OutboxMessage

    await services.request_password_reset(user.email)
    mail = (
        await OutboxMessage.select()
        .where(OutboxMessage.to_address == user.email)
        .order_by(OutboxMessage.id, ascending=False)
        .first()
    )
    token = re.search(r"/password-reset/(\S+)", mail["body_text"]).group(1)
    await services.reset_password(token, "brand-new-pass")
    assert (await client.get("/api/v1/me")).status_code == 401
    again = await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "another-pass"}
    )
    assert again.status_code == 422


async def test_login_page_in_chinese(client: httpx.AsyncClient) -> None:
    page = await client.get("/login", headers={"accept": "text/html", "accept-language": "zh-CN,zh;q=0.9"})
    assert "登录" in page.text
    await csrf_token(client, "/login")

"""Every route names a guard, every API operation is documented, and bad JSON is never a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from litestar.routes import HTTPRoute

from tests.factories import Factory

PROJECT_PACKAGES = ("app.", "events.", "roadshows.", "checkin.", "livestream.")
BODY_METHODS = {"POST", "PUT", "PATCH"}
MALFORMED = b'{"title_en": "half a body", '


def project_routes(app: Litestar) -> Iterator[tuple[HTTPRoute, HTTPRouteHandler]]:
    """Route handlers written in this project (not Litestar's OPTIONS, static files or schema)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            module = getattr(handler.fn, "__module__", "") or ""
            if module.startswith(PROJECT_PACKAGES):
                yield route, handler


def schema_path(route: HTTPRoute) -> str:
    return re.sub(r"\{(\w+):[^}]+\}", r"{\1}", route.path)


def concrete_path(route: HTTPRoute) -> str:
    """A path with every parameter filled with an id no test creates."""
    return re.sub(r"\{\w+:(\w+)\}", lambda m: "999999999" if m.group(1) == "int" else "nope", route.path)


def test_every_route_handler_names_a_guard(app: Litestar) -> None:
    found = list(project_routes(app))
    assert len(found) > 20
    unguarded = [
        f"{sorted(handler.http_methods)} {route.path} ({handler.fn.__module__}.{handler.fn.__name__})"
        for route, handler in found
        if not handler.resolve_guards()
    ]
    assert not unguarded, "routes without a guard (use app.auth.public for open ones):\n" + "\n".join(
        unguarded
    )


async def test_every_api_operation_is_tagged_summarised_and_in_the_schema(
    app: Litestar, client: httpx.AsyncClient
) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    declared_tags = {tag["name"] for tag in schema.get("tags", [])}
    problems = []
    for route, handler in project_routes(app):
        if not route.path.startswith("/api/"):
            continue
        for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
            operation = schema["paths"].get(schema_path(route), {}).get(method.lower())
            where = f"{method} {route.path}"
            if operation is None:
                problems.append(f"{where}: missing from /schema/openapi.json")
                continue
            if not operation.get("tags"):
                problems.append(f"{where}: no tags")
            elif not set(operation["tags"]) <= declared_tags:
                problems.append(f"{where}: tags {operation['tags']} not declared in app.asgi.API_TAGS")
            if not operation.get("summary"):
                problems.append(f"{where}: no summary")
    assert not problems, "\n".join(problems)
    assert "/api/v1/mail" in schema["paths"] and "/api/v1/mail/{message_id}" in schema["paths"]


async def test_schema_page_is_served_from_local_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/schema")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "https://" not in page.text.split("<body", 1)[0].replace("https://swagger.io", "")


def takes_json_body(handler: HTTPRouteHandler) -> bool:
    """A ``data`` parameter, or a hot route's body documented through a dependency's."""
    if "data" in handler.parsed_fn_signature.parameters:
        return True
    return any(
        "data" in provide.parsed_fn_signature.parameters
        for provide in handler.resolve_dependencies().values()
    )


async def test_malformed_json_is_never_a_500(
    app: Litestar, client: httpx.AsyncClient, factory: Factory
) -> None:
    """Every API endpoint that takes a JSON body, fed half a JSON object by a signed-in admin."""
    admin = await factory.user(admin=True)
    checked = []
    for route, handler in project_routes(app):
        if not route.path.startswith("/api/") or not takes_json_body(handler):
            continue
        for method in sorted(handler.http_methods & BODY_METHODS):
            response = await client.request(
                method,
                concrete_path(route),
                content=MALFORMED,
                headers={**admin.headers, "content-type": "application/json"},
            )
            checked.append(f"{method} {route.path}")
            assert response.status_code < 500, (
                f"{method} {route.path}: {response.status_code} {response.text}"
            )
            assert response.headers["content-type"].startswith("application/problem+json"), route.path
            assert response.json()["code"], route.path
    assert len(checked) >= 5, checked
    assert "POST /api/v1/checkin/scans" in checked  # a hot route (app.hot_routes)


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
async def test_anonymous_gets_are_never_a_500(app: Litestar, client: httpx.AsyncClient, accept: str) -> None:
    for route, handler in project_routes(app):
        if "GET" not in handler.http_methods:
            continue
        response = await client.get(concrete_path(route), headers={"accept": accept})
        assert response.status_code < 500, f"GET {route.path}: {response.status_code}"

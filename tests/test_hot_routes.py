"""A hot route (``app.hot_routes``) answers and is documented exactly like an ordinary one.

The same schema is served twice by a small app: once the usual Litestar way (``data: Schema``,
returning the Struct) and once the hot way (``read_json``, ``EncodedJSON``, ``json_body``,
``hot_post``). Every input, good or bad, must get the same status and the same body from both,
and both operations must read the same in the OpenAPI schema.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import httpx
import msgspec
import pytest
from litestar import Litestar, Request, post
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi import ResponseSpec
from litestar.params import JSONBody

from app.errors import EXCEPTION_HANDLERS
from app.hot_routes import EncodedJSON, hot_post, json_body, read_json


class Ask(msgspec.Struct, forbid_unknown_fields=True):
    list_id: int
    nonce: Annotated[str, msgspec.Meta(min_length=8, pattern=r"^[a-z0-9]+$")]
    token: str | None = None
    direction: Literal["entry", "exit"] = "entry"


class Answer(msgspec.Struct):
    code: str
    list_id: int
    nonce: str
    token: str | None
    note: str | None = None


GUARD_CALLS: list[BaseRouteHandler] = []


async def needs_key(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    GUARD_CALLS.append(handler)
    if connection.headers.get("x-key") != "open":
        raise NotAuthorizedException()


def answer(data: Ask) -> Answer:
    return Answer(code="ok", list_id=data.list_id, nonce=data.nonce, token=data.token)


@post("/plain", guards=[needs_key], status_code=200, summary="The usual way")
async def plain(data: JSONBody[Ask]) -> Answer:
    return answer(data)


@hot_post(
    "/hot",
    guards=[needs_key],
    status_code=200,
    dependencies=json_body(Ask),
    responses={200: ResponseSpec(Answer, description="Document Answer")},
    summary="The hot way",
)
async def hot(request: Request) -> EncodedJSON:
    return EncodedJSON(answer(await read_json(request, Ask, max_bytes=2048)))


@pytest.fixture(scope="module")
async def twin() -> Any:
    app = Litestar(route_handlers=[plain, hot], exception_handlers=EXCEPTION_HANDLERS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        yield app, client


BODIES = [
    b'{"list_id": 3, "nonce": "abcdefgh12", "token": "T0K"}',
    b'{"list_id": "3", "nonce": "abcdefgh12"}',  # lenient, as Litestar converts
    b'{"list_id": 3, "nonce": "abcdefgh12", "direction": "exit"}',
    b'{"list_id": 3, "nonce": "abc"}',
    b'{"list_id": 3, "nonce": "ABCDEFGH12"}',
    b'{"list_id": "three", "nonce": "abcdefgh12"}',
    b'{"nonce": "abcdefgh12"}',
    b'{"list_id": 3, "nonce": "abcdefgh12", "surprise": 1}',
    b'{"list_id": 3, "nonce": "abcdefgh12", "direction": "sideways"}',
    b'{"list_id": 3, "nonce": "abcdef',
    b"",
    b"null",
    b"[1, 2]",
    b"\xff\xfe",
]


@pytest.mark.parametrize("body", BODIES)
async def test_the_same_answer_as_an_ordinary_route(twin: Any, body: bytes) -> None:
    _app, client = twin
    headers = {"content-type": "application/json", "x-key": "open"}
    usual = await client.post("/plain", content=body, headers=headers)
    fast = await client.post("/hot", content=body, headers=headers)
    assert usual.status_code < 500
    assert (fast.status_code, fast.json()) == (usual.status_code, usual.json())
    assert fast.headers["content-type"] == usual.headers["content-type"]


async def test_guards_run_and_get_the_handler_itself(twin: Any) -> None:
    _app, client = twin
    refused = await client.post("/hot", json={"list_id": 1, "nonce": "abcdefgh12"})
    assert refused.status_code == 401
    assert refused.json()["code"] == "not_authenticated"
    for path in ("/plain", "/hot"):
        GUARD_CALLS.clear()
        for _ in range(2):
            await client.post(path, json={"list_id": 1, "nonce": "abcdefgh12"}, headers={"x-key": "open"})
        assert len(GUARD_CALLS) == 2
        # Litestar hands an ordinary route's guards a fresh copy each time; a hot route's, itself.
        assert (GUARD_CALLS[0] is GUARD_CALLS[1]) == (path == "/hot")


async def test_a_body_over_the_limit_is_refused_before_it_is_decoded(twin: Any) -> None:
    _app, client = twin
    body = b'{"list_id": 3, "nonce": "abcdefgh12", "token": "' + b"x" * 4000 + b'"}'
    response = await client.post("/hot", content=body, headers={"x-key": "open"})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


async def test_documented_like_an_ordinary_route(twin: Any) -> None:
    app, _client = twin
    paths = app.openapi_schema.to_schema()["paths"]
    usual, fast = paths["/plain"]["post"], paths["/hot"]["post"]
    assert fast["requestBody"] == usual["requestBody"]
    assert fast["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Ask"
    }
    assert fast["responses"]["200"]["content"] == usual["responses"]["200"]["content"]
    assert set(fast["responses"]) == set(usual["responses"])


async def test_the_scan_route_documents_its_body_and_answer(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/v1/checkin/scans"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ScanRequest"}
    answer_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer_schema == {"$ref": "#/components/schemas/ScanResult"}
    assert {"list_id", "nonce", "token"} <= set(schema["components"]["schemas"]["ScanRequest"]["properties"])

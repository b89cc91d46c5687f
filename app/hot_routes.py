"""Hot routes: the few API routes answering thousands of requests a second (ticket scans).

On such a route Litestar's general machinery costs more than the work itself: a copy of the
route handler for every guard call, request headers parsed into a multidict just to read the
``Content-Length``, the body streamed through an async generator, decoded to builtins and
converted again by the signature model, and a ``Response`` rendered through header objects.
These helpers keep the route a normal Litestar route (guards, middleware, exception handlers,
OpenAPI) and do those steps directly:

* ``hot_post``: ``@post`` whose guards receive the handler itself, not a copy per call;
* ``read_json(request, Schema)``: the body read from ``receive`` with a size limit and decoded
  by msgspec straight into the schema, with the same errors Litestar gives for ``data``;
* ``json_body(Schema)``: documents that body in the OpenAPI schema;
* ``EncodedJSON(value)``: the answer, encoded once and sent as is.

A route built this way is documented and behaves exactly like one taking ``data:`` and
returning a Struct (``tests/test_hot_routes.py`` compares them).
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import HttpMethod, Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import ClientException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.response.base import ASGIResponse
from litestar.status_codes import HTTP_413_REQUEST_ENTITY_TOO_LARGE
from litestar.types import Receive, Scope, Send

T = TypeVar("T")

_encoder = msgspec.json.Encoder()
_decoders: dict[type, msgspec.json.Decoder[Any]] = {}


class HotRouteHandler(HTTPRouteHandler):
    """A route handler whose guards get the handler itself.

    Litestar copies the route handler (about sixty attributes) for every guard call, so that a
    guard cannot change it. Our guards only read the connection; on the scan route the copy
    cost more than the guard."""

    async def authorize_connection(self, connection: ASGIConnection) -> None:
        for guard in self.resolve_guards():
            await guard(connection, self)  # type: ignore[misc]


def hot_post(path: str, **kwargs: Any) -> HotRouteHandler:
    """``@post(path, ...)`` for a hot route (same arguments)."""
    return HotRouteHandler(path, http_method=HttpMethod.POST, **kwargs)


class EncodedJSON(ASGIResponse):
    """``200 application/json`` (or ``status_code``) from a msgspec-encodable value.

    Annotate the handler ``-> EncodedJSON`` (Litestar then passes the object through untouched)
    and document the body with ``responses={200: ResponseSpec(TheStruct)}``."""

    __slots__ = ()

    def __init__(self, content: Any, status_code: int = 200) -> None:
        # No super().__init__(): its header objects and media-type handling are what we skip.
        self.body = _encoder.encode(content)
        self.status_code = status_code
        self.background = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = self.body
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": self.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def read_json(request: Request[Any, Any, Any], schema: type[T], max_bytes: int = 64 * 1024) -> T:
    """The request body decoded into ``schema``.

    Errors match Litestar's for a ``data: Schema`` parameter: malformed JSON is a 400, a field
    that does not fit the schema a ``ValidationException`` naming it (answered 422 by
    ``app.errors``), a body over ``max_bytes`` a 413. Values are converted as leniently as
    Litestar does (``strict=False``: ``"12"`` is accepted for an integer)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await request.receive()
        if message["type"] != "http.request":  # the client went away
            raise ClientException("The request body did not arrive.")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise ClientException(
                "The request body is too large.", status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    decoder = _decoders.get(schema)
    if decoder is None:
        decoder = _decoders[schema] = msgspec.json.Decoder(schema, strict=False)
    body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    try:
        return decoder.decode(body or b"null")  # an empty body is a missing value, as in Litestar
    except msgspec.ValidationError as exc:
        text = str(exc)
        # Litestar names the field by its path in the body, or "data" for the body as a whole.
        key = text.rsplit(" - at `$.", maxsplit=1)[1].rstrip("`") if " - at `$." in text else "data"
        error = {"message": text.split(" - ", maxsplit=1)[0], "key": key, "source": "body"}
        raise ValidationException(
            detail=f"Validation failed for {request.method} {request.url.path}", extra=[error]
        ) from None
    except msgspec.DecodeError as exc:
        raise ClientException(str(exc)) from None


def json_body(schema: type[Any]) -> dict[str, Provide]:
    """``dependencies=json_body(Schema)``: documents ``Schema`` as the route's JSON body.

    Litestar's OpenAPI generator takes the request body from a ``data`` parameter of the handler
    or of one of its dependencies. This dependency has one; the handler never asks for it (it
    calls ``read_json`` instead), so Litestar never runs it."""

    async def documented_body(data: Any) -> Any:
        return data

    # Set directly: with postponed annotations the names would be looked up as globals.
    documented_body.__annotations__ = {"data": schema, "return": schema}
    return {"_json_body": Provide(documented_body)}

"""The viewer's websocket: live audience counts of one stream.

Protocol (``/ws/streams/{stream_id}/audience?viewer=<id>``):

* Anonymous viewers pass the id their browser keeps in localStorage (16 to 64 letters, digits,
  ``-`` or ``_``); a signed-in person is counted as themselves, whatever the browser.
* On connect the server sends the figures at once, then ``{"online", "onsite", "peak",
  "status"}`` whenever one of them changes (checked at most once a second).
* The client sends ``ping`` every 20 s and gets ``{"pong": true}``; a socket silent for a
  minute is closed. Clients reconnect with jittered exponential backoff.

Refusals happen before the handshake completes (browsers see a failed connection): a foreign
``Origin`` (4403; Litestar's CSRF middleware skips websockets), an unknown stream or one of an
unpublished event (4404), an ended stream (4410), a missing or malformed viewer id (4422), too
many sockets from one address in this process (4429).
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from litestar import WebSocket, websocket
from litestar.events import listener
from litestar.exceptions import WebSocketException
from litestar.params import FromPath, FromQuery

from app import signals
from app.auth import public
from app.errors import NotFound
from livestream import hub
from livestream.audience import TooManyConnections, audience_for
from livestream.streams import public_stream

AUDIENCE_PATH = "/ws/streams/{stream_id:int}/audience"
CLOSE_ENDED, CLOSE_INVALID, CLOSE_TOO_MANY = 4410, 4422, 4429
VIEWER_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
PONG = '{"pong":true}'


def audience_path(stream_id: int) -> str:
    return AUDIENCE_PATH.replace("{stream_id:int}", str(stream_id))


def viewer_key(user: Any, viewer: str | None) -> str | None:
    """Who is watching: ``u<id>`` for a signed-in person, else the browser's id (``b<id>``)."""
    if user is not None:
        return f"u{user.id}"
    if viewer and VIEWER_ID.fullmatch(viewer):
        return f"b{viewer}"
    return None


def client_address(socket: WebSocket) -> str:
    client = socket.scope.get("client")
    return str(client[0]) if client else "unknown"


def uvicorn_protocol(socket: WebSocket) -> Any:
    """The uvicorn protocol object under this socket when it is uvicorn's ``websockets-sansio``
    implementation (the one ``--ws auto`` picks), else ``None``: the audience tick then writes
    its pre-encoded frame straight to the transport (``audience_parts.direct_write``) instead of
    going through every middleware's ``send`` wrapper for each of thousands of sockets.

    ASGI hands the app only ``send``; uvicorn's is a bound method of the protocol, wrapped by
    Litestar and the middlewares in closures (some holding a connection object whose ``send``
    is the next one), which are followed here, a few dozen steps at most."""
    try:
        from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    except ImportError:
        return None
    seen: set[int] = set()
    pending: list[Any] = [socket.send]
    while pending and len(seen) < 32:
        function = pending.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        owner = getattr(function, "__self__", None)
        if isinstance(owner, WebSocketsSansIOProtocol):
            return owner
        for cell in getattr(function, "__closure__", None) or ():
            with contextlib.suppress(ValueError):  # an empty cell
                value = cell.cell_contents
                # a wrapper holds the next send itself, or a connection object that does
                for found in (value, getattr(value, "send", None)):
                    if callable(found) and not isinstance(found, type):
                        pending.append(found)
    return None


async def _watched(stream_id: int, user: Any) -> tuple[int, int, str, int]:
    """Id, event, status and stored peak of a stream the socket may watch (only these few
    values stay in the handler's frame for the life of the socket, not the rows they came from:
    tens of thousands of sockets per process)."""
    try:
        stream, _event = await public_stream(stream_id, user)
    except NotFound:
        raise WebSocketException(detail="not found", code=hub.CLOSE_NOT_FOUND) from None
    if stream.status == "ended":
        raise WebSocketException(detail="the stream has ended", code=CLOSE_ENDED)
    return stream.id, stream.event_id, stream.status, stream.peak_viewers


@websocket(AUDIENCE_PATH, guards=[hub.same_origin, public])
async def audience_socket(
    socket: WebSocket, stream_id: FromPath[int], viewer: FromQuery[str | None] = None
) -> None:
    """Anyone who may see the stream's event: the audience figures, live."""
    user = socket.scope.get("user")
    stream_id, event_id, status, peak = await _watched(stream_id, user)
    key = viewer_key(user, viewer)
    if key is None:
        raise WebSocketException(detail="a viewer id is required", code=CLOSE_INVALID)
    audience = audience_for(socket.app)
    address = client_address(socket)
    try:
        audience.reserve(address)
    except TooManyConnections:
        raise WebSocketException(detail="too many connections", code=CLOSE_TOO_MANY) from None
    connection = None
    try:
        await socket.accept()
        raw = uvicorn_protocol(socket)
        if raw is not None and raw.handshake_complete:
            # uvicorn keeps the handshake's request and response (their headers: about 2.5 kB)
            # for the life of the socket but reads them only before the handshake completes.
            raw.request = raw.response = None
        connection = await audience.join(stream_id, event_id, status, peak, socket, key, address, raw)
        await socket.send_text(audience.greeting(stream_id))
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                break
            audience.heard(connection)
            if message.get("text") == "ping":
                await socket.send_text(PONG)
    finally:
        if connection is not None:
            audience.leave(connection)
        else:
            audience.release(address)


def _running_audience() -> Any:
    app = signals.current_app()
    return audience_for(app) if app is not None else None


@listener("checkin.created")
async def onsite_changed(event_id: int, admitted: bool = True, **_: Any) -> None:
    """A scan may change who is onsite: viewers of this event's streams here hear of it soon."""
    audience = _running_audience()
    if admitted and audience is not None:
        audience.checkin_changed(event_id)


@signals.batch_form(onsite_changed)
def onsite_changed_many(payloads: signals.Payloads) -> None:
    """``onsite_changed`` for a batch of scans: once per event with an admission."""
    audience = _running_audience()
    if audience is not None:
        for event_id in {payload["event_id"] for payload in payloads if payload.get("admitted", True)}:
            audience.checkin_changed(event_id)


@listener("livestream.stream_changed")
async def stream_changed(stream_id: int, status: str, **_: Any) -> None:
    audience = _running_audience()
    if audience is not None:
        audience.stream_changed(stream_id, status)


ROUTES = [audience_socket]
LISTENERS = [onsite_changed, stream_changed]

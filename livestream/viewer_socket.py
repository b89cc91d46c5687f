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


@websocket(AUDIENCE_PATH, guards=[hub.same_origin, public])
async def audience_socket(
    socket: WebSocket, stream_id: FromPath[int], viewer: FromQuery[str | None] = None
) -> None:
    """Anyone who may see the stream's event: the audience figures, live."""
    user = socket.scope.get("user")
    try:
        stream, _event = await public_stream(stream_id, user)
    except NotFound:
        raise WebSocketException(detail="not found", code=hub.CLOSE_NOT_FOUND) from None
    if stream.status == "ended":
        raise WebSocketException(detail="the stream has ended", code=CLOSE_ENDED)
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
        connection = await audience.join(
            stream.id, stream.event_id, stream.status, stream.peak_viewers, socket, key, address
        )
        await socket.send_text(audience.greeting(stream.id))
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


@listener("livestream.stream_changed")
async def stream_changed(stream_id: int, status: str, **_: Any) -> None:
    audience = _running_audience()
    if audience is not None:
        audience.stream_changed(stream_id, status)


ROUTES = [audience_socket]
LISTENERS = [onsite_changed, stream_changed]

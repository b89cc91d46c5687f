"""The pieces of a process's live audience: its connections and rooms, the state message and
its websocket frame, and the limit of sockets per address (``livestream.audience`` runs them)."""

from __future__ import annotations

import logging
import os
import struct
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import msgspec

log = logging.getLogger("luyan.livestream.audience")

DEFAULT_SOCKETS_PER_ADDRESS = 200  # venue Wi-Fi puts many phones behind one address
PER_ADDRESS_VARIABLE = "LUYAN_LIVE_SOCKETS_PER_ADDRESS"


class TooManyConnections(Exception):
    """This address already holds the allowed number of live sockets in this process."""


class Connection:
    """One open viewer socket (kept small: tens of thousands per process). ``raw`` is the
    server's protocol object of the socket when frames may be written to it directly (see
    ``direct_write``), else ``None``."""

    __slots__ = ("address", "heard", "left", "raw", "room", "socket", "viewer")

    def __init__(self, room: Room, socket: Any, viewer: str, address: str, raw: Any = None) -> None:
        self.room, self.socket, self.viewer, self.address, self.raw = room, socket, viewer, address, raw
        self.heard = time.monotonic()
        self.left = False


@dataclass(eq=False)
class Room:
    """The local sockets of one stream, and what its viewers were last told."""

    stream_id: int
    event_id: int
    status: str
    peak: int
    connections: set[Connection] = field(default_factory=set)
    tabs: Counter[str] = field(default_factory=Counter)  # viewer id -> open sockets here
    since: dict[str, float] = field(default_factory=dict)  # viewer id -> first socket opened (epoch s)
    online: int = 0  # the last total known
    told: tuple[int, int, int, str] | None = None
    text: str = ""
    minute: int = 0  # current UTC minute (epoch minutes) and the most viewers seen in it
    minute_max: int = 0
    status_at: float = 0.0  # monotonic time of the last status change heard in this process


@dataclass
class OnsiteReading:
    value: int = 0
    read_at: float = -1e9  # monotonic
    dirty: bool = True


def encode_state(online: int, onsite: int, peak: int, status: str) -> str:
    return msgspec.json.encode({"online": online, "onsite": onsite, "peak": peak, "status": status}).decode()


def text_frame(text: str) -> bytes:
    """One unfragmented, unmasked websocket text frame (RFC 6455 5.2), as servers send them.
    Uncompressed (RSV1 clear) is allowed on a permessage-deflate socket too (RFC 7692 6)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        return bytes((0x81, size)) + payload
    if size < 1 << 16:
        return struct.pack("!BBH", 0x81, 126, size) + payload
    return struct.pack("!BBQ", 0x81, 127, size) + payload


def direct_write(raw: Any, frame: bytes) -> bool:
    """Write a whole frame to a uvicorn websocket's transport (``raw``: its
    ``WebSocketsSansIOProtocol``, found by ``viewer_socket.uvicorn_protocol``); ``False`` when
    the socket is closing or gone. Whole frames keep the stream intact between uvicorn's own
    writes (pings, pongs, the close). A reader too slow to drain its buffer still gets the
    frame queued (a few dozen bytes a second) rather than holding up every other viewer; the
    silence sweep ends sockets that stop answering."""
    if raw.close_sent or raw.disconnected:
        return False
    transport = raw.transport
    if transport is None or transport.is_closing():
        return False
    transport.write(frame)
    return True


def per_address_limit() -> int:
    raw = os.environ.get(PER_ADDRESS_VARIABLE, "").strip()
    try:
        return max(1, int(raw)) if raw else DEFAULT_SOCKETS_PER_ADDRESS
    except ValueError:
        log.warning(
            "%s=%r is not a whole number; using %d", PER_ADDRESS_VARIABLE, raw, DEFAULT_SOCKETS_PER_ADDRESS
        )
        return DEFAULT_SOCKETS_PER_ADDRESS

"""Attachments built when a message is sent, by resolvers other domains register.

A queued message describes its attachments as JSON (``OutboxMessage.attachments``), e.g.
``[{"kind": "ticket_qr", "code": "K7M2PQ4X", "cid": "ticket-qr@luyan"}]``, because mail is
queued in the same transaction as the change it reports, before what it shows exists (a
ticket's token is issued after the registration commits). The sender turns each description
into bytes with the resolver registered for its ``kind``.

The outbox knows no domain: a domain registers its resolvers with ``register_resolver`` when
the app assembles it (the check-in domain does so in ``checkin/listeners.py``). A description
with an optional ``cid`` is also shown inline in the HTML part (``<img src="cid:...">``, added
by ``render_mail``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import msgspec


@dataclass(slots=True, frozen=True)
class Attachment:
    filename: str
    content_type: str  # "image/png"
    data: bytes


# Returns the attachment, or None when it no longer applies (the mail then goes without it).
Resolver = Callable[[Mapping[str, Any]], Awaitable[Attachment | None]]


class UnknownAttachment(LookupError):
    """No resolver for this kind in this process: the message waits for one that has it."""


_resolvers: dict[str, Resolver] = {}


def register_resolver(kind: str, resolver: Resolver) -> None:
    """Build attachments of ``kind`` with ``resolver``; registering again replaces it."""
    _resolvers[kind] = resolver


def resolvable(kind: str) -> bool:
    return kind in _resolvers


def encode(specs: Sequence[Mapping[str, Any]]) -> str:
    """The JSON stored in ``attachments``; ``"[]"`` costs nothing for the common case."""
    return msgspec.json.encode(list(specs)).decode() if specs else "[]"


def decode(value: Any) -> list[dict[str, Any]]:
    """Stored descriptions as a list (SQLite and asyncpg hand JSON back as text)."""
    if not value:
        return []
    if isinstance(value, str | bytes):
        value = msgspec.json.decode(value)
    return [dict(item) for item in value if isinstance(item, Mapping) and item.get("kind")]


async def resolve(spec: Mapping[str, Any]) -> Attachment | None:
    resolver = _resolvers.get(str(spec["kind"]))
    if resolver is None:
        raise UnknownAttachment(f"no resolver for attachment kind {spec['kind']!r} in this process")
    return await resolver(spec)

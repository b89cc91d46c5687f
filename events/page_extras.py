"""Sections other domains add to the public event page, without events knowing those domains.

A provider is an async function ``(event, viewer) -> dict | None``; a dict names the template to
include (``template``) plus its context. ``app.asgi`` registers the providers at start-up, so
the events domain stays free of imports from the domains built on it (roadshows adds its pitch
calls, stage and results links this way).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from app.auth import CurrentUser
from events.schemas import EventRead

Provider = Callable[[EventRead, CurrentUser | None], Awaitable[dict[str, Any] | None]]

_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


async def extras_for(event: EventRead, viewer: CurrentUser | None) -> list[dict[str, Any]]:
    """Every registered section for this event, in registration order."""
    sections = []
    for provider in _providers:
        section = await provider(event, viewer)
        if section is not None:
            sections.append(section)
    return sections

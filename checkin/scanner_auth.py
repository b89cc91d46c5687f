"""Who is scanning: a paired device, or a signed-in organiser / check-in staff member.

Scanning routes use the ``requires_scanner`` guard; services receive a ``Scanner`` and check
per list that it may be used (``may_scan``): a device only on its event (and its lists, if it
was limited to some), a person only at events they organise or staff. Anything else is the 404
of a missing list, so list ids reveal nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.handlers.base import BaseRouteHandler

from app.auth import CurrentUser
from app.errors import NotFound
from checkin.devices import Device
from events.access import staff_event


@dataclass(slots=True, frozen=True)
class Scanner:
    key: str  # "d<device id>" or "u<user id>": namespaces nonces and rate limits
    label: str  # shown as "which device" in already-checked-in answers
    device: Device | None = None
    user: CurrentUser | None = None

    @property
    def device_id(self) -> int | None:
        return self.device.id if self.device else None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None


def scanner_of(connection: ASGIConnection) -> Scanner:
    auth = connection.scope.get("auth")
    if isinstance(auth, Device):
        return Scanner(key=f"d{auth.id}", label=auth.name, device=auth)
    user = connection.scope.get("user")
    if isinstance(user, CurrentUser):
        return Scanner(key=f"u{user.id}", label=user.display_name or user.email, user=user)
    raise NotAuthorizedException()


async def requires_scanner(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """A paired device's token, or a signed-in person (checked per event in the services)."""
    scanner_of(connection)


async def may_scan(scanner: Scanner, event_id: int, list_id: int | None = None) -> None:
    """Raise ``NotFound`` unless ``scanner`` may work at ``event_id`` (and on ``list_id``)."""
    if scanner.device is not None:
        if scanner.device.event_id != event_id:
            raise NotFound()
        if list_id is not None and not scanner.device.may_use_list(list_id):
            raise NotFound()
        return
    assert scanner.user is not None
    await staff_event(scanner.user, event_id)


async def scanner_event_ids(scanner: Scanner) -> frozenset[int] | None:
    """Events a device is bound to (one); ``None`` for people (checked per event instead)."""
    return frozenset({scanner.device.event_id}) if scanner.device else None

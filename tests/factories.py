"""Build test data directly in the database, and signed-in clients for it."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from litestar import Litestar

_counter = itertools.count(1)
PASSWORD = "correct-horse-42"


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:6]}"


@dataclass
class TestUser:
    __test__ = False  # a test helper, not a test class
    id: int
    email: str
    token: str
    display_name: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Factory:
    def __init__(self, app: Litestar) -> None:
        self.app = app
        self._password_hash: str | None = None

    async def _hash(self) -> str:
        if self._password_hash is None:
            from app.accounts.passwords import hash_password

            self._password_hash = await hash_password(PASSWORD)
        return self._password_hash

    async def user(
        self, *, admin: bool = False, entrepreneur: bool = False, locale: str = "en", name: str | None = None
    ) -> TestUser:
        from app.accounts.services import create_api_token
        from app.accounts.tables import User

        email = f"{unique('user')}@example.test"
        row = User(
            email=email,
            password_hash=await self._hash(),
            display_name=name or email.split("@")[0],
            locale=locale,
            is_admin=admin,
            is_entrepreneur=entrepreneur,
        )
        await row.save()
        token, _ = await create_api_token(row.id, "tests")
        return TestUser(id=row.id, email=email, token=token, display_name=row.display_name)

    async def organisation(self, *owners: TestUser) -> int:
        from app.accounts.tables import Organisation, OrganisationMember

        org = Organisation(slug=unique("org"), name_en="Test Organisation", name_zh="测试机构")
        await org.save()
        for owner in owners:
            await OrganisationMember(organisation=org.id, user=owner.id, role="owner").save()
        return org.id

    async def organiser(self) -> tuple[TestUser, int]:
        user = await self.user()
        return user, await self.organisation(user)

    async def event(
        self, organisation_id: int, *, status: str = "published", kind: str = "conference", **fields: Any
    ) -> int:
        from events.tables import Event

        start = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
        values: dict[str, Any] = dict(
            organisation=organisation_id,
            slug=unique("event"),
            kind=kind,
            status=status,
            title_en="Test Event",
            title_zh="测试活动",
            city_en="Jinhua",
            city_zh="金华",
            venue_en="Expo Centre",
            venue_zh="会展中心",
            starts_at=start,
            ends_at=start + dt.timedelta(days=1),
        )
        values.update(fields)
        event = Event(**values)
        await event.save()
        return event.id

    async def ticket_type(self, event_id: int, *, capacity: int = 100, **fields: Any) -> int:
        from events.tables import TicketType

        values: dict[str, Any] = {"name_en": "Standard", "name_zh": "标准票", **fields}
        ticket = TicketType(event=event_id, capacity=capacity, **values)
        await ticket.save()
        return ticket.id


async def web_login(client: httpx.AsyncClient, user: TestUser) -> str:
    """Sign ``client`` in through the login form; returns the CSRF token for later posts."""
    token = await csrf_token(client, "/login")
    response = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "_csrf_token": token}
    )
    assert response.status_code in (302, 303), response.text
    return await csrf_token(client, "/login")


async def csrf_token(client: httpx.AsyncClient, path: str) -> str:
    page = await client.get(path, headers={"accept": "text/html"})
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}: {page.status_code}"
    return match.group(1)

"""Builders and fixtures for subscription tests: a Stripe-compatible server on loopback, an app
configured to use it, institutions with admins and members, and signed webhook deliveries.

Import the fixtures into a test module (pytest finds them by their ``name``): ``from
tests.roadshows.subscriptions_support import stripe_app_fixture, stripe_client_fixture,
stripe_server_fixture``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from litestar import Litestar

from tests.factories import Factory, TestUser, unique
from tests.stripe_server import ANNUAL_PRICE, MONTHLY_PRICE, StripeTestServer

WEBHOOK = "/api/v1/stripe/webhook"


@pytest.fixture(scope="session", name="stripe_server")
def stripe_server_fixture() -> Iterator[StripeTestServer]:
    with StripeTestServer() as server:
        yield server


@pytest.fixture(scope="session", name="stripe_app")
def stripe_app_fixture(app: Litestar, stripe_server: StripeTestServer) -> Litestar:
    """A second app on the same database, configured for the loopback Stripe server.

    The session's ``app`` runs the lifespan (pools, mail sender); this one only serves requests.
    """
    from app.asgi import create_app
    from app.settings import StripeSettings

    settings = dataclasses.replace(
        app.state.settings,
        stripe=StripeSettings(
            secret_key=stripe_server.secret_key,
            publishable_key="pk_test_luyan",
            webhook_secret=stripe_server.webhook_secret,
            api_base=stripe_server.base_url,
            price_monthly=MONTHLY_PRICE,
            price_annual=ANNUAL_PRICE,
        ),
    )
    return create_app(settings)


@pytest.fixture(name="stripe_client")
async def stripe_client_fixture(stripe_app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=stripe_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@dataclass
class TestInstitution:
    __test__ = False
    id: int
    admin: TestUser
    members: list[TestUser] = field(default_factory=list)


async def institution(factory: Factory, *, members: int = 1) -> TestInstitution:
    from app.accounts.tables import Institution, InstitutionMember

    row = Institution(slug=unique("inst"), name_en="Test Capital", name_zh="测试资本")
    await row.save()
    admin = await factory.user(name="Ada Admin")
    await InstitutionMember(institution=row.id, user=admin.id, role="admin").save()
    people = []
    for i in range(members):
        person = await factory.user(name=f"Member {i + 1}")
        await InstitutionMember(institution=row.id, user=person.id, role="member").save()
        people.append(person)
    return TestInstitution(id=row.id, admin=admin, members=people)


async def start_checkout(
    client: httpx.AsyncClient, inst: TestInstitution, plan: str = "monthly", seats: int = 2
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/institutions/{inst.id}/subscription/checkout",
        json={"plan": plan, "seats": seats},
        headers=inst.admin.headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def deliver(
    client: httpx.AsyncClient, server: StripeTestServer, events: list[dict[str, Any]]
) -> list[httpx.Response]:
    """POST each event, signed as Stripe signs it, one after the other."""
    responses = []
    for event in events:
        body, headers = server.signed(event)
        responses.append(await client.post(WEBHOOK, content=body, headers=headers))
    return responses


def by_type(events: list[dict[str, Any]], *types: str) -> list[dict[str, Any]]:
    return [e for t in types for e in events if e["type"] == t]


async def subscription_row(row_id: int) -> dict[str, Any]:
    from roadshows.tables import InstitutionSubscription

    row = await InstitutionSubscription.select().where(InstitutionSubscription.id == row_id).first()
    assert row is not None
    return row


async def give_seat(institution_id: int, user_id: int) -> None:
    from roadshows.tables import InstitutionSeat

    await InstitutionSeat(institution=institution_id, user=user_id).save()


async def full_access(user: TestUser) -> bool:
    from app.auth import user_for_token
    from roadshows.entitlements import has_full_access

    current = await user_for_token(user.token)
    assert current is not None
    return await has_full_access(current)


async def mails_to(email: str, kind: str) -> int:
    from app.mail.tables import OutboxMessage

    return await OutboxMessage.count().where(
        (OutboxMessage.to_address == email) & (OutboxMessage.kind == kind)
    )

"""The Stripe gateway: SDK errors become domain errors in one place, Stripe being down leaves no
half-made subscription behind, and both API versions' object shapes are read."""

from __future__ import annotations

import pytest

from app.auth import user_for_token
from app.payments.errors import PaymentProviderRejected, PaymentProviderUnavailable, PaymentsNotConfigured
from app.payments.gateway import StripeGateway, invoice_snapshot, subscription_snapshot
from app.settings import StripeSettings
from roadshows import subscriptions
from roadshows.tables import InstitutionSubscription
from tests.factories import Factory
from tests.live import free_port
from tests.roadshows.subscriptions_support import institution, stripe_server_fixture  # noqa: F401
from tests.stripe_server import MONTHLY_PRICE, StripeTestServer, parse_form


def _down() -> StripeGateway:
    """A gateway pointed at a port nobody listens on."""
    return StripeGateway(
        StripeSettings(
            secret_key="sk_test_x", api_base=f"http://127.0.0.1:{free_port()}", price_monthly=MONTHLY_PRICE
        )
    )


async def test_unreachable_stripe_is_503_and_leaves_no_row(factory: Factory) -> None:
    inst = await institution(factory)
    admin = await user_for_token(inst.admin.token)
    assert admin is not None
    with pytest.raises(PaymentProviderUnavailable) as raised:
        await subscriptions.start_checkout(admin, inst.id, "monthly", 1, gateway=_down(), base_url="http://x")
    assert raised.value.status == 503 and raised.value.code == "payment_provider_unavailable"
    assert not await InstitutionSubscription.exists().where(InstitutionSubscription.institution == inst.id)

    # With a known customer the row is written first, then removed when Checkout cannot be made.
    await InstitutionSubscription(
        institution=inst.id, status="canceled", stripe_customer_id="cus_test_known"
    ).save()
    with pytest.raises(PaymentProviderUnavailable):
        await subscriptions.start_checkout(admin, inst.id, "monthly", 1, gateway=_down(), base_url="http://x")
    rows = await InstitutionSubscription.select(InstitutionSubscription.status).where(
        InstitutionSubscription.institution == inst.id
    )
    assert rows == [{"status": "canceled"}]


async def test_refused_requests_and_missing_keys(stripe_server: StripeTestServer) -> None:
    wrong_key = StripeGateway(StripeSettings(secret_key="sk_test_wrong", api_base=stripe_server.base_url))
    with pytest.raises(PaymentProviderRejected):
        await wrong_key.retrieve_subscription("sub_test_none")
    good = StripeGateway(StripeSettings(secret_key=stripe_server.secret_key, api_base=stripe_server.base_url))
    with pytest.raises(PaymentProviderRejected):
        await good.retrieve_invoice("in_test_missing")
    with pytest.raises(PaymentsNotConfigured):
        await StripeGateway(StripeSettings()).retrieve_subscription("sub_x")
    with pytest.raises(PaymentsNotConfigured):
        StripeGateway(StripeSettings(secret_key="sk_test_x")).verify_event(b"{}", "t=1,v1=x")


def test_both_shapes_of_subscriptions_and_invoices() -> None:
    recent = subscription_snapshot(
        {
            "id": "sub_1",
            "status": "active",
            "customer": {"id": "cus_1", "object": "customer"},
            "items": {
                "data": [{"price": {"id": "price_1"}, "quantity": 3, "current_period_end": 1900000000}]
            },
            "metadata": {"institution_id": 7},
        }
    )
    assert (recent.customer, recent.price_id, recent.quantity, recent.current_period_end) == (
        "cus_1",
        "price_1",
        3,
        1900000000,
    )
    assert recent.metadata == {"institution_id": "7"}
    older = subscription_snapshot(
        {
            "id": "sub_2",
            "status": "past_due",
            "customer": "cus_2",
            "current_period_end": 1800000000,
            "items": {},
        }
    )
    assert (older.current_period_end, older.quantity, older.price_id) == (1800000000, 1, None)
    assert invoice_snapshot({"id": "in_1", "subscription": "sub_2"}).subscription == "sub_2"
    assert (
        invoice_snapshot(
            {
                "id": "in_2",
                "parent": {"subscription_details": {"subscription": "sub_3"}},
                "subscription": None,
            }
        ).subscription
        == "sub_3"
    )


def test_the_test_server_reads_stripes_form_encoding() -> None:
    parsed = parse_form(
        "mode=subscription&line_items[0][price]=price_1&line_items[0][quantity]=2&metadata[a]=b&empty="
    )
    assert parsed == {
        "mode": "subscription",
        "line_items": {"0": {"price": "price_1", "quantity": "2"}},
        "metadata": {"a": "b"},
        "empty": "",
    }

"""Domain errors of payments, each with a stable ``code`` (mapped to problem JSON by ``app.errors``)."""

from __future__ import annotations

from app.errors import DomainError
from app.i18n import N_


class PaymentsNotConfigured(DomainError):
    status, code = 503, "payments_not_configured"
    message = N_("Online payments are not configured on this platform yet.")


class PlanNotAvailable(DomainError):
    status, code = 409, "plan_not_available"
    message = N_("This plan is not available for online payment.")


class PaymentProviderUnavailable(DomainError):
    """Stripe could not be reached or answered with a server error: worth trying again later."""

    status, code = 503, "payment_provider_unavailable"
    message = N_("The payment provider cannot be reached right now. Please try again in a few minutes.")


class PaymentProviderRejected(DomainError):
    """Stripe refused the request (a bad key, an unknown price or customer)."""

    status, code = 502, "payment_provider_error"
    message = N_("The payment provider refused the request. The platform's payment settings need a look.")


class InvalidWebhookSignature(DomainError):
    status, code = 400, "invalid_signature"
    message = N_("The webhook's signature is missing, wrong or too old.")


class PaymentObjectMissing(PaymentProviderRejected):
    """Stripe has no such object (404): retrying will not make it appear."""

    code = "payment_object_missing"

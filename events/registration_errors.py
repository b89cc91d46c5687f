"""Why a registration (or a change to one) was refused: stable codes for the API and pages."""

from __future__ import annotations

from app.errors import Conflict, InvalidInput
from app.i18n import N_


class RegistrationClosed(Conflict):
    code, message = "registration_closed", N_("Registration for this event is closed.")


class SalesNotOpen(Conflict):
    code, message = "sales_not_open", N_("Sales for this ticket type have not opened yet.")


class SalesClosed(Conflict):
    code, message = "sales_closed", N_("Sales for this ticket type have ended.")


class CapacityExhausted(Conflict):
    code, message = "capacity_exhausted", N_("This ticket type is sold out.")


class AlreadyRegistered(Conflict):
    code, message = "already_registered", N_("You are already registered for this event.")


class InvitationUsedUp(Conflict):
    code, message = "invitation_used_up", N_("This invitation code has been used up.")


class InvitationRequired(InvalidInput):
    code, message = "invitation_required", N_("This event is by invitation only: enter your invitation code.")

    def __init__(self) -> None:
        super().__init__({"invitation_code": N_("Enter your invitation code.")})


class InvitationInvalid(InvalidInput):
    code, message = "invitation_invalid", N_("This invitation code is not valid for this event.")

    def __init__(self) -> None:
        super().__init__({"invitation_code": N_("This invitation code is not valid for this event.")})


class PaymentRequired(Exception):
    """Not an error: the ticket has a price, so the seat is held and paid for (``events.payments``)."""


class NotCancellable(Conflict):
    code, message = "not_cancellable", N_("This registration can no longer be cancelled.")


class NotPending(Conflict):
    code, message = "not_pending", N_("Only registrations awaiting approval can be approved or rejected.")


class OfferExpired(Conflict):
    code, message = "offer_expired", N_("This offer has expired.")


class NoOffer(Conflict):
    code, message = "no_offer", N_("There is no open offer on this registration.")

"""How registration statuses read to people (pages, exports, flashes)."""

from __future__ import annotations

from app.i18n import N_, _

STATUS_LABELS: dict[str, str] = {
    "pending": N_("Pending approval"),
    "confirmed": N_("Confirmed"),
    "waitlisted": N_("On the waiting list"),
    "offered": N_("Seat offered"),
    "awaiting_pay": N_("Awaiting payment"),
    "rejected": N_("Not approved"),
    "cancelled": N_("Cancelled"),
    "expired": N_("Offer expired"),
}

# What people are told right after registering.
OUTCOME_MESSAGES: dict[str, str] = {
    "confirmed": N_("You are registered: your place is confirmed."),
    "waitlisted": N_("The event is full: you are on the waiting list. We will email you if a seat frees up."),
    "pending": N_("Your registration awaits the organiser's approval. We will email you the decision."),
    "awaiting_pay": N_("Your seat is held while you pay. Complete the payment to confirm it."),
}


def status_label(status: str) -> str:
    """The status in the current language."""
    return _(STATUS_LABELS.get(status, status))


def outcome_message(status: str) -> str:
    return _(OUTCOME_MESSAGES.get(status, STATUS_LABELS.get(status, status)))

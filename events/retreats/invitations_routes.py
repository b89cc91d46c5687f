"""Routes and listeners of the retreats' invitations area, collected by ``events.retreats.routes``."""

from __future__ import annotations

from typing import Any

from events.retreats import companions, invitation_pages, party_pages
from events.retreats.invitation_controllers import ROUTES as API_ROUTES

ROUTES: list[Any] = [
    *API_ROUTES,
    invitation_pages.invitations_page,
    invitation_pages.invite_submit,
    invitation_pages.import_submit,
    invitation_pages.resend_submit,
    invitation_pages.revoke_submit,
    invitation_pages.personal_page,
    invitation_pages.accept_submit,
    invitation_pages.decline_submit,
    party_pages.party_page,
    party_pages.add_submit,
    party_pages.edit_page,
    party_pages.edit_submit,
    party_pages.remove_submit,
    party_pages.companion_ticket,
]
LISTENERS: list[Any] = [companions.release_party_of_cancelled_guest]

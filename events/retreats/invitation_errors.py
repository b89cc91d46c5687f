"""What can go wrong with a retreat invitation, each with a stable code."""

from __future__ import annotations

from app.errors import Conflict, Forbidden
from app.i18n import N_


class NotARetreat(Conflict):
    code, message = "not_a_retreat", N_("Personal invitations are for retreats only.")


class NotPublished(Conflict):
    code, message = "retreat_not_published", N_("Publish the retreat before sending invitations.")


class AlreadyInvited(Conflict):
    code, message = "already_invited", N_("This email address is already invited to this event.")


class NotRevocable(Conflict):
    code, message = (
        "invitation_not_revocable",
        N_("An accepted invitation cannot be revoked; cancel the guest's registration instead."),
    )


class InvitationClosed(Conflict):
    code, message = (
        "invitation_closed",
        N_("The event has started: this invitation can no longer be answered."),
    )


class AlreadyAccepted(Conflict):
    code, message = "invitation_already_accepted", N_("This invitation has already been accepted.")


class SignInRequired(Forbidden):
    code, message = "sign_in_required", N_("Sign in with the account of this email address to accept.")


class OtherAccount(Conflict):
    code, message = (
        "invitation_other_account",
        N_("This invitation is addressed to another email address. Sign out, then open the link again."),
    )


class GuestAlreadyRegistered(Conflict):
    code, message = "already_registered", N_("This account is already registered for this event.")

"""Personal invitations to a retreat: organisers invite, resend and revoke; guests accept or decline.

Each invitation is a private link ``/retreat-invitations/<secret>``; only the secret's SHA-256
is stored (``token_hash``), so the database never holds a working link. Resending draws a new
secret: the previous link stops working.

Accepting binds the invitation to the account of its email address: an existing account must
be signed in (the link is never a way into someone's existing account); without one, an
account is made for that address and signed in (it has no password until the guest sets one
through "forgot password"). The claim is a conditional update of the invitation, so two clicks
give one registration. A declined invitation may still be accepted until the event starts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.auth import CurrentUser
from app.db import fast
from app.errors import DomainError, NotFound
from app.mail.outbox import RenderedMail, enqueue, render_mail
from events.access import organiser_event
from events.registration_db import now, transaction
from events.registration_mail import MailSet, format_moment, shared_context
from events.retreats.companions import announce, confirmed_seat
from events.retreats.invitation_errors import (
    AlreadyAccepted,
    AlreadyInvited,
    GuestAlreadyRegistered,
    InvitationClosed,
    NotARetreat,
    NotPublished,
    NotRevocable,
    OtherAccount,
    SignInRequired,
)
from events.retreats.invitation_schemas import (
    InvitationCreate,
    InvitationCreated,
    InvitationList,
    InvitationRead,
)
from events.retreats.invitation_text import (
    aware,
    guess_locale,
    hash_secret,
    invitation_link,
    new_secret,
    normalise_email,
)
from events.tables import RetreatInvitation


async def _account_locale(email: str) -> str | None:
    row = await fast().fetchrow("SELECT locale FROM luyan_user WHERE email = $1", email)
    return row["locale"] if row else None


def invitation_mail(event: dict[str, Any], inv: dict[str, Any], secret: str, locale: str) -> RenderedMail:
    return render_mail(
        "retreat_invitation",
        locale,
        name=inv["name"],
        honorific=inv["honorific"],
        event_title_en=event["title_en"],
        event_title_zh=event["title_zh"],
        event_when=format_moment(aware(event["starts_at"]), event["timezone"], locale),
        venue_en=event["venue_en"],
        venue_zh=event["venue_zh"],
        companions_allowed=inv["companions_allowed"],
        link=invitation_link(secret),
    )


async def retreat_event(user: CurrentUser, event_id: int) -> dict[str, Any]:
    event = await organiser_event(user, event_id)
    if event["kind"] != "retreat":
        raise NotARetreat()
    return event


def check_sendable(event: dict[str, Any]) -> None:
    """Links of draft or cancelled events answer 404, so none are mailed for them."""
    if event["status"] in ("draft", "cancelled"):
        raise NotPublished()


def invitation_read(row: dict[str, Any], companions: int = 0) -> InvitationRead:
    return InvitationRead(
        id=row["id"],
        event_id=row["event"],
        name=row["name"],
        email=row["email"],
        honorific=row["honorific"],
        organisation=row["organisation"],
        status=row["status"],
        companions_allowed=row["companions_allowed"],
        companions=companions,
        registration_id=row["registration"],
        note=row["note"],
        import_batch=row["import_batch"],
        created_at=aware(row["created_at"]),
        responded_at=aware(row["responded_at"]) if row["responded_at"] else None,
    )


async def insert_invitations(
    event: dict[str, Any],
    items: list[InvitationCreate],
    actor_id: int | None,
    batch: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> list[InvitationCreated]:
    """Write the invitations and queue their mails in one transaction: all or nothing."""
    check_sendable(event)
    prepared = []
    for done, item in enumerate(items, start=1):
        email = normalise_email(item.email)
        secret = new_secret()
        values = {
            "name": " ".join(item.name.split()),
            "email": email,
            "honorific": item.honorific.strip(),
            "organisation": item.organisation.strip(),
            "companions_allowed": item.companions_allowed,
            "note": item.note.strip(),
        }
        locale = guess_locale(values["name"], values["organisation"], await _account_locale(email))
        prepared.append((values, secret, invitation_mail(event, values, secret, locale)))
        if progress is not None:
            progress(done, len(items))
    ids: list[int] = []
    try:
        async with RetreatInvitation._meta.db.transaction():
            for values, secret, mail in prepared:
                row = RetreatInvitation(
                    event=event["id"],
                    token_hash=hash_secret(secret),
                    import_batch=batch,
                    created_by=actor_id,
                    **values,
                )
                await row.save()
                ids.append(row.id)
                await enqueue(values["email"], mail, "retreat.invitation", event["organisation"], event["id"])
    except Exception as exc:  # the (event, email) unique index: a concurrent invitation won
        if "unique" in str(exc).lower():
            raise AlreadyInvited() from exc
        raise
    rows = (
        await RetreatInvitation.select().where(RetreatInvitation.id.is_in(ids)).order_by(RetreatInvitation.id)
    )
    return [
        InvitationCreated(invitation=invitation_read(r), link=invitation_link(s))
        for r, (_v, s, _m) in zip(rows, prepared, strict=True)
    ]


async def invited_emails(event_id: int) -> set[str]:
    rows = await RetreatInvitation.select(RetreatInvitation.email).where(
        (RetreatInvitation.event == event_id) & (RetreatInvitation.status != "revoked")
    )
    return {r["email"] for r in rows}


async def create_invitation(user: CurrentUser, event_id: int, data: InvitationCreate) -> InvitationCreated:
    event = await retreat_event(user, event_id)
    check_sendable(event)
    if normalise_email(data.email) in await invited_emails(event_id):
        raise AlreadyInvited()
    (created,) = await insert_invitations(event, [data], user.id)
    return created


async def list_invitations(
    user: CurrentUser, event_id: int, status: str | None = None, search: str | None = None
) -> InvitationList:
    await retreat_event(user, event_id)
    rows = await fast().fetch(
        "SELECT i.*, (SELECT COUNT(*) FROM luyan_companion c JOIN luyan_registration r "
        "ON r.id = c.registration WHERE c.guest_registration = i.registration AND r.status = 'confirmed') "
        "AS companions FROM luyan_retreat_invitation i WHERE i.event = $1 ORDER BY i.name, i.id",
        event_id,
    )
    counts = {s: 0 for s in ("sent", "accepted", "declined", "revoked")}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    needle = (search or "").strip().lower()
    items = [
        invitation_read(dict(r), int(r["companions"]))
        for r in rows
        if (not status or r["status"] == status)
        and (not needle or needle in f"{r['name']} {r['email']} {r['organisation']}".lower())
    ]
    return InvitationList(counts=counts, total=len(rows), items=items)


async def _organised(
    user: CurrentUser, event_id: int, invitation_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    event = await retreat_event(user, event_id)
    row = (
        await RetreatInvitation.select()
        .where((RetreatInvitation.id == invitation_id) & (RetreatInvitation.event == event_id))
        .first()
    )
    if row is None:
        raise NotFound()
    return event, row


async def resend(user: CurrentUser, event_id: int, invitation_id: int) -> InvitationCreated:
    """A fresh link by mail; the old one stops working."""
    event, row = await _organised(user, event_id, invitation_id)
    if row["status"] == "revoked":
        raise NotFound()
    check_sendable(event)
    secret = new_secret()
    locale = guess_locale(row["name"], row["organisation"], await _account_locale(row["email"]))
    mail = invitation_mail(event, row, secret, locale)
    async with RetreatInvitation._meta.db.transaction():
        await RetreatInvitation.update({RetreatInvitation.token_hash: hash_secret(secret)}).where(
            RetreatInvitation.id == invitation_id
        )
        await enqueue(row["email"], mail, "retreat.invitation", event["organisation"], event_id)
    return InvitationCreated(invitation=invitation_read(row), link=invitation_link(secret))


async def revoke(user: CurrentUser, event_id: int, invitation_id: int) -> InvitationRead:
    await _organised(user, event_id, invitation_id)
    changed = (
        await RetreatInvitation.update({RetreatInvitation.status: "revoked"})
        .where((RetreatInvitation.id == invitation_id) & RetreatInvitation.status.is_in(["sent", "declined"]))
        .returning(RetreatInvitation.id)
    )
    _event, row = await _organised(user, event_id, invitation_id)
    if not changed and row["status"] != "revoked":
        raise NotRevocable()
    return invitation_read(row)


# -- the guest's side: the personal link ------------------------------------------------------------


INVITATION_SQL = """
SELECT i.id, i.event, i.email, i.name, i.honorific, i.organisation, i.status, i.companions_allowed,
       i.registration, i."user", e.organisation AS event_organisation, e.status AS event_status,
       e.title_en, e.title_zh, e.description_en, e.description_zh, e.venue_en, e.venue_zh,
       e.city_en, e.city_zh, e.starts_at, e.ends_at, e.timezone
FROM luyan_retreat_invitation i JOIN luyan_event e ON e.id = i.event
WHERE i.token_hash = $1
"""


async def by_secret(secret: str) -> dict[str, Any]:
    """The invitation behind a link; a wrong, old or revoked link answers 404."""
    if not secret or len(secret) > 100:
        raise NotFound()
    row = await fast().fetchrow(INVITATION_SQL, hash_secret(secret))
    if row is None or row["status"] == "revoked" or row["event_status"] in ("draft", "cancelled"):
        raise NotFound()
    row = dict(row)
    row["starts_at"], row["ends_at"] = aware(row["starts_at"]), aware(row["ends_at"])
    row["open"] = row["starts_at"] > now()
    return row


# The claim: of two concurrent accepts only one finds the invitation still open.
CLAIM_SQL = (
    "UPDATE luyan_retreat_invitation SET status = 'accepted', \"user\" = $2, responded_at = $3 "
    "WHERE id = $1 AND status IN ('sent', 'declined') AND registration IS NULL RETURNING id"
)


@dataclass(slots=True)
class Accepted:
    registration_id: int
    event_id: int
    user_row: dict[str, Any] | None  # the account to sign in (made now, or the signed-in one)


async def _account_for(inv: dict[str, Any], viewer: CurrentUser | None) -> tuple[int, dict[str, Any] | None]:
    """(user id, row to sign in or None when already signed in as it); see the module's docstring."""
    email = normalise_email(inv["email"])
    if viewer is not None:
        if normalise_email(viewer.email) != email:
            raise OtherAccount()
        return viewer.id, None
    existing = await fast().fetchrow("SELECT id FROM luyan_user WHERE email = $1", email)
    if existing is not None:
        raise SignInRequired()
    locale = guess_locale(inv["name"], inv["organisation"])
    async with transaction() as tx:
        await tx.execute(
            "INSERT INTO luyan_user (email, password_hash, display_name, locale, is_admin, is_entrepreneur, "
            "is_active, auth_epoch, created_at) VALUES ($1, '!', $2, $3, false, false, true, 0, $4) "
            "ON CONFLICT (email) DO NOTHING",
            email,
            inv["name"][:120],
            locale,
            now(),
        )
    row = await fast().fetchrow("SELECT id, auth_epoch, display_name FROM luyan_user WHERE email = $1", email)
    assert row is not None
    return int(row["id"]), dict(row)


async def accept(secret: str, viewer: CurrentUser | None) -> Accepted:
    inv = await by_secret(secret)
    if inv["status"] == "accepted" and inv["registration"] is not None:
        if viewer is None or viewer.id != inv["user"]:
            raise AlreadyAccepted()
        return Accepted(inv["registration"], inv["event"], None)
    if not inv["open"]:
        raise InvitationClosed()
    user_id, user_row = await _account_for(inv, viewer)
    locale = (await _account_locale(normalise_email(inv["email"]))) or "zh"
    async with transaction() as tx:
        claimed = await tx.fetchrow(CLAIM_SQL, inv["id"], user_id, now())
        if claimed is None:  # the other click won: it made the registration
            registration_id = None
        else:
            try:
                registration_id, ticket_type, code = await confirmed_seat(
                    tx,
                    inv["event"],
                    companion=False,
                    user_id=user_id,
                    name=inv["name"],
                    email=normalise_email(inv["email"]),
                    organisation=inv["organisation"],
                )
            except DomainError:
                raise
            except Exception as exc:  # one live registration per person and event
                if "unique" in str(exc).lower():
                    raise GuestAlreadyRegistered() from exc
                raise
            await tx.execute(
                "UPDATE luyan_retreat_invitation SET registration = $2 WHERE id = $1",
                inv["id"],
                registration_id,
            )
            ticket = await tx.fetchrow(
                "SELECT name_en, name_zh FROM luyan_ticket_type WHERE id = $1", ticket_type
            )
            assert ticket is not None
            mail = MailSet(locale, shared_context(inv, ticket, locale), {"name": inv["name"], "code": code})
            await tx.queue_mail(
                normalise_email(inv["email"]),
                mail.get("confirmed"),
                "registration.confirmed",
                inv["event_organisation"],
                inv["event"],
            )
    if registration_id is None:
        again = await by_secret(secret)
        if again["status"] != "accepted" or again["registration"] is None or again["user"] != user_id:
            raise AlreadyAccepted()
        return Accepted(again["registration"], inv["event"], user_row)
    announce(registration_id, inv["event"], ticket_type, user_id, "confirmed")
    return Accepted(registration_id, inv["event"], user_row)


async def decline(secret: str) -> dict[str, Any]:
    """Record a decline; an accepted invitation is cancelled through its registration instead."""
    inv = await by_secret(secret)
    if inv["status"] == "accepted":
        raise AlreadyAccepted()
    if not inv["open"]:
        raise InvitationClosed()
    await RetreatInvitation.update(
        {RetreatInvitation.status: "declined", RetreatInvitation.responded_at: now()}
    ).where((RetreatInvitation.id == inv["id"]) & RetreatInvitation.status.is_in(["sent", "declined"]))
    return await by_secret(secret)

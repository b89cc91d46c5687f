"""Reading the outbox: which messages a person may see, filtered and paginated.

Organisers see mail sent on behalf of their organisations; platform admins see everything
(account mail included). Another organisation's message answers 404, like a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import msgspec

from app.auth import CurrentUser
from app.errors import NotFound
from app.mail.tables import OutboxMessage

MailStatus = Literal["queued", "sending", "sent", "failed"]
MAIL_STATUSES: tuple[str, ...] = ("queued", "sending", "sent", "failed")
MAX_PER_PAGE = 100

_SUMMARY_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.to_address,
    OutboxMessage.subject,
    OutboxMessage.kind,
    OutboxMessage.status,
    OutboxMessage.attempts,
    OutboxMessage.last_error,
    OutboxMessage.organisation_id,
    OutboxMessage.event_id,
    OutboxMessage.created_at,
    OutboxMessage.sent_at,
)


class MailSummary(msgspec.Struct):
    id: int
    to_address: str
    subject: str
    kind: str
    status: MailStatus
    attempts: int
    last_error: str
    organisation_id: int | None
    event_id: int | None
    created_at: dt.datetime
    sent_at: dt.datetime | None


class MailRead(MailSummary):
    body_text: str
    body_html: str


class MailPage(msgspec.Struct):
    """One page of the outbox; ``total`` counts every match."""

    items: list[MailSummary]
    total: int
    page: int
    per_page: int


async def visible_organisations(user: CurrentUser) -> list[int] | None:
    """Organisation ids whose mail ``user`` may read; ``None`` means all (platform admin)."""
    if user.is_admin:
        return None
    return sorted((await user.memberships()).organisations)


def _where(org_ids: list[int] | None, event_id: int | None, status: str | None) -> list[Any]:
    conditions: list[Any] = []
    if org_ids is not None:
        conditions.append(OutboxMessage.organisation_id.is_in(org_ids))
    if event_id is not None:
        conditions.append(OutboxMessage.event_id == event_id)
    if status is not None:
        conditions.append(OutboxMessage.status == status)
    return conditions


async def list_mail(
    user: CurrentUser,
    *,
    event_id: int | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> MailPage:
    org_ids = await visible_organisations(user)
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    if org_ids == []:
        return MailPage(items=[], total=0, page=page, per_page=per_page)
    conditions = _where(org_ids, event_id, status)
    count = OutboxMessage.count()
    query = OutboxMessage.select(*_SUMMARY_COLUMNS)
    for condition in conditions:
        count = count.where(condition)
        query = query.where(condition)
    rows = (
        await query.order_by(OutboxMessage.id, ascending=False).limit(per_page).offset((page - 1) * per_page)
    )
    return MailPage(
        items=[MailSummary(**row) for row in rows], total=await count, page=page, per_page=per_page
    )


async def get_mail(user: CurrentUser, message_id: int) -> MailRead:
    row = (
        await OutboxMessage.select(*_SUMMARY_COLUMNS, OutboxMessage.body_text, OutboxMessage.body_html)
        .where(OutboxMessage.id == message_id)
        .first()
    )
    if row is None:
        raise NotFound()
    org_ids = await visible_organisations(user)
    if org_ids is not None and row["organisation_id"] not in org_ids:
        raise NotFound()
    return MailRead(**row)

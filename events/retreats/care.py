"""Care data of retreats: dietary, mobility and medical needs, and answers to care questions.

Who may do what:

* **Reading** (lists, one person, exports) needs a ``CarePermission`` for the event, whatever
  the reader's role: owners and platform admins grant it, to others or to themselves, so that
  every reader is named in the permission list. Organisers without it learn only *how many*
  people have care data; the API answers 403 ``care_permission_required`` (people who do not
  organise the event get 404, as for any event of another organisation).
* **Granting and revoking** is for owners of the event's organisation and platform admins.
* **The person themselves** (the guest, for their whole party; a companion, for themselves)
  enters and changes their own needs; that is not an organiser read and is not logged as one,
  but each change is logged as ``update`` with detail ``self``.

Every organiser read is logged in ``CareAccessLog`` (one row per list page, person or export),
and so is every change and every refusal, with what was asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.auth import CurrentUser
from app.db import fast
from app.errors import Forbidden, InvalidInput, NotFound
from app.i18n import N_, localized
from events.access import organiser_event
from events.registration_answers import options_of
from events.registration_db import now, transaction
from events.registration_queries import decode_answers
from events.retreats.care_schemas import (
    CareAnswer,
    CareLogPage,
    CareLogRead,
    CareOverview,
    CarePermissionRead,
    CareRead,
    CareRecordInput,
)
from events.tables import CareAccessLog, CarePermission, Event

LIVE = "r.status NOT IN ('cancelled', 'rejected', 'expired')"
PEOPLE_SQL = (
    'SELECT r.id, r.attendee_name, r.answers, r."user" AS user_id, c.guest_registration, '
    "cr.dietary, cr.mobility, cr.medical, cr.updated_at FROM luyan_registration r "
    "LEFT JOIN luyan_companion c ON c.registration = r.id "
    f"LEFT JOIN luyan_care_record cr ON cr.registration = r.id WHERE r.event = $1 AND {LIVE} "
    "ORDER BY COALESCE(c.guest_registration, r.id), r.id"
)
UPSERT_SQL = (
    "INSERT INTO luyan_care_record (registration, dietary, mobility, medical, updated_by, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (registration) DO UPDATE SET dietary = $2, "
    "mobility = $3, medical = $4, updated_by = $5, updated_at = $6"
)
LOG_SQL = (
    'INSERT INTO luyan_care_access_log (event, "user", registration, action, detail, created_at) '
    "VALUES ($1, $2, $3, $4, $5, $6)"
)


class CarePermissionRequired(Forbidden):
    code = "care_permission_required"
    message = N_("Care data of this event is shown only to organisers holding a care permission.")


class OwnersOnly(Forbidden):
    code = "care_owners_only"
    message = N_("Only owners of the organisation or platform admins manage care permissions.")


# -- the log -----------------------------------------------------------------------------------
async def log_access(
    event_id: int, user_id: int | None, action: str, detail: str, registration_id: int | None = None
) -> None:
    await CareAccessLog.insert(
        CareAccessLog(
            event=event_id, user=user_id, registration=registration_id, action=action, detail=detail[:200]
        )
    )


async def organiser_or_logged(user: CurrentUser, event_id: int, asked: str) -> dict[str, Any]:
    """The event for its organisers; anyone else's attempt is logged (if the event exists) and
    answered 404, like any event of another organisation."""
    try:
        return await organiser_event(user, event_id)
    except NotFound:
        if await Event.exists().where(Event.id == event_id):
            await log_access(event_id, user.id, "refused", f"not an organiser: {asked}")
        raise


async def may_read(user: CurrentUser, event_id: int) -> bool:
    return await CarePermission.exists().where(
        (CarePermission.event == event_id) & (CarePermission.user == user.id)
    )


async def may_grant(user: CurrentUser, event: dict[str, Any]) -> bool:
    if user.is_admin:
        return True
    return (await user.memberships()).organisations.get(event["organisation"]) == "owner"


async def _reader(
    user: CurrentUser, event_id: int, asked: str, registration_id: int | None = None
) -> dict[str, Any]:
    """The event if ``user`` may read its care data; else the refusal is logged and raised."""
    event = await organiser_or_logged(user, event_id, asked)
    if not await may_read(user, event_id):
        await log_access(event_id, user.id, "refused", asked, registration_id)
        raise CarePermissionRequired()
    return event


# -- reading -----------------------------------------------------------------------------------
async def _care_questions(event_id: int) -> list[dict[str, Any]]:
    return await fast().fetch(
        "SELECT id, kind, label_en, label_zh, options FROM luyan_question "
        "WHERE event = $1 AND care = $2 ORDER BY position, id",
        event_id,
        True,
    )


def _answer_text(question: dict[str, Any], value: Any) -> str:
    if question["kind"] == "text":
        return str(value)
    labels = {o["value"]: localized(o.get("en", ""), o.get("zh", "")) for o in options_of(question)}
    values = value if isinstance(value, list) else [value]
    return "; ".join(labels.get(str(v)) or str(v) for v in values)


def _care_read(row: dict[str, Any], questions: list[dict[str, Any]]) -> CareRead:
    answers = decode_answers(row["answers"])
    given = [
        CareAnswer(q["id"], q["label_en"], q["label_zh"], _answer_text(q, answers[str(q["id"])]))
        for q in questions
        if answers.get(str(q["id"])) not in (None, "", [])
    ]
    return CareRead(
        registration_id=row["id"],
        name=row["attendee_name"],
        role="companion" if row["guest_registration"] else "guest",
        guest_registration_id=row["guest_registration"],
        dietary=row["dietary"] or "",
        mobility=row["mobility"] or "",
        medical=row["medical"] or "",
        answers=given,
        updated_at=row["updated_at"],
    )


async def _people(event_id: int, ids: Iterable[int] | None = None) -> list[CareRead]:
    """Everyone live at the event (guests with their companions after them), or only ``ids``."""
    wanted = None if ids is None else set(ids)
    questions = await _care_questions(event_id)
    rows = await fast().fetch(PEOPLE_SQL, event_id)
    return [_care_read(r, questions) for r in rows if wanted is None or r["id"] in wanted]


async def overview(user: CurrentUser, event_id: int) -> CareOverview:
    """For any organiser of the event: whether care data exists, never what it says."""
    event = await organiser_event(user, event_id)
    people = await _people(event_id)
    return CareOverview(
        event_id=event_id,
        people_with_care_data=sum(1 for p in people if not p.is_empty),
        may_read=await may_read(user, event_id),
        may_grant=await may_grant(user, event),
    )


async def list_care(user: CurrentUser, event_id: int, asked: str = "care list") -> list[CareRead]:
    """Everyone with care data; one ``list`` row in the log."""
    await _reader(user, event_id, asked)
    people = [p for p in await _people(event_id) if not p.is_empty]
    await log_access(event_id, user.id, "list", asked)
    return people


async def read_care(user: CurrentUser, event_id: int, registration_id: int) -> CareRead:
    await _reader(user, event_id, "care record", registration_id)
    found = await _people(event_id, [registration_id])
    if not found:
        raise NotFound()
    await log_access(event_id, user.id, "read", "care record", registration_id)
    return found[0]


async def care_for(
    user: CurrentUser, event_id: int, registration_ids: Iterable[int] | None, purpose: str
) -> dict[int, CareRead]:
    """Care data of these people (``None``: everyone) for a manifest or export: ``Forbidden``
    (and a logged refusal) without a care permission, otherwise one ``export`` row naming
    ``purpose`` and how many people it covered."""
    await _reader(user, event_id, f"export: {purpose}")
    people = await _people(event_id, None if registration_ids is None else list(registration_ids))
    await log_access(event_id, user.id, "export", f"{purpose} ({len(people)})")
    return {p.registration_id: p for p in people}


# -- changing ----------------------------------------------------------------------------------
async def _save(
    event_id: int, registration_id: int, data: CareRecordInput, user_id: int, detail: str
) -> None:
    at = now()
    async with transaction() as tx:
        await tx.execute(
            UPSERT_SQL, registration_id, data.dietary.strip(), data.mobility.strip(),
            data.medical.strip(), user_id, at,
        )  # fmt: skip
        await tx.execute(LOG_SQL, event_id, user_id, registration_id, "update", detail, at)


async def update_care(
    user: CurrentUser, event_id: int, registration_id: int, data: CareRecordInput
) -> CareRead:
    """An organiser with a care permission corrects someone's needs (logged ``update``)."""
    await _reader(user, event_id, "update care record", registration_id)
    if not await _people(event_id, [registration_id]):
        raise NotFound()
    await _save(event_id, registration_id, data, user.id, "organiser")
    return (await _people(event_id, [registration_id]))[0]


# -- the person themselves ---------------------------------------------------------------------
async def my_party(user: CurrentUser, event_id: int) -> list[dict[str, Any]]:
    """The people ``user`` speaks for at the event: their own live registration first, then (for
    a guest) their companions. Rows: ``id``, ``attendee_name``, ``status``, ``role``."""
    mine = await fast().fetchrow(
        "SELECT r.id, r.attendee_name, r.status, c.guest_registration FROM luyan_registration r "
        "LEFT JOIN luyan_companion c ON c.registration = r.id "
        f'WHERE r.event = $1 AND r."user" = $2 AND {LIVE}',
        event_id,
        user.id,
    )
    if mine is None:
        return []
    if mine["guest_registration"]:
        return [{**mine, "role": "companion"}]
    companions = await fast().fetch(
        "SELECT r.id, r.attendee_name, r.status FROM luyan_companion c "
        f"JOIN luyan_registration r ON r.id = c.registration WHERE c.guest_registration = $1 AND {LIVE} "
        "ORDER BY r.id",
        mine["id"],
    )
    return [{**mine, "role": "guest"}] + [{**c, "role": "companion"} for c in companions]


async def my_care(user: CurrentUser, event_id: int) -> list[CareRead]:
    """The needs of my party, as I entered them (not an organiser read: not logged)."""
    party = await my_party(user, event_id)
    if not party:
        raise NotFound()
    by_id = {p.registration_id: p for p in await _people(event_id, [p["id"] for p in party])}
    return [by_id[p["id"]] for p in party if p["id"] in by_id]


async def save_my_care(
    user: CurrentUser, event_id: int, registration_id: int, data: CareRecordInput
) -> CareRead:
    """I enter or change my own or a companion's needs; logged as ``update`` by ``self``."""
    if registration_id not in {p["id"] for p in await my_party(user, event_id)}:
        raise NotFound()
    await _save(event_id, registration_id, data, user.id, "self")
    return (await _people(event_id, [registration_id]))[0]


# -- permissions -------------------------------------------------------------------------------
async def list_permissions(user: CurrentUser, event_id: int) -> list[CarePermissionRead]:
    """Who may read the event's care data: visible to every organiser of the event."""
    await organiser_event(user, event_id)
    rows = await fast().fetch(
        'SELECT p."user" AS user_id, '
        " u.display_name, u.email, p.granted_by, p.created_at "
        'FROM luyan_care_permission p JOIN luyan_user u ON u.id = p."user" '
        "WHERE p.event = $1 ORDER BY p.created_at, p.id",
        event_id,
    )
    return [CarePermissionRead(**r) for r in rows]


async def grant_candidates(event: dict[str, Any]) -> list[dict[str, Any]]:
    """Members of the event's organisation (only they can be granted the permission)."""
    return await fast().fetch(
        "SELECT u.id, u.display_name, u.email, m.role FROM luyan_organisation_member m "
        'JOIN luyan_user u ON u.id = m."user" WHERE m.organisation = $1 ORDER BY u.display_name, u.id',
        event["organisation"],
    )


async def _granter(user: CurrentUser, event_id: int, asked: str) -> dict[str, Any]:
    event = await organiser_or_logged(user, event_id, asked)
    if not await may_grant(user, event):
        await log_access(event_id, user.id, "refused", asked)
        raise OwnersOnly()
    return event


async def grant(user: CurrentUser, event_id: int, target_user_id: int) -> list[CarePermissionRead]:
    event = await _granter(user, event_id, f"grant to user {target_user_id}")
    target = next((m for m in await grant_candidates(event) if m["id"] == target_user_id), None)
    if target is None:
        raise InvalidInput({"user_id": N_("Choose a member of the event's organisation.")})
    async with transaction() as tx:
        added = await tx.fetchrow(
            'INSERT INTO luyan_care_permission (event, "user", granted_by, created_at) '
            'VALUES ($1, $2, $3, $4) ON CONFLICT (event, "user") DO NOTHING RETURNING id',
            event_id, target_user_id, user.id, now(),
        )  # fmt: skip
        if added is not None:
            detail = f"{target['display_name']} <{target['email']}>"
            await tx.execute(LOG_SQL, event_id, user.id, None, "granted", detail[:200], now())
    return await list_permissions(user, event_id)


async def revoke(user: CurrentUser, event_id: int, target_user_id: int) -> None:
    await _granter(user, event_id, f"revoke from user {target_user_id}")
    async with transaction() as tx:
        gone = await tx.fetchrow(
            'DELETE FROM luyan_care_permission WHERE event = $1 AND "user" = $2 RETURNING id',
            event_id,
            target_user_id,
        )
        if gone is None:
            raise NotFound()
        await tx.execute(LOG_SQL, event_id, user.id, None, "revoked", f"user {target_user_id}", now())


async def access_log(user: CurrentUser, event_id: int, limit: int = 100, offset: int = 0) -> CareLogPage:
    """The care access log, newest first: for owners and platform admins."""
    await _granter(user, event_id, "access log")
    total = await fast().fetchrow(
        "SELECT COUNT(*) AS n FROM luyan_care_access_log WHERE event = $1", event_id
    )
    rows = await fast().fetch(
        'SELECT l.id, l."user" AS user_id, '
        " COALESCE(u.display_name, '') AS user_name, l.registration, "
        "COALESCE(r.attendee_name, '') AS person, l.action, l.detail, l.created_at "
        'FROM luyan_care_access_log l LEFT JOIN luyan_user u ON u.id = l."user" '
        "LEFT JOIN luyan_registration r ON r.id = l.registration WHERE l.event = $1 "
        "ORDER BY l.created_at DESC, l.id DESC LIMIT $2 OFFSET $3",
        event_id,
        limit,
        offset,
    )
    items = [
        CareLogRead(**{k: v for k, v in r.items() if k != "registration"}, registration_id=r["registration"])
        for r in rows
    ]
    return CareLogPage(items=items, total=int(total["n"]) if total else 0, limit=limit, offset=offset)

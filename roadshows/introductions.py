"""Introduction requests: an institution asks a project's team to be introduced.

* **Who asks**: any member of an institution who can see the listed project, with or without a
  subscription (an introduction is how investors without one, and every investor for a
  ``full_on_introduction`` listing, reach a team). It is made on behalf of one institution
  (members of several name it) and carries a message.
* **One open request**: at most one ``pending`` request per institution and project; a second
  is 409 ``introduction_pending``, also when two arrive at once (the partial unique index
  decides), and one already accepted is 409 ``introduction_accepted``. After a decline or a
  withdrawal the institution may ask again.
* **Who decides**: the team (owner or co-editors) accepts or declines a pending request; the
  requester or an administrator of the institution may withdraw it while it is pending.
* **Contacts** are exchanged only on accept: the institution's members then see the team's
  contact fields (and the full details, ``roadshows.databank_views``), and the team sees the
  requester's name and email. Before that, the team sees the institution and the message.

Mail goes to both sides, each person in their own language, queued in the transaction that
made the change. Emits ``introduction.requested``, ``introduction.decided`` (with ``status``)
and ``introduction.withdrawn``, each with ``introduction_id`` and ``project_id``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.accounts.tables import Institution
from app.auth import CurrentUser
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.i18n import N_
from app.mail.outbox import enqueue, render_mail
from app.settings import get_settings
from app.signals import emit
from roadshows.access import team_project
from roadshows.databank_view_schemas import (
    InvestorIntroductionRead,
    RequesterContact,
    TeamContact,
    TeamIntroductionRead,
)
from roadshows.databank_views import visible_project
from roadshows.projects import is_unique_violation
from roadshows.submission_mail import team_recipients
from roadshows.tables import IntroductionRequest


class IntroductionPending(Conflict):
    code = "introduction_pending"
    message = N_("Your institution already has an introduction request waiting for this team's answer.")


class AlreadyIntroduced(Conflict):
    code = "introduction_accepted"
    message = N_("This team already accepted an introduction to your institution.")


class NotPending(Conflict):
    code = "introduction_not_pending"
    message = N_("This introduction request has already been answered or withdrawn.")


class NoInstitution(Forbidden):
    code = "not_an_institution_member"
    message = N_("Only members of an investment institution can request introductions.")


class NotRequester(Forbidden):
    code = "not_requester"
    message = N_("Only the person who asked, or an administrator of the institution, can withdraw it.")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _link(path: str) -> str:
    return f"{get_settings().public_base_url}{path}"


_REQUEST_COLUMNS = (
    IntroductionRequest.all_columns(),
    IntroductionRequest.institution.name_en.as_alias("institution_en"),
    IntroductionRequest.institution.name_zh.as_alias("institution_zh"),
    IntroductionRequest.requested_by.display_name.as_alias("requester_name"),
    IntroductionRequest.requested_by.email.as_alias("requester_email"),
    IntroductionRequest.requested_by.locale.as_alias("requester_locale"),
    IntroductionRequest.project.name_en.as_alias("project_en"),
    IntroductionRequest.project.name_zh.as_alias("project_zh"),
    IntroductionRequest.project.owner.as_alias("owner_id"),
    IntroductionRequest.project.contact_name.as_alias("contact_name"),
    IntroductionRequest.project.contact_email.as_alias("contact_email"),
    IntroductionRequest.project.contact_phone.as_alias("contact_phone"),
)


async def _request(request_id: int) -> dict[str, Any] | None:
    return (
        await IntroductionRequest.select(*_REQUEST_COLUMNS)
        .where(IntroductionRequest.id == request_id)
        .first()
    )


def investor_read(row: dict[str, Any]) -> InvestorIntroductionRead:
    accepted = row["status"] == "accepted"
    return InvestorIntroductionRead(
        id=row["id"],
        project_id=row["project"],
        project_name_en=row["project_en"],
        project_name_zh=row["project_zh"],
        institution_id=row["institution"],
        institution_name_en=row["institution_en"],
        institution_name_zh=row["institution_zh"],
        requested_by_name=row["requester_name"] or "",
        message=row["message"],
        status=row["status"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
        team_contact=TeamContact(
            name=row["contact_name"], email=row["contact_email"], phone=row["contact_phone"]
        )
        if accepted
        else None,
    )


def team_read(row: dict[str, Any]) -> TeamIntroductionRead:
    accepted = row["status"] == "accepted" and row["requested_by"] is not None
    return TeamIntroductionRead(
        id=row["id"],
        project_id=row["project"],
        institution_id=row["institution"],
        institution_name_en=row["institution_en"],
        institution_name_zh=row["institution_zh"],
        message=row["message"],
        status=row["status"],
        created_at=row["created_at"],
        decided_at=row["decided_at"],
        requester=RequesterContact(name=row["requester_name"] or "", email=row["requester_email"] or "")
        if accepted
        else None,
    )


# -- mail ------------------------------------------------------------------------------------
def _facts(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "project_en": row["project_en"],
        "project_zh": row["project_zh"],
        "institution_en": row["institution_en"],
        "institution_zh": row["institution_zh"],
        "message": row["message"],
    }


async def _mail_team(row: dict[str, Any], template: str, **extra: Any) -> None:
    link = _link(f"/me/projects/{row['project']}/databank")
    for person in await team_recipients(row["project"], row["owner_id"]):
        mail = render_mail(
            template, person["locale"] or "en", name=person["display_name"], link=link, **_facts(row), **extra
        )
        await enqueue(person["email"], mail, f"introduction.{template.removeprefix('introduction_')}")


async def _mail_requester(row: dict[str, Any], template: str, **extra: Any) -> None:
    if not row["requester_email"]:
        return
    mail = render_mail(
        template,
        row["requester_locale"] or "en",
        name=row["requester_name"],
        link=_link("/databank/introductions"),
        **_facts(row),
        **extra,
    )
    await enqueue(row["requester_email"], mail, f"introduction.{template.removeprefix('introduction_')}")


# -- the investor's side ---------------------------------------------------------------------
def _choose_institution(institutions: list[int], wanted: int | None) -> int:
    if not institutions:
        raise NoInstitution()
    if wanted is not None:
        if wanted not in institutions:
            raise InvalidInput({"institution_id": N_("You are not a member of this institution.")})
        return wanted
    if len(institutions) > 1:
        raise InvalidInput({"institution_id": N_("Choose the institution you ask for.")})
    return institutions[0]


async def request_introduction(
    user: CurrentUser, project_id: int, message: str, institution_id: int | None = None
) -> InvestorIntroductionRead:
    seen = await visible_project(user, project_id)
    institution = _choose_institution(seen.institutions, institution_id)
    message = message.strip()
    if not message:
        raise InvalidInput({"message": N_("Write a few words about why you would like to meet.")})
    scope = (IntroductionRequest.project == project_id) & (IntroductionRequest.institution == institution)
    if await IntroductionRequest.exists().where(scope & (IntroductionRequest.status == "accepted")):
        raise AlreadyIntroduced()
    row = IntroductionRequest(
        institution=institution, project=project_id, requested_by=user.id, message=message, created_at=_now()
    )
    try:
        async with IntroductionRequest._meta.db.transaction():
            if await IntroductionRequest.exists().where(scope & (IntroductionRequest.status == "pending")):
                raise IntroductionPending()
            await row.save()  # the partial unique index stops a concurrent second one
            saved = await _request(row.id)
            assert saved is not None
            await _mail_team(saved, "introduction_requested")
            await _mail_requester(saved, "introduction_sent")
    except Exception as exc:
        if is_unique_violation(exc):
            raise IntroductionPending() from None
        raise
    emit("introduction.requested", introduction_id=row.id, project_id=project_id)
    return investor_read(saved)


async def my_introductions(user: CurrentUser) -> list[InvestorIntroductionRead]:
    """The requests of every institution I belong to, newest first."""
    institutions = list((await user.memberships()).institutions)
    if not institutions:
        return []
    rows = (
        await IntroductionRequest.select(*_REQUEST_COLUMNS)
        .where(IntroductionRequest.institution.is_in(institutions))
        .order_by(IntroductionRequest.id, ascending=False)
    )
    return [investor_read(r) for r in rows]


async def withdraw_introduction(user: CurrentUser, request_id: int) -> InvestorIntroductionRead:
    row = await _request(request_id)
    memberships = (await user.memberships()).institutions
    if row is None or row["institution"] not in memberships:
        raise NotFound()
    if row["requested_by"] != user.id and memberships[row["institution"]] != "admin":
        raise NotRequester()
    changed = (
        await IntroductionRequest.update(
            {IntroductionRequest.status: "withdrawn", IntroductionRequest.decided_at: _now()}
        )
        .where((IntroductionRequest.id == request_id) & (IntroductionRequest.status == "pending"))
        .returning(IntroductionRequest.id)
    )
    if not changed:
        raise NotPending(extra={"status": row["status"]})
    emit("introduction.withdrawn", introduction_id=request_id, project_id=row["project"])
    return investor_read(await _request(request_id) or row)


# -- the team's side -------------------------------------------------------------------------
async def team_introductions(user: CurrentUser, project_id: int) -> list[TeamIntroductionRead]:
    await team_project(user, project_id)
    rows = (
        await IntroductionRequest.select(*_REQUEST_COLUMNS)
        .where(IntroductionRequest.project == project_id)
        .order_by(IntroductionRequest.id, ascending=False)
    )
    return [team_read(r) for r in rows]


async def decide(user: CurrentUser, project_id: int, request_id: int, accept: bool) -> TeamIntroductionRead:
    """Accept (contacts are exchanged) or decline a pending request to my project."""
    await team_project(user, project_id)
    row = await _request(request_id)
    if row is None or row["project"] != project_id:
        raise NotFound()
    status = "accepted" if accept else "declined"
    async with IntroductionRequest._meta.db.transaction():
        changed = (
            await IntroductionRequest.update(
                {
                    IntroductionRequest.status: status,
                    IntroductionRequest.decided_by: user.id,
                    IntroductionRequest.decided_at: _now(),
                }
            )
            .where((IntroductionRequest.id == request_id) & (IntroductionRequest.status == "pending"))
            .returning(IntroductionRequest.id)
        )
        if not changed:
            raise NotPending(extra={"status": row["status"]})
        row = await _request(request_id) or row
        if accept:
            await _mail_requester(
                row,
                "introduction_accepted",
                contact_name=row["contact_name"],
                contact_email=row["contact_email"],
                contact_phone=row["contact_phone"],
                project_link=_link(f"/databank/projects/{project_id}"),
            )
            await _mail_team(
                row,
                "introduction_connected",
                requester_name=row["requester_name"] or "",
                requester_email=row["requester_email"] or "",
            )
        else:
            await _mail_requester(row, "introduction_declined")
    emit("introduction.decided", introduction_id=request_id, project_id=project_id, status=status)
    return team_read(row)


async def institution_names(ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    return await Institution.select(Institution.id, Institution.name_en, Institution.name_zh).where(
        Institution.id.is_in(ids)
    )

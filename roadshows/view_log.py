"""Who looked at a project in the databank: one row per project, institution, user and UTC day,
counting that day's views.

Recording is one ``INSERT … ON CONFLICT (project, institution, "user", day) DO UPDATE SET
views = views + 1`` on the table's unique index, so concurrent views of the same person on the
same day never make a second row nor lose a count (SQLite and PostgreSQL alike). Only investors'
views are kept (a team looking at its own listing is not counted), always under an institution.

The team sees the log per institution (views, days, first and last seen) and per day; never
which person of an institution looked.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from piccolo.querystring import QueryString

from app.accounts.tables import Institution
from app.auth import CurrentUser
from roadshows.access import team_project
from roadshows.databank_view_schemas import DayViews, InstitutionViews, ViewLogRead
from roadshows.tables import ProjectView

log = logging.getLogger("luyan.databank.views")

CHART_DAYS = 30


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def record_view(
    project_id: int, institution_id: int, user_id: int, at: dt.datetime | None = None
) -> None:
    """Count one view (race-safe upsert on the day's row)."""
    moment = at or _now()
    row = ProjectView(
        project=project_id,
        institution=institution_id,
        user=user_id,
        day=moment.astimezone(dt.UTC).strftime("%Y-%m-%d"),
        views=1,
        first_at=moment,
        last_at=moment,
    )
    await ProjectView.insert(row).on_conflict(
        target=(ProjectView.project, ProjectView.institution, ProjectView.user, ProjectView.day),
        action="DO UPDATE",
        values=[
            (ProjectView.views, QueryString('"luyan_project_view"."views" + 1')),
            ProjectView.last_at,
        ],
    )


async def record_view_quietly(project_id: int, institution_id: int, user_id: int) -> None:
    """``record_view`` that never fails the page it is counted from."""
    try:
        await record_view(project_id, institution_id, user_id)
    except Exception:
        log.exception("could not record a view of project %s", project_id)


def _days(until: dt.date, count: int) -> list[str]:
    return [(until - dt.timedelta(days=offset)).isoformat() for offset in range(count - 1, -1, -1)]


async def view_log(user: CurrentUser, project_id: int, days: int = CHART_DAYS) -> ViewLogRead:
    """The project's views per institution and per day (the team only)."""
    await team_project(user, project_id)
    rows = await ProjectView.select(
        ProjectView.institution,
        ProjectView.day,
        ProjectView.views,
        ProjectView.first_at,
        ProjectView.last_at,
    ).where((ProjectView.project == project_id) & ProjectView.institution.is_not_null())
    per_institution: dict[int, dict[str, Any]] = {}
    per_day: dict[str, int] = {}
    for r in rows:
        entry = per_institution.setdefault(
            r["institution"],
            {"views": 0, "days": set(), "first": r["first_at"], "last": r["last_at"]},
        )
        entry["views"] += r["views"]
        entry["days"].add(r["day"])
        entry["first"] = min(entry["first"], r["first_at"])
        entry["last"] = max(entry["last"], r["last_at"])
        per_day[r["day"]] = per_day.get(r["day"], 0) + r["views"]
    names = {}
    if per_institution:
        names = {
            i["id"]: i
            for i in await Institution.select(Institution.id, Institution.name_en, Institution.name_zh).where(
                Institution.id.is_in(list(per_institution))
            )
        }
    institutions = [
        InstitutionViews(
            institution_id=inst_id,
            name_en=names.get(inst_id, {}).get("name_en", ""),
            name_zh=names.get(inst_id, {}).get("name_zh", ""),
            views=entry["views"],
            days=len(entry["days"]),
            first_seen=entry["first"],
            last_seen=entry["last"],
        )
        for inst_id, entry in per_institution.items()
    ]
    institutions.sort(key=lambda i: i.last_seen, reverse=True)
    chart = [DayViews(day=day, views=per_day.get(day, 0)) for day in _days(_now().date(), days)]
    return ViewLogRead(
        project_id=project_id,
        total_views=sum(per_day.values()),
        institutions=institutions,
        per_day=chart,
    )

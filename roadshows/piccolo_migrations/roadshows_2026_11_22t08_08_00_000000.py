"""Unique indexes of the databank's investor tables: one seat, follow, note, daily view row,
and one pending introduction request per institution and project."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T08:08:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "databank unique indexes"

STATEMENTS = [
    'CREATE UNIQUE INDEX luyan_institution_seat_one ON luyan_institution_seat (institution, "user")',
    'CREATE UNIQUE INDEX luyan_project_follow_one ON luyan_project_follow ("user", project)',
    'CREATE UNIQUE INDEX luyan_investor_note_one ON luyan_investor_note ("user", project)',
    'CREATE UNIQUE INDEX luyan_project_view_one ON luyan_project_view (project, institution, "user", day)',
    "CREATE UNIQUE INDEX luyan_introduction_pending_one ON luyan_introduction_request (institution, project) "
    "WHERE status = 'pending'",
]

ROLLBACK = [
    "DROP INDEX luyan_institution_seat_one",
    "DROP INDEX luyan_project_follow_one",
    "DROP INDEX luyan_investor_note_one",
    "DROP INDEX luyan_project_view_one",
    "DROP INDEX luyan_introduction_pending_one",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="roadshows", description=DESCRIPTION)

    async def run():
        from roadshows.tables import Project

        for statement in STATEMENTS:
            await Project.raw(statement)

    async def run_backwards():
        from roadshows.tables import Project

        for statement in ROLLBACK:
            await Project.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

"""Databank search: indexes for the common pairs of facets (sector with stage or region), so a
search with two facets reads the few projects they leave instead of a whole sector."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T08:31:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "databank search facet indexes"

STATEMENTS = [
    "CREATE INDEX luyan_project_sector_stage ON luyan_project (sector, stage)",
    "CREATE INDEX luyan_project_sector_region ON luyan_project (sector, region)",
]

ROLLBACK = [
    "DROP INDEX IF EXISTS luyan_project_sector_region",
    "DROP INDEX IF EXISTS luyan_project_sector_stage",
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

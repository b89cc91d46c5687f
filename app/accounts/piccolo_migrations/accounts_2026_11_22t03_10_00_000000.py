"""Composite uniques for memberships."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T03:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "membership uniques"

STATEMENTS = [
    "CREATE UNIQUE INDEX luyan_org_member_unique ON luyan_organisation_member (organisation, \"user\")",
    "CREATE UNIQUE INDEX luyan_inst_member_unique ON luyan_institution_member (institution, \"user\")",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def run():
        from app.accounts.tables import User

        for statement in STATEMENTS:
            await User.raw(statement)

    async def run_backwards():
        from app.accounts.tables import User

        await User.raw("DROP INDEX luyan_org_member_unique")
        await User.raw("DROP INDEX luyan_inst_member_unique")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

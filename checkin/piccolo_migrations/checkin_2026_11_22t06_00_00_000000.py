"""Arrivals per minute read admitted entry scans by event and scan time."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "arrivals index"

STATEMENTS = [
    "CREATE INDEX luyan_checkin_arrivals ON luyan_checkin (event, scanned_at) "
    "WHERE admitted AND direction = 'entry'",
]
ROLLBACK = ["DROP INDEX luyan_checkin_arrivals"]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="checkin", description=DESCRIPTION)

    async def run():
        from checkin.tables import Checkin

        for statement in STATEMENTS:
            await Checkin.raw(statement)

    async def run_backwards():
        from checkin.tables import Checkin

        for statement in ROLLBACK:
            await Checkin.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

"""Indexes for scans: exactly-once presence, per-list look-ups and arrival charts."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T05:29:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "scan indexes"

STATEMENTS = [
    # One presence row per ticket and list: the unique index behind exactly-once entry.
    "CREATE UNIQUE INDEX luyan_checkin_presence_one ON luyan_checkin_presence (checkin_list, registration)",
    "CREATE INDEX luyan_checkin_presence_event ON luyan_checkin_presence (event, registration)",
    "CREATE INDEX luyan_checkin_event_time ON luyan_checkin (event, created_at)",
    "CREATE INDEX luyan_checkin_list_reg ON luyan_checkin (checkin_list, registration)",
    "CREATE INDEX luyan_checkin_conflicts ON luyan_checkin (event) WHERE conflict",
]

ROLLBACK = [
    "DROP INDEX luyan_checkin_presence_one",
    "DROP INDEX luyan_checkin_presence_event",
    "DROP INDEX luyan_checkin_event_time",
    "DROP INDEX luyan_checkin_list_reg",
    "DROP INDEX luyan_checkin_conflicts",
]


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

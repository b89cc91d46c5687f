"""Indexes for livestream audience figures: one row per stream and minute, one per stream and
viewer (the unique indexes the counter's upserts rely on), and streams by event and start."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T08:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "livestream indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX luyan_live_viewer_minute_one ON luyan_live_viewer_minute (stream, minute)",
    "CREATE UNIQUE INDEX luyan_live_viewer_session_one ON luyan_live_viewer_session (stream, viewer)",
    "CREATE INDEX luyan_live_stream_event_start ON luyan_live_stream (event, starts_at)",
]

ROLLBACK = [
    "DROP INDEX luyan_live_viewer_minute_one",
    "DROP INDEX luyan_live_viewer_session_one",
    "DROP INDEX luyan_live_stream_event_start",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="livestream", description=DESCRIPTION)

    async def run():
        from livestream.tables import Stream

        for statement in STATEMENTS:
            await Stream.raw(statement)

    async def run_backwards():
        from livestream.tables import Stream

        for statement in ROLLBACK:
            await Stream.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

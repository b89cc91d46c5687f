"""Indexes Piccolo's column options cannot express: partial and composite uniques."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T03:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "registration and membership indexes"

STATEMENTS = [
    # One live registration per person and event; cancelled/rejected/expired ones may repeat.
    "CREATE UNIQUE INDEX luyan_registration_one_live ON luyan_registration (event, \"user\") "
    "WHERE status NOT IN ('cancelled', 'rejected', 'expired')",
    # The waiting list is read in order per ticket type.
    "CREATE INDEX luyan_registration_queue ON luyan_registration (ticket_type, status, id)",
    "CREATE UNIQUE INDEX luyan_invitation_code_unique ON luyan_invitation_code (event, code)",
    "CREATE UNIQUE INDEX luyan_event_staff_unique ON luyan_event_staff (event, \"user\", role)",
]

ROLLBACK = [
    "DROP INDEX luyan_registration_one_live",
    "DROP INDEX luyan_registration_queue",
    "DROP INDEX luyan_invitation_code_unique",
    "DROP INDEX luyan_event_staff_unique",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="events", description=DESCRIPTION)

    async def run():
        from events.tables import Event

        for statement in STATEMENTS:
            await Event.raw(statement)

    async def run_backwards():
        from events.tables import Event

        for statement in ROLLBACK:
            await Event.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

"""Unique indexes of retreats: one care permission per organiser and event, one sign-up per
activity and person, one party per room and night, one travel plan per party and direction."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T08:38:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "retreat unique indexes"

STATEMENTS = [
    'CREATE UNIQUE INDEX luyan_care_permission_one ON luyan_care_permission (event, "user")',
    "CREATE UNIQUE INDEX luyan_activity_signup_one ON luyan_activity_signup (activity, registration)",
    "CREATE UNIQUE INDEX luyan_room_night_one ON luyan_room_night (room, night)",
    "CREATE INDEX luyan_room_night_party ON luyan_room_night (guest_registration, night)",
    "CREATE UNIQUE INDEX luyan_travel_plan_one ON luyan_travel_plan (guest_registration, direction)",
    "CREATE UNIQUE INDEX luyan_retreat_invitation_email ON luyan_retreat_invitation (event, email) "
    "WHERE status <> 'revoked'",
    "CREATE UNIQUE INDEX luyan_room_number_one ON luyan_room (room_type, number)",
    "CREATE INDEX luyan_care_access_log_time ON luyan_care_access_log (event, created_at)",
]

ROLLBACK = [
    "DROP INDEX luyan_care_permission_one",
    "DROP INDEX luyan_activity_signup_one",
    "DROP INDEX luyan_room_night_one",
    "DROP INDEX luyan_room_night_party",
    "DROP INDEX luyan_travel_plan_one",
    "DROP INDEX luyan_retreat_invitation_email",
    "DROP INDEX luyan_room_number_one",
    "DROP INDEX luyan_care_access_log_time",
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

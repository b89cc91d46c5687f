"""Indexes Piccolo's column options cannot express: partial and composite uniques."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T05:01:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "ticket token indexes"

STATEMENTS = [
    # One live token per registration; revoked ones stay for the revocation list.
    "CREATE UNIQUE INDEX luyan_ticket_token_one_live ON luyan_ticket_token (registration) "
    "WHERE revoked_at IS NULL",
    "CREATE UNIQUE INDEX luyan_ticket_token_serial ON luyan_ticket_token (registration, serial)",
]

ROLLBACK = [
    "DROP INDEX luyan_ticket_token_one_live",
    "DROP INDEX luyan_ticket_token_serial",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="checkin", description=DESCRIPTION)

    async def run():
        from checkin.tables import TicketToken

        for statement in STATEMENTS:
            await TicketToken.raw(statement)

    async def run_backwards():
        from checkin.tables import TicketToken

        for statement in ROLLBACK:
            await TicketToken.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

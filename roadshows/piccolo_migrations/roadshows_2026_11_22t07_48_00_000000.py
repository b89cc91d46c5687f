"""Unique indexes: one membership, submission, entry, panel seat, conflict, score and listing."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T07:48:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "roadshows unique indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX luyan_project_member_one ON luyan_project_member (project, \"user\")",
    "CREATE UNIQUE INDEX luyan_submission_one ON luyan_submission (call, project)",
    "CREATE UNIQUE INDEX luyan_round_entry_one ON luyan_round_entry (round, submission)",
    "CREATE UNIQUE INDEX luyan_judge_assignment_one ON luyan_judge_assignment (round, judge)",
    "CREATE UNIQUE INDEX luyan_judge_conflict_one ON luyan_judge_conflict (judge, project)",
    "CREATE UNIQUE INDEX luyan_score_one ON luyan_score (round, submission, judge)",
    "CREATE UNIQUE INDEX luyan_databank_listing_one ON luyan_databank_listing (project)",
    "CREATE INDEX luyan_pitch_slot_order ON luyan_pitch_slot (event, position)",
]

ROLLBACK = [
    "DROP INDEX luyan_project_member_one",
    "DROP INDEX luyan_submission_one",
    "DROP INDEX luyan_round_entry_one",
    "DROP INDEX luyan_judge_assignment_one",
    "DROP INDEX luyan_judge_conflict_one",
    "DROP INDEX luyan_score_one",
    "DROP INDEX luyan_databank_listing_one",
    "DROP INDEX luyan_pitch_slot_order",
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

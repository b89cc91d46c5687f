"""Full-text search of the project databank: trigram indexes over project names and summaries.

Chinese has no spaces between words, so the index is of character trigrams, which match any
substring of three characters or more (``固态电池`` inside ``硫化物固态电池电芯``):

* SQLite: an FTS5 table with the ``trigram`` tokenizer whose content is ``luyan_project``
  (external content, rowid = project id). It indexes only listed projects (a listing not
  withdrawn); triggers on ``luyan_project`` and ``luyan_databank_listing`` keep it in step.
* PostgreSQL: the ``pg_trgm`` extension and a GIN trigram index on the lower-cased text of the
  four fields, which ``LIKE '%…%'`` uses. ``pg_trgm`` is a trusted extension (PostgreSQL 13+):
  the database owner may create it; otherwise a superuser runs
  ``CREATE EXTENSION pg_trgm`` once.

Both also get an index on listings by publication time for the "newest" order.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-22T08:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "databank search indexes"

FTS = "luyan_databank_fts"
COLUMNS = "name_en, name_zh, summary_en, summary_zh"
LISTED = "EXISTS (SELECT 1 FROM luyan_databank_listing l WHERE l.project = {ref} AND l.withdrawn_at IS NULL)"


def _values(ref: str) -> str:
    return f"{ref}.name_en, {ref}.name_zh, {ref}.summary_en, {ref}.summary_zh"


def _project_values(project_ref: str) -> str:
    """The indexed values of a project, read from ``luyan_project`` (for listing triggers)."""
    return f"SELECT {project_ref}, name_en, name_zh, summary_en, summary_zh FROM luyan_project WHERE id = {project_ref}"


# An external-content FTS5 table must be told the old values to forget a row ('delete'), so
# every trigger removes a row only when it was indexed (listed) and adds it only when listed.
SQLITE_STATEMENTS = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='luyan_project', "
    "content_rowid='id', tokenize='trigram')",
    f"INSERT INTO {FTS} (rowid, {COLUMNS}) SELECT p.id, {_values('p')} FROM luyan_project p "
    "WHERE " + LISTED.format(ref="p.id"),
    # a project's text changed: forget the old text, index the new one (if listed)
    f"""CREATE TRIGGER {FTS}_project_update AFTER UPDATE OF {COLUMNS} ON luyan_project
    WHEN {LISTED.format(ref="new.id")}
    BEGIN
      INSERT INTO {FTS} ({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {_values("old")});
      INSERT INTO {FTS} (rowid, {COLUMNS}) VALUES (new.id, {_values("new")});
    END""",
    f"""CREATE TRIGGER {FTS}_project_delete BEFORE DELETE ON luyan_project
    WHEN {LISTED.format(ref="old.id")}
    BEGIN
      INSERT INTO {FTS} ({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {_values("old")});
    END""",
    f"""CREATE TRIGGER {FTS}_listing_insert AFTER INSERT ON luyan_databank_listing
    WHEN new.withdrawn_at IS NULL
    BEGIN
      INSERT INTO {FTS} (rowid, {COLUMNS}) {_project_values("new.project")};
    END""",
    f"""CREATE TRIGGER {FTS}_listing_withdraw AFTER UPDATE OF withdrawn_at ON luyan_databank_listing
    WHEN old.withdrawn_at IS NULL AND new.withdrawn_at IS NOT NULL
    BEGIN
      INSERT INTO {FTS} ({FTS}, rowid, {COLUMNS})
        SELECT 'delete', id, name_en, name_zh, summary_en, summary_zh FROM luyan_project
        WHERE id = old.project;
    END""",
    f"""CREATE TRIGGER {FTS}_listing_relist AFTER UPDATE OF withdrawn_at ON luyan_databank_listing
    WHEN old.withdrawn_at IS NOT NULL AND new.withdrawn_at IS NULL
    BEGIN
      INSERT INTO {FTS} (rowid, {COLUMNS}) {_project_values("new.project")};
    END""",
    f"""CREATE TRIGGER {FTS}_listing_delete AFTER DELETE ON luyan_databank_listing
    WHEN old.withdrawn_at IS NULL
    BEGIN
      INSERT INTO {FTS} ({FTS}, rowid, {COLUMNS})
        SELECT 'delete', id, name_en, name_zh, summary_en, summary_zh FROM luyan_project
        WHERE id = old.project;
    END""",
    "CREATE INDEX luyan_databank_listing_listed ON luyan_databank_listing (published_at) "
    "WHERE withdrawn_at IS NULL",
]

SQLITE_ROLLBACK = [
    "DROP INDEX IF EXISTS luyan_databank_listing_listed",
    f"DROP TRIGGER IF EXISTS {FTS}_listing_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_listing_relist",
    f"DROP TRIGGER IF EXISTS {FTS}_listing_withdraw",
    f"DROP TRIGGER IF EXISTS {FTS}_listing_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_project_delete",
    f"DROP TRIGGER IF EXISTS {FTS}_project_update",
    f"DROP TABLE IF EXISTS {FTS}",
]

# The same expression as roadshows.databank_index.SEARCH_TEXT (the index is used only when the
# query's expression is identical).
PG_SEARCH_TEXT = "lower(name_en || ' ' || name_zh || ' ' || summary_en || ' ' || summary_zh)"

POSTGRES_STATEMENTS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX luyan_project_search_trgm ON luyan_project USING gin (({PG_SEARCH_TEXT}) gin_trgm_ops)",
    "CREATE INDEX luyan_databank_listing_listed ON luyan_databank_listing (published_at) "
    "WHERE withdrawn_at IS NULL",
]

POSTGRES_ROLLBACK = [
    "DROP INDEX IF EXISTS luyan_databank_listing_listed",
    "DROP INDEX IF EXISTS luyan_project_search_trgm",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="roadshows", description=DESCRIPTION)

    def statements(forward: bool) -> list[str]:
        from roadshows.tables import Project

        if Project._meta.db.engine_type == "postgres":
            return POSTGRES_STATEMENTS if forward else POSTGRES_ROLLBACK
        return SQLITE_STATEMENTS if forward else SQLITE_ROLLBACK

    async def run():
        from roadshows.tables import Project

        for statement in statements(True):
            await Project.raw(statement)

    async def run_backwards():
        from roadshows.tables import Project

        for statement in statements(False):
            await Project.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager

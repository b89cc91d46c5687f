"""Build the Piccolo engine from ``LUYAN_DATABASE_URL``."""

from __future__ import annotations

from pathlib import Path

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from app.db.sqlite_engine import PooledSQLiteEngine
from app.settings import Settings


def make_engine(settings: Settings) -> Engine:
    if settings.dialect == "sqlite":
        path: Path = settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return PooledSQLiteEngine(path=str(path), readers=settings.sqlite_readers)
    dsn = settings.database_url.replace("postgresql://", "postgres://", 1)
    return PostgresEngine(config={"dsn": dsn}, extra_nodes={})

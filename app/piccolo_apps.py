"""One way to declare a domain's Piccolo app (its tables and migrations folder)."""

from __future__ import annotations

import importlib
from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder


def domain_app(name: str, package: str, depends_on: list[str] | None = None) -> AppConfig:
    """The ``AppConfig`` of ``package``: tables from ``<package>.tables``, migrations beside it."""
    folder = Path(importlib.import_module(package).__file__ or "").parent
    return AppConfig(
        app_name=name,
        migrations_folder_path=str(folder / "piccolo_migrations"),
        table_classes=table_finder(modules=[f"{package}.tables"], exclude_imported=True),
        migration_dependencies=depends_on or [],
        commands=[],
    )

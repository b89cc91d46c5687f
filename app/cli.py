"""The ``luyan`` command: serve, migrate, load the demo, create an admin, send mail, check i18n.

A ``SettingsError`` from any command prints one line naming the variable and exits with 2,
before uvicorn or Piccolo get a chance to print a traceback.
"""

from __future__ import annotations

import asyncio
import os
import sys
import warnings
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

import asyncpg
import click

from app.settings import Settings, SettingsError, get_settings

os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")

T = TypeVar("T")
SETTINGS_ERROR_EXIT = 2
# Connection problems worth one line rather than a traceback (refused, unknown host or database,
# wrong password); anything else is a bug and keeps its traceback.
DATABASE_UNREACHABLE: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.exceptions.InvalidCatalogNameError,
    asyncpg.exceptions.InvalidAuthorizationSpecificationError,
)


def load_checked_settings() -> Settings:
    """Settings, or ``SettingsError``. Warnings (a generated secret key) print as one line each,
    and only when the settings are valid, so a bad value always gives exactly one line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        settings = get_settings()
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    return settings


def run_db(coro: Awaitable[T]) -> T:
    """Run a coroutine that uses the database, then close this loop's connections."""

    async def wrapper() -> T:
        from app import db

        try:
            return await coro
        finally:
            if db.is_sqlite():  # PostgreSQL: no pool was started, each query had its own connection
                await db.stop()

    try:
        return asyncio.run(wrapper())
    except DATABASE_UNREACHABLE as exc:
        raise click.ClickException(f"cannot use the database: {exc}") from exc


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """luyan (路演): roadshows, conferences, contests and academician retreats."""


@cli.command()
@click.option("--host", default=None, help="Interface to bind (default LUYAN_HOST, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (default LUYAN_PORT, 8000).")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Processes (LUYAN_WORKERS).")
@click.option("--reload", is_flag=True, help="Restart on code changes (development; one process).")
def serve(host: str | None, port: int | None, workers: int | None, reload: bool) -> None:
    """Serve the app with uvicorn."""
    import uvicorn

    settings = load_checked_settings()
    # Build the app once here so any start-up problem surfaces before uvicorn takes over.
    from app.asgi import create_app

    create_app(settings)
    print_demo_accounts()
    host = host or settings.host
    port = port or settings.port
    click.echo(f"luyan: serving on http://{'localhost' if host == '127.0.0.1' else host}:{port}")
    uvicorn.run(
        "app.asgi:create_app",
        factory=True,
        host=host,
        port=port,
        workers=None if reload else (workers or settings.workers),
        reload=reload,
        reload_dirs=["app", "events", "roadshows", "checkin", "livestream", "frontend/templates"]
        if reload
        else None,
        proxy_headers=True,
        # Live counts are tiny JSON frames: compressing them saves nothing and costs about
        # 40 kB per open socket (71 instead of 29 kB per viewer, measured: docs/capacity.md).
        ws_per_message_deflate=False,
        log_level="info",
    )


def print_demo_accounts() -> None:
    from app.demo import demo_accounts

    try:
        accounts = run_db(demo_accounts())
    except Exception as exc:  # no tables yet: the server still starts and says why
        click.echo(f"(demo accounts unavailable: {exc.__class__.__name__}; run `luyan migrate`)", err=True)
        return
    if not accounts:
        return
    from rich.console import Console
    from rich.table import Table

    from app.demo import DEMO_PASSWORD

    table = Table(title=f"Demo accounts (password: {DEMO_PASSWORD})", title_justify="left")
    table.add_column("role")
    table.add_column("email")
    table.add_column("what they can do")
    for role, email, note in accounts:
        table.add_row(role, email, note)
    Console().print(table)


@cli.command()
def migrate() -> None:
    """Apply every pending database migration (all apps)."""
    load_checked_settings()
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = run_db(run_forwards(app_name="all"))
    if not result.success:
        raise click.ClickException(result.message or "migrations failed")
    click.echo("luyan: database is up to date")


@cli.command()
def demo() -> None:
    """Load the demo data once (does nothing when it is already there)."""
    load_checked_settings()
    from app.demo import load_demo

    loaded = run_db(load_demo())
    click.echo("luyan: demo data loaded" if loaded else "luyan: demo data already loaded")


@cli.command("create-admin")
@click.argument("email")
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.password_option(help="Asked for when not given.")
def create_admin(email: str, name: str | None, password: str) -> None:
    """Create a platform admin (or make an existing account one, with this password)."""
    load_checked_settings()
    from app.accounts.passwords import MIN_PASSWORD_LENGTH

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(f"use at least {MIN_PASSWORD_LENGTH} characters", param_hint="password")
    created = run_db(_create_admin(email, name, password))
    click.echo(f"luyan: {'created' if created else 'updated'} admin {email.strip().lower()}")


async def _create_admin(email: str, name: str | None, password: str) -> bool:
    from app.accounts.passwords import hash_password
    from app.accounts.services import normalise_email
    from app.accounts.tables import User

    email = normalise_email(email)
    password_hash = await hash_password(password)
    if await User.exists().where(User.email == email):
        await User.update(
            {User.is_admin: True, User.password_hash: password_hash, User.auth_epoch: User.auth_epoch + 1}
        ).where(User.email == email)
        return False
    await User(
        email=email, password_hash=password_hash, display_name=name or email.split("@")[0], is_admin=True
    ).save()
    return True


@cli.command("send-mail")
def send_mail() -> None:
    """Send the mail that is due now, once (the server does this continuously)."""
    settings = load_checked_settings()
    import checkin.listeners  # noqa: F401  (registers the ticket QR attachment with the outbox)
    from app.mail.sender import send_due

    sent = run_db(send_due(settings))
    where = (
        f"SMTP {settings.smtp.host}:{settings.smtp.port}" if settings.smtp.configured else settings.mail_dir
    )
    click.echo(f"luyan: sent {sent} message(s) via {where}")


@cli.command("i18n")
def i18n() -> None:
    """List msgids (extracted with Babel per babel.cfg) without a Chinese translation."""
    from app.i18n_tools import extract_messages, untranslated

    messages = extract_messages()
    missing = untranslated(messages)
    for msgid, locations in missing.items():
        click.echo(f"untranslated: {msgid!r}  ({locations[0]})")
    click.echo(f"luyan: {len(messages) - len(missing)} of {len(messages)} msgids have a Chinese translation")
    if missing:
        sys.exit(1)


@cli.command("send-digests")
def send_digests() -> None:
    """Queue the saved-search digests that are due now, once (the server does this continuously)."""
    load_checked_settings()
    from roadshows.saved_searches import send_due_digests_once

    click.echo(f"luyan: queued {run_db(send_due_digests_once())} saved-search digest(s)")


@cli.command("retreat-invite")
@click.argument("event_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--duplicates",
    type=click.Choice(["skip", "refuse"]),
    default="skip",
    show_default=True,
    help="What to do with emails already invited to the event.",
)
def retreat_invite(event_id: int, file: Path, duplicates: str) -> None:
    """Invite the guests listed in FILE.csv to retreat EVENT_ID and mail their personal links."""
    load_checked_settings()
    from events.retreats.invitation_import import retreat_invite as run

    run(event_id, file, duplicates)


def main() -> None:
    try:
        cli.main(prog_name="luyan")
    except SettingsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(SETTINGS_ERROR_EXIT)


if __name__ == "__main__":
    main()

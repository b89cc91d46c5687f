"""Settings: a bad value stops start-up with one line naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from app.settings import SettingsError, load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KEY = {"LUYAN_SECRET_KEY": "k" * 40}

INVALID = [
    ("ENV", "staging"),
    ("PORT", "eighty"),
    ("PORT", "70000"),
    ("WORKERS", "0"),
    ("DATABASE_URL", "mysql://db/luyan"),
    ("DATABASE_URL", "sqlite:///"),
    ("DATABASE_URL", "postgresql:///luyan"),
    ("REDIS_URL", "http://127.0.0.1:6379"),
    ("PUBLIC_BASE_URL", "localhost:8000"),
    ("SECRET_KEY", "too-short"),
    ("DEBUG", "maybe"),
    ("SMTP_PORT", "smtp"),
    ("SMTP_STARTTLS", "sometimes"),
    ("LOGIN_RATE_PER_MINUTE", "0"),
    ("WAITLIST_OFFER_HOURS", "-1"),
    ("SQLITE_READERS", "many"),
    ("PG_POOL_SIZE", "1.5"),
    ("UNGUARDED_REGISTRATION", "1"),  # only allowed with LUYAN_ENV=test
    ("UNGUARDED_CHECKIN", "1"),
]


@pytest.mark.parametrize(("name", "value"), INVALID)
def test_invalid_value_gives_one_line_naming_the_variable(tmp_path: Path, name: str, value: str) -> None:
    env = {**KEY, "LUYAN_VAR_DIR": str(tmp_path), f"LUYAN_{name}": value}
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    assert info.value.variable == name
    message = str(info.value)
    assert message.startswith(f"LUYAN_{name}: ")
    assert "\n" not in message


def test_defaults_are_usable(tmp_path: Path) -> None:
    settings = load_settings({**KEY, "LUYAN_VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'luyan.sqlite3'}"
    assert settings.redis_url is None and not settings.smtp.configured and not settings.stripe.configured
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)


def test_missing_secret_key_is_generated_once_with_a_warning(tmp_path: Path) -> None:
    env = {"LUYAN_VAR_DIR": str(tmp_path)}
    with pytest.warns(UserWarning, match="LUYAN_SECRET_KEY is not set"):
        first = load_settings(env)
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first.secret_key
    assert len(first.secret_key) >= 32
    assert key_file.stat().st_mode & 0o777 == 0o600
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the second start-up reads the file silently
        second = load_settings(env)
    assert second.secret_key == first.secret_key


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"^LUYAN_SECRET_KEY: must be set in production$"):
        load_settings({"LUYAN_VAR_DIR": str(tmp_path), "LUYAN_ENV": "production"})
    assert not (tmp_path / "secret_key").exists()


def _cli(tmp_path: Path, overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LUYAN_")}
    # A fresh var dir without a secret key: the key warning must not add a second line.
    env.update({"LUYAN_VAR_DIR": str(tmp_path), **overrides})
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "command",
    [
        ["serve"],
        ["migrate"],
        ["demo"],
        ["send-mail"],
        ["create-admin", "a@example.test", "--password", "x" * 12],
    ],
)
def test_cli_bad_port_prints_one_line_and_exits_2(tmp_path: Path, command: list[str]) -> None:
    result = _cli(tmp_path, {"LUYAN_PORT": "eighty"}, *command)
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("LUYAN_PORT: expected a whole number")


def test_cli_bad_database_url_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    result = _cli(tmp_path, {**KEY, "LUYAN_DATABASE_URL": "mysql://db/luyan"}, "serve", "--port", "8999")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "LUYAN_DATABASE_URL: expected a sqlite:/// or postgresql:// URL, got scheme 'mysql'"
    ]

"""Settings read once from ``LUYAN_*`` environment variables.

An invalid value stops start-up with one line naming the variable (see ``SettingsError``).
A missing secret key is generated once into ``var/secret_key`` with a warning, so a fresh
machine runs without set-up while production supplies ``LUYAN_SECRET_KEY``.
"""

from __future__ import annotations

import functools
import os
import secrets
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREFIX = "LUYAN_"


class SettingsError(ValueError):
    """An environment variable holds a value luyan cannot use."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        super().__init__(f"{PREFIX}{variable}: {problem}")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str | None = None
    port: int = 587
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    sender: str = "luyan <noreply@luyan.local>"

    @property
    def configured(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True, slots=True)
class StripeSettings:
    secret_key: str | None = None
    publishable_key: str | None = None
    webhook_secret: str | None = None
    api_base: str | None = None  # a Stripe-compatible server, for tests on loopback
    price_monthly: str | None = None
    price_annual: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.secret_key)


@dataclass(frozen=True, slots=True)
class Settings:
    env: str = "development"  # development | production | test
    database_url: str = ""
    redis_url: str | None = None
    redis_namespace: str = "luyan"  # key prefix, so several deployments can share one Redis
    secret_key: str = ""
    public_base_url: str = "http://localhost:8000"
    var_dir: Path = PROJECT_ROOT / "var"
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    login_rate_per_minute: int = 10
    scan_rate_per_second: int = 10  # per scanner device or person, averaged over 10 s
    deck_max_bytes: int = 20 * 1024 * 1024  # largest pitch deck (PDF) accepted
    waitlist_offer_hours: int = 48
    sqlite_readers: int = 4
    pg_pool_size: int = 10
    # Only honoured when env == "test": turns the seat guard off so the concurrency
    # test's control run can show the oversell the guard prevents.
    unguarded_registration: bool = False
    unguarded_checkin: bool = False  # test-only control runs, like unguarded_registration
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    stripe: StripeSettings = field(default_factory=StripeSettings)

    @property
    def dialect(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite") else "postgres"

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    @property
    def secure_cookies(self) -> bool:
        return self.public_base_url.startswith("https://")


def _str(env: dict[str, str], name: str, default: str | None) -> str | None:
    value = env.get(PREFIX + name)
    return default if value is None or value.strip() == "" else value.strip()


def _int(env: dict[str, str], name: str, default: int, minimum: int = 0, maximum: int = 1_000_000) -> int:
    raw = _str(env, name, None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(name, f"expected a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise SettingsError(name, f"expected a number from {minimum} to {maximum}, got {value}")
    return value


def _bool(env: dict[str, str], name: str, default: bool) -> bool:
    raw = _str(env, name, None)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(name, f"expected true or false, got {raw!r}")


def _database_url(env: dict[str, str], var_dir: Path) -> str:
    raw = _str(env, "DATABASE_URL", None)
    if raw is None:
        return f"sqlite:///{var_dir / 'luyan.sqlite3'}"
    scheme = urlparse(raw).scheme
    if scheme == "sqlite":
        if not raw.startswith("sqlite:///") or raw == "sqlite:///":
            raise SettingsError("DATABASE_URL", "a SQLite URL looks like sqlite:///path/to/file.sqlite3")
        return raw
    if scheme in {"postgres", "postgresql"}:
        parsed = urlparse(raw)
        if not parsed.hostname or not parsed.path.strip("/"):
            raise SettingsError("DATABASE_URL", "a PostgreSQL URL needs a host and a database name")
        return raw
    raise SettingsError("DATABASE_URL", f"expected a sqlite:/// or postgresql:// URL, got scheme {scheme!r}")


def _redis_url(env: dict[str, str]) -> str | None:
    raw = _str(env, "REDIS_URL", None)
    if raw is not None and urlparse(raw).scheme not in {"redis", "rediss", "unix"}:
        raise SettingsError("REDIS_URL", f"expected a redis:// URL, got {raw!r}")
    return raw


def _base_url(env: dict[str, str]) -> str:
    raw = _str(env, "PUBLIC_BASE_URL", "http://localhost:8000")
    assert raw is not None
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise SettingsError("PUBLIC_BASE_URL", f"expected an http(s):// URL, got {raw!r}")
    return raw.rstrip("/")


def _secret_key(env: dict[str, str], var_dir: Path, app_env: str) -> str:
    raw = _str(env, "SECRET_KEY", None)
    if raw is not None:
        if len(raw) < 32:
            raise SettingsError("SECRET_KEY", "must be at least 32 characters long")
        return raw
    if app_env == "production":
        raise SettingsError("SECRET_KEY", "must be set in production")
    key_file = var_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    warnings.warn(
        f"{PREFIX}SECRET_KEY is not set: generated one into {key_file}. Set it in production.",
        stacklevel=2,
    )
    return key


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read settings from ``env`` (default ``os.environ``); raises ``SettingsError``."""
    env = dict(os.environ if env is None else env)
    app_env = _str(env, "ENV", "development")
    if app_env not in {"development", "production", "test"}:
        raise SettingsError("ENV", f"expected development, production or test, got {app_env!r}")
    var_dir = Path(_str(env, "VAR_DIR", str(PROJECT_ROOT / "var")) or "var").resolve()
    smtp = SmtpSettings(
        host=_str(env, "SMTP_HOST", None),
        port=_int(env, "SMTP_PORT", 587, 1, 65535),
        username=_str(env, "SMTP_USERNAME", None),
        password=_str(env, "SMTP_PASSWORD", None),
        starttls=_bool(env, "SMTP_STARTTLS", True),
        sender=_str(env, "SMTP_SENDER", "luyan <noreply@luyan.local>") or "",
    )
    stripe = StripeSettings(
        secret_key=_str(env, "STRIPE_SECRET_KEY", None),
        publishable_key=_str(env, "STRIPE_PUBLISHABLE_KEY", None),
        webhook_secret=_str(env, "STRIPE_WEBHOOK_SECRET", None),
        api_base=_str(env, "STRIPE_API_BASE", None),
        price_monthly=_str(env, "STRIPE_PRICE_MONTHLY", None),
        price_annual=_str(env, "STRIPE_PRICE_ANNUAL", None),
    )
    settings = Settings(
        env=app_env or "development",
        database_url=_database_url(env, var_dir),
        redis_url=_redis_url(env),
        redis_namespace=_str(env, "REDIS_NAMESPACE", "luyan") or "luyan",
        secret_key=_secret_key(env, var_dir, app_env or "development"),
        public_base_url=_base_url(env),
        var_dir=var_dir,
        debug=_bool(env, "DEBUG", False),
        host=_str(env, "HOST", "127.0.0.1") or "127.0.0.1",
        port=_int(env, "PORT", 8000, 1, 65535),
        workers=_int(env, "WORKERS", 1, 1, 64),
        login_rate_per_minute=_int(env, "LOGIN_RATE_PER_MINUTE", 10, 1, 10_000),
        scan_rate_per_second=_int(env, "SCAN_RATE_PER_SECOND", 10, 1, 10_000),
        deck_max_bytes=_int(env, "DECK_MAX_BYTES", 20 * 1024 * 1024, 1024, 1024**3),
        waitlist_offer_hours=_int(env, "WAITLIST_OFFER_HOURS", 48, 1, 24 * 30),
        sqlite_readers=_int(env, "SQLITE_READERS", 4, 1, 64),
        pg_pool_size=_int(env, "PG_POOL_SIZE", 10, 1, 500),
        unguarded_registration=_bool(env, "UNGUARDED_REGISTRATION", False),
        unguarded_checkin=_bool(env, "UNGUARDED_CHECKIN", False),
        smtp=smtp,
        stripe=stripe,
    )
    if settings.unguarded_registration and settings.env != "test":
        raise SettingsError("UNGUARDED_REGISTRATION", "is only allowed with LUYAN_ENV=test")
    if settings.unguarded_checkin and settings.env != "test":
        raise SettingsError("UNGUARDED_CHECKIN", "is only allowed with LUYAN_ENV=test")
    return settings


@functools.cache
def get_settings() -> Settings:
    return load_settings()

"""Rate limits for credential and scanning endpoints (stores are Redis-backed when configured)."""

from __future__ import annotations

from litestar.middleware.rate_limit import RateLimitConfig

from app.settings import get_settings

RATE_LIMIT_STORE = "rate_limit"


def login_rate_limit() -> RateLimitConfig:
    """Per client address, shared by every sign-in and token endpoint."""
    return RateLimitConfig(
        rate_limit=("minute", get_settings().login_rate_per_minute),
        store=RATE_LIMIT_STORE,
        set_rate_limit_headers=True,
    )

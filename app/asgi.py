"""The composition root: ``create_app()`` assembles every domain into one Litestar app.

Run with ``uvicorn app.asgi:create_app --factory`` (``luyan serve`` does this).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from litestar import Litestar
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.config.csrf import CSRFConfig
from litestar.logging import LoggingConfig
from litestar.middleware import DefineMiddleware
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Tag
from litestar.static_files import create_static_files_router
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore

from app import db, signals
from app.auth import AuthMiddleware, register_bearer_kind
from app.errors import EXCEPTION_HANDLERS
from app.middleware import (
    BearerAwareSessionMiddleware,
    LocaleMiddleware,
    SecurityHeadersMiddleware,
    TokenAwareCSRFMiddleware,
)
from app.settings import Settings, SettingsError, get_settings
from app.templating import template_config

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"
SESSION_COOKIE = "luyan_session"
CSRF_COOKIE = "luyan_csrf"

API_TAGS = [
    Tag(name="accounts", description="Sign-up, sign-in, API tokens, organisations and institutions."),
    Tag(name="events", description="Roadshows, conferences, contests and retreats; agenda and tickets."),
    Tag(name="registrations", description="Registering, the waiting list, approval and exports."),
    Tag(name="mail", description="The outbox of mail sent on an organisation's behalf."),
    Tag(name="checkin", description="QR tickets, check-in lists and scans."),
    Tag(
        name="retreats",
        description="Retreat invitations, companions, care data, itineraries, rooms, transport and manifests.",
    ),
    Tag(name="pitches", description="Projects, pitch decks, pitch calls, submissions and the stage."),
    Tag(name="judging", description="Contest rounds, judges, rubrics, scores, rankings and results."),
    Tag(
        name="databank",
        description="The project databank: search, project pages behind the paywall, watchlists, notes, introductions.",
    ),
    Tag(
        name="subscriptions",
        description="Investor plans, Stripe Checkout and the customer portal, complimentary seats, Stripe webhooks.",
    ),
    Tag(
        name="livestream",
        description="Livestreams of roadshows and sessions, and their live audience counts.",
    ),
]


SWITCH_INTERVAL_S = 0.0005


def _channels(settings: Settings) -> ChannelsPlugin:
    """Pub/sub for live pages (check-in arrivals): in memory for one process, Redis pub/sub
    across processes. Built here so every app gets its own backend and connection."""
    from litestar.channels.backends.memory import MemoryChannelsBackend

    if settings.redis_url:
        from litestar.channels.backends.redis import RedisChannelsPubSubBackend
        from redis.asyncio import Redis

        backend: ChannelsBackend = RedisChannelsPubSubBackend(
            redis=Redis.from_url(settings.redis_url), key_prefix=f"{settings.redis_namespace}:channels"
        )
    else:
        backend = MemoryChannelsBackend()
    return ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)


def _stores(settings: Settings) -> dict[str, Store]:
    if settings.redis_url:
        from litestar.stores.redis import RedisStore

        root = RedisStore.with_client(url=settings.redis_url, namespace=settings.redis_namespace)
        return {"rate_limit": root.with_namespace("rate_limit"), "cache": root.with_namespace("cache")}
    return {"rate_limit": MemoryStore(), "cache": MemoryStore()}


def _route_handlers() -> list:
    from app.accounts.controllers import ROUTES as account_api
    from app.accounts.pages import ROUTES as account_pages
    from app.mail.controllers import ROUTES as mail_api
    from app.pages import ROUTES as site_pages
    from checkin.routes import ROUTES as checkin_routes
    from events.routes import ROUTES as event_routes
    from livestream.routes import ROUTES as livestream_routes
    from roadshows.routes import ROUTES as roadshow_routes

    static = create_static_files_router(
        path="/static",
        directories=[FRONTEND / "static"],
        include_in_schema=False,
        opt={"exclude_from_csrf": True},
        guards=[],
    )
    return [
        *account_api,
        *account_pages,
        *mail_api,
        *site_pages,
        *event_routes,
        *checkin_routes,
        *roadshow_routes,
        *livestream_routes,
        static,
    ]


def _listeners() -> list:
    from checkin.listeners import LISTENERS as checkin_listeners
    from events.listeners import LISTENERS as event_listeners
    from livestream.routes import LISTENERS as livestream_listeners
    from roadshows.routes import LISTENERS as roadshow_listeners

    return [*event_listeners, *checkin_listeners, *roadshow_listeners, *livestream_listeners]


def _register_bearer_kinds() -> None:
    from checkin.devices import DEVICE_TOKEN_PREFIX, device_for_token

    register_bearer_kind(DEVICE_TOKEN_PREFIX, device_for_token)


def _register_page_extras() -> None:
    from events.page_extras import register
    from livestream.event_section import stream_section
    from roadshows.event_section import pitch_section

    register(stream_section)
    register(pitch_section)


def _background_tasks(settings: Settings) -> list:
    from app.mail.sender import run_sender
    from events.payment_sweeper import run_payment_sweeper
    from events.waitlist import run_sweeper
    from livestream.routes import background_tasks as livestream_tasks
    from roadshows.saved_searches import run_digests

    return [
        run_sender(settings),
        run_sweeper(),
        run_payment_sweeper(settings),
        run_digests(),
        *livestream_tasks(),
    ]


def create_app(settings: Settings | None = None) -> Litestar:
    if settings is None:
        try:
            settings = get_settings()
        except SettingsError as exc:
            # One line naming the variable, also when uvicorn calls this factory directly.
            print(f"luyan: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
    _register_bearer_kinds()
    _register_page_extras()
    secret = settings.secret_key.encode()
    session_config = CookieBackendConfig(
        secret=__import__("hashlib").sha256(secret + b"session").digest(),
        key=SESSION_COOKIE,
        max_age=14 * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    csrf_config = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=CSRF_COOKIE,
        header_name="x-csrftoken",
        cookie_secure=settings.secure_cookies,
        cookie_samesite="lax",
        exclude=["^/static/", "^/schema"],
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        await db.start()
        signals.bind(app)
        # Everything made at start-up lives as long as the process: freezing it keeps the
        # collector from walking it on every full collection (pauses of 70-160 ms under load).
        gc.collect()
        gc.freeze()
        # Hot paths hand work to threads (the SQLite writer, signature checks) that let go of
        # the GIL in C and must win it back from a busy event loop: with the default 5 ms switch
        # interval each hand-back can stall a batch for milliseconds. Measured on the scan
        # benchmark: 0.5 ms gave about 20% more scans per second; the loop alone is unaffected.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        tasks = [asyncio.create_task(job) for job in _background_tasks(settings)]
        try:
            yield
        finally:
            signals.bind(None)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await db.stop()

    app = Litestar(
        route_handlers=_route_handlers(),
        middleware=[
            SecurityHeadersMiddleware,
            LocaleMiddleware,
            # session_config.middleware, skipped for bearer-token requests:
            DefineMiddleware(
                BearerAwareSessionMiddleware, backend=session_config._backend_class(config=session_config)
            ),
            DefineMiddleware(AuthMiddleware),
            DefineMiddleware(TokenAwareCSRFMiddleware, config=csrf_config, session_cookie=SESSION_COOKIE),
        ],
        csrf_config=None,
        template_config=template_config(),
        exception_handlers=EXCEPTION_HANDLERS,
        stores=_stores(settings),
        plugins=[_channels(settings)],
        listeners=_listeners(),
        lifespan=[lifespan],
        openapi_config=OpenAPIConfig(
            title="luyan API",
            version="0.1.0",
            description="Roadshows, conferences, contests and retreats: the luyan platform API.",
            path="/schema",
            tags=API_TAGS,
            render_plugins=[
                SwaggerRenderPlugin(
                    path="/",
                    js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                    css_url="/static/vendor/swagger-ui/swagger-ui.css",
                    standalone_preset_js_url="/static/vendor/swagger-ui/swagger-ui-standalone-preset.js",
                    favicon="<link rel='icon' href='/static/favicon.svg'>",
                )
            ],
        ),
        logging_config=LoggingConfig(
            root={"level": "INFO", "handlers": ["queue_listener"]},
            log_exceptions="debug",
        ),
        debug=False,
    )
    app.state.settings = settings
    # LUYAN_DEBUG only raises log detail: error responses never carry tracebacks either way.
    logging.getLogger("luyan").setLevel(logging.DEBUG if settings.debug else logging.INFO)
    return app

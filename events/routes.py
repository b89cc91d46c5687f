"""Every route of the events domain, for ``app.asgi``."""

from events.controllers import ROUTES as EVENT_API
from events.pages import ROUTES as EVENT_PAGES
from events.registration_api import ROUTES as REGISTRATION_API
from events.registration_pages import ROUTES as REGISTRATION_PAGES
from events.retreats.routes import ROUTES as RETREAT_ROUTES

ROUTES = [*EVENT_API, *EVENT_PAGES, *REGISTRATION_API, *REGISTRATION_PAGES, *RETREAT_ROUTES]

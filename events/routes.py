"""Every route of the events domain, for ``app.asgi``."""

from events.controllers import ROUTES as EVENT_API
from events.pages import ROUTES as EVENT_PAGES
from events.payment_controllers import ROUTES as PAYMENT_API
from events.payment_pages import ROUTES as PAYMENT_PAGES
from events.payment_settlement import register_handlers as register_payment_handlers
from events.registration_api import ROUTES as REGISTRATION_API
from events.registration_pages import ROUTES as REGISTRATION_PAGES
from events.retreats.routes import ROUTES as RETREAT_ROUTES

ROUTES = [
    *EVENT_API,
    *EVENT_PAGES,
    *REGISTRATION_API,
    *REGISTRATION_PAGES,
    *PAYMENT_API,
    *PAYMENT_PAGES,
    *RETREAT_ROUTES,
]

# Ticket payments arrive through the shared Stripe webhook endpoint (``app.payments.handlers``).
register_payment_handlers()

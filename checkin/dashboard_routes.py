"""Routes of the organiser's check-in dashboard: pages, the figures API and the live socket."""

from checkin.dashboard_devices import ROUTES as DEVICE_PAGES
from checkin.dashboard_pages import ROUTES as DASHBOARD_PAGES
from checkin.live import ROUTES as LIVE_SOCKETS
from checkin.stats_controllers import ROUTES as STATS_API

ROUTES = [*DASHBOARD_PAGES, *DEVICE_PAGES, *STATS_API, *LIVE_SOCKETS]

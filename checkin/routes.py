"""Every route of the check-in domain, for ``app.asgi``."""

from checkin.controllers import ROUTES as CHECKIN_API
from checkin.dashboard_routes import ROUTES as DASHBOARD_ROUTES
from checkin.device_controllers import ROUTES as DEVICE_API
from checkin.pages import ROUTES as CHECKIN_PAGES
from checkin.scan_controllers import ROUTES as SCAN_API
from checkin.scanner_pages import ROUTES as SCANNER_PAGES

ROUTES = [*CHECKIN_API, *DEVICE_API, *SCAN_API, *CHECKIN_PAGES, *DASHBOARD_ROUTES, *SCANNER_PAGES]

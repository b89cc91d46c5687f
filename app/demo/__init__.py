"""Demo data drawn from real talent-work events, loaded once by ``make run`` / ``luyan demo``.

* the Jinhua Development Conference (1,000 invited scientists and entrepreneurs),
* weekly Yangtze River Delta open-air roadshows,
* the "Return of the Star" entrepreneurship contest (226 projects from the UK, the USA and France),
* a 5-day provincial academician recuperation retreat (150 academicians with their families).

Every demo account uses the password ``luyan-demo``.
"""

from app.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_accounts
from app.demo.loader import load_demo

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "demo_accounts", "load_demo"]

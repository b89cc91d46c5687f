"""Every route and listener of the roadshows domain, for ``app.asgi``.

Each area keeps its own list: projects and decks, pitch calls and submissions, judging,
results, the stage (slots, run of show, live leaderboard), and the databank: search, investors'
work with projects, and subscriptions.
"""

from roadshows import (
    calls_routes,
    databank_search_routes,
    investors_routes,
    judging_routes,
    projects_routes,
    results_routes,
    show_routes,
    subscriptions_routes,
)

_AREAS = (
    projects_routes,
    calls_routes,
    judging_routes,
    results_routes,
    show_routes,
    databank_search_routes,
    investors_routes,
    subscriptions_routes,
)

ROUTES = [route for area in _AREAS for route in area.ROUTES]
LISTENERS = [listener for area in _AREAS for listener in area.LISTENERS]

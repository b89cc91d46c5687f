"""Every route and listener of retreats: invitations and companions, care data, the itinerary,
and lodging (rooms, transport, manifests)."""

from events.retreats import care_routes, invitations_routes, itinerary_routes, lodging_routes

_AREAS = (invitations_routes, care_routes, itinerary_routes, lodging_routes)

ROUTES = [route for area in _AREAS for route in area.ROUTES]
LISTENERS = [listener for area in _AREAS for listener in area.LISTENERS]

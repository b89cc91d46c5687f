"""Academician recuperation retreats: personal invitations, companions with their own tickets,
care data behind a permission, the day-by-day itinerary, rooms, transport and manifests."""

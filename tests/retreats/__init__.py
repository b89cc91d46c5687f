"""Retreats: invitations, companions, care data, itinerary and lodging."""

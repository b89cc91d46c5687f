"""Tables of the livestream domain (arrive with its issue)."""

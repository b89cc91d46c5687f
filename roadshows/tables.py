"""Tables of the roadshows domain (arrive with its issue)."""

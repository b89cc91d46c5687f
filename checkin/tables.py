"""Tables of the checkin domain (arrive with its issue)."""

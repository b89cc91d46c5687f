"""Concurrency tests talk to a real server over real sockets."""

from tests.live_fixtures import live_server, start_live_server

__all__ = ["live_server", "start_live_server"]

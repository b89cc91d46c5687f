"""The live hub on its own: fan-out to a topic's sockets, one channels subscription per topic
and process, dead sockets dropped, the greeting first, the Origin rule; and two processes'
plugins on one Redis, where a message published by one reaches the other's sockets."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterable

import pytest
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.memory import MemoryChannelsBackend

from livestream.hub import Hub, origin_matches


class CountingBackend(MemoryChannelsBackend):
    """Records what the plugin asks the backend to (un)subscribe."""

    def __init__(self) -> None:
        super().__init__()
        self.subscribed: list[str] = []
        self.unsubscribed: list[str] = []

    async def subscribe(self, channels: Iterable[str]) -> None:
        channels = list(channels)
        self.subscribed.extend(channels)
        await super().subscribe(channels)

    async def unsubscribe(self, channels: Iterable[str]) -> None:
        channels = list(channels)
        self.unsubscribed.extend(channels)
        await super().unsubscribe(channels)


class FakeSocket:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.received: asyncio.Queue[dict] = asyncio.Queue()

    async def send_text(self, data: str) -> None:
        if self.fail:
            raise OSError("connection reset")
        await self.received.put(json.loads(data))

    async def next(self, within: float = 5.0) -> dict:
        return await asyncio.wait_for(self.received.get(), within)


@pytest.fixture
async def plugin() -> AsyncIterator[ChannelsPlugin]:
    channels = ChannelsPlugin(backend=CountingBackend(), arbitrary_channels_allowed=True)
    async with channels:
        yield channels


async def test_fan_out_reaches_every_socket_of_the_topic_only(plugin: ChannelsPlugin) -> None:
    hub = Hub(plugin)
    here = [FakeSocket() for _ in range(3)]
    elsewhere = FakeSocket()
    for socket in here:
        await hub.join("show-1", socket)
    await hub.join("show-2", elsewhere)
    hub.publish("show-1", {"type": "state", "n": 1})
    for socket in here:
        assert await socket.next() == {"type": "state", "n": 1}
    hub.publish("show-2", b'{"type":"other"}')  # JSON bytes go through as they are
    assert await elsewhere.next() == {"type": "other"}
    assert all(socket.received.empty() for socket in here)
    backend: CountingBackend = plugin._backend  # type: ignore[assignment]
    assert sorted(backend.subscribed) == ["show-1", "show-2"]  # one subscription per topic


async def test_the_last_socket_out_ends_the_subscription(plugin: ChannelsPlugin) -> None:
    hub = Hub(plugin)
    backend: CountingBackend = plugin._backend  # type: ignore[assignment]
    first, second = FakeSocket(), FakeSocket()
    await hub.join("leaderboard-7", first)
    await hub.join("leaderboard-7", second)
    await hub.leave("leaderboard-7", first)
    assert backend.unsubscribed == [] and hub.count("leaderboard-7") == 1
    hub.publish("leaderboard-7", {"n": 1})
    assert await second.next() == {"n": 1}
    await hub.leave("leaderboard-7", second)
    assert backend.unsubscribed == ["leaderboard-7"]
    assert "leaderboard-7" not in hub.topics and not plugin._channels.get("leaderboard-7")
    hub.publish("leaderboard-7", {"n": 2})
    await asyncio.sleep(0.05)
    assert second.received.empty() and first.received.empty()
    # Joining again subscribes again.
    async with hub.joined("leaderboard-7", first):
        hub.publish("leaderboard-7", {"n": 3})
        assert await first.next() == {"n": 3}
    assert backend.subscribed == ["leaderboard-7", "leaderboard-7"]
    assert backend.unsubscribed == ["leaderboard-7", "leaderboard-7"]


async def test_a_socket_whose_send_fails_is_dropped(plugin: ChannelsPlugin) -> None:
    hub = Hub(plugin)
    alive, dead = FakeSocket(), FakeSocket(fail=True)
    await hub.join("show-3", dead)
    await hub.join("show-3", alive)
    hub.publish("show-3", {"n": 1})
    assert await alive.next() == {"n": 1}
    assert hub.count("show-3") == 1 and dead not in hub.topics["show-3"].sockets
    hub.publish("show-3", {"n": 2})
    assert await alive.next() == {"n": 2}


async def test_the_greeting_comes_first_and_nothing_published_meanwhile_is_lost(
    plugin: ChannelsPlugin,
) -> None:
    hub = Hub(plugin)
    watcher, newcomer = FakeSocket(), FakeSocket()
    await hub.join("show-4", watcher)

    async def greeting() -> dict:
        # A change published while the newcomer's state is being read.
        await plugin.wait_published(b'{"n": "during"}', "show-4")
        assert await watcher.next() == {"n": "during"}
        return {"n": "greeting"}

    await hub.join("show-4", newcomer, greeting)
    assert await newcomer.next() == {"n": "greeting"}
    assert await newcomer.next() == {"n": "during"}
    hub.publish("show-4", {"n": "after"})
    assert await newcomer.next() == {"n": "after"}


def test_origin_rules() -> None:
    public = "https://luyan.example"
    assert origin_matches("https://luyan.example", "10.0.0.5:8000", public)
    assert origin_matches("http://127.0.0.1:8123", "127.0.0.1:8123", public)
    assert not origin_matches("https://evil.example", "luyan.example", public)
    assert not origin_matches("http://luyan.example", "other.example", public)
    assert not origin_matches(None, "luyan.example", public)
    assert not origin_matches("null", "luyan.example", public)
    assert not origin_matches("https://luyan.example.evil.example", "x", public)


@pytest.mark.skipif(not os.environ.get("LUYAN_REDIS_URL"), reason="delivery across processes needs Redis")
async def test_redis_carries_a_message_to_another_process() -> None:
    """Two plugins on one Redis stand for two processes: a publish in one reaches the
    sockets of the other."""
    from litestar.channels.backends.redis import RedisChannelsPubSubBackend
    from redis.asyncio import Redis

    url = os.environ["LUYAN_REDIS_URL"]
    prefix = f"luyan-test-hub-{uuid.uuid4().hex[:8]}"

    def process_plugin() -> ChannelsPlugin:
        backend = RedisChannelsPubSubBackend(redis=Redis.from_url(url), key_prefix=prefix)
        return ChannelsPlugin(backend=backend, arbitrary_channels_allowed=True)

    async with process_plugin() as here, process_plugin() as there:
        receiving, sending = Hub(there), Hub(here)
        sockets = [FakeSocket(), FakeSocket()]
        for socket in sockets:
            await receiving.join("show-99", socket)
        await asyncio.sleep(0.2)  # margin for the SUBSCRIBE to reach Redis
        sending.publish("show-99", {"type": "state", "from": "the other process"})
        for socket in sockets:
            assert await socket.next() == {"type": "state", "from": "the other process"}
        await receiving.leave("show-99", sockets[0])
        await receiving.leave("show-99", sockets[1])
        assert "show-99" not in receiving.topics

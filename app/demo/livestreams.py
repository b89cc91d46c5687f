"""Demo livestreams: the first roadshow week streams its main stage live, and the founders'
briefing held online three days ago has ended, with a replay and an audience report (minute
curve, viewers, watch time)."""

from __future__ import annotations

import datetime as dt
import math
import random

from events.tables import Event
from livestream.tables import Stream, ViewerMinute, ViewerSession

ROADSHOW_SLUG = "yrd-open-air-roadshow-week-1-shanghai"
# A public HLS test stream (Mux): plays where the internet is reachable; offline the page
# shows the player's fallback link.
DEMO_HLS = "https://test-streams.mux.dev/x36xhzz/x36xhzz.m3u8"
REPORT_VIEWERS = 600


async def load_livestreams(event_ids: dict[str, int], rng: random.Random) -> None:
    event_id = event_ids[ROADSHOW_SLUG]
    event = await Event.select(Event.starts_at, Event.ends_at).where(Event.id == event_id).first()
    assert event is not None
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    live = Stream(
        event=event_id,
        title_en="Main stage, live",
        title_zh="主舞台直播",
        player_kind="hls",
        player_url=DEMO_HLS,
        starts_at=event["starts_at"],
        ends_at=event["ends_at"],
        status="live",
        went_live_at=now,
    )
    await live.save()

    # Three days ago, 19:00-20:00 in Shanghai: an online briefing for the founders and investors.
    starts = (now - dt.timedelta(days=3)).replace(hour=11, minute=0, second=0)
    ends = starts + dt.timedelta(hours=1)
    minutes = max(10, int((ends - starts).total_seconds() // 60))
    curve = [
        round(REPORT_VIEWERS * 0.55 * math.sin(math.pi * (m + 1) / (minutes + 1)) ** 0.6)
        for m in range(minutes)
    ]
    peak = max(curve)
    ended = Stream(
        event=event_id,
        title_en="Founders' briefing before the roadshow",
        title_zh="路演前项目方说明会",
        player_kind="hls",
        player_url=DEMO_HLS,
        replay_url=DEMO_HLS,
        starts_at=starts,
        ends_at=ends,
        status="ended",
        went_live_at=starts,
        ended_at=ends,
        peak_viewers=peak,
        peak_at=starts + dt.timedelta(minutes=curve.index(peak)),
    )
    await ended.save()
    await ViewerMinute.insert(
        *[
            ViewerMinute(stream=ended.id, minute=starts + dt.timedelta(minutes=m), viewers=n)
            for m, n in enumerate(curve)
        ]
    )
    sessions = []
    for n in range(REPORT_VIEWERS):
        first = starts + dt.timedelta(seconds=rng.randint(0, minutes * 45))
        watched = rng.randint(60, minutes * 60 // 2)
        sessions.append(
            ViewerSession(
                stream=ended.id,
                viewer=f"bdemo{n:012d}{rng.getrandbits(32):08x}",
                first_seen=first,
                last_seen=first + dt.timedelta(seconds=watched),
                watch_seconds=watched,
                visits=1 + (rng.random() < 0.2),
            )
        )
    await ViewerSession.insert(*sessions)

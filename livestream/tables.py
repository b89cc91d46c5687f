"""Tables of the livestream domain: streams, and the audience figures kept after them.

The platform does not host video: a stream is a player URL from any provider (HLS or an embed
page), a schedule, a status and a replay link. Audience figures are aggregated so a season of a
million viewers stays small: one row per stream and minute (``ViewerMinute``) and one row per
stream and viewer (``ViewerSession``, watch time summed over visits), never a row per tick.
"""

from piccolo.columns import ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.tables import AgendaSession, Event


class Stream(Table, tablename="luyan_live_stream"):
    """A livestream of a roadshow event, or of one of its agenda sessions."""

    event = ForeignKey(references=Event, null=False, index=True, on_delete=OnDelete.cascade)
    # Deleting the session keeps the stream (it becomes a stream of the whole event).
    agenda_session = ForeignKey(
        references=AgendaSession, null=True, default=None, on_delete=OnDelete.set_null
    )
    title_en = Varchar(length=200)
    title_zh = Varchar(length=200, default="")
    player_kind = Varchar(length=10, default="hls")  # hls | embed
    player_url = Text()
    replay_url = Text(default="")
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    status = Varchar(length=10, default="upcoming", index=True)  # upcoming | live | ended
    went_live_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    # Highest number of viewers online at once; raised by the audience counter, never per tick.
    peak_viewers = Integer(default=0)
    peak_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ViewerMinute(Table, tablename="luyan_live_viewer_minute"):
    """The most viewers online at once during one UTC minute (unique per stream and minute)."""

    stream = ForeignKey(references=Stream, null=False, on_delete=OnDelete.cascade)
    minute = Timestamptz()  # start of the minute, UTC
    viewers = Integer(default=0)


class ViewerSession(Table, tablename="luyan_live_viewer_session"):
    """One viewer (a browser's viewer id, or a signed-in person) of one stream: every visit's
    watch time summed (unique per stream and viewer)."""

    stream = ForeignKey(references=Stream, null=False, on_delete=OnDelete.cascade)
    viewer = Varchar(length=64)
    first_seen = Timestamptz()
    last_seen = Timestamptz()
    watch_seconds = Integer(default=0)
    visits = Integer(default=0)

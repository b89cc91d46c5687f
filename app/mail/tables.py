"""The mail outbox: every message is a row first, then sent (or written to var/mail/)."""

from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class OutboxMessage(Table, tablename="luyan_outbox_message"):
    to_address = Varchar(length=254)
    subject = Varchar(length=300)
    body_text = Text()
    body_html = Text(default="")
    kind = Varchar(length=60, default="generic")  # e.g. registration.confirmed
    status = Varchar(length=12, default="queued", index=True)  # queued | sending | sent | failed
    attempts = Integer(default=0)
    last_error = Text(default="")
    # Who may read it in the UI; plain ids so the outbox knows no domain's tables.
    organisation_id = Integer(null=True, default=None, index=True)
    event_id = Integer(null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    next_attempt_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    # Attachments built when the message is sent, e.g. [{"kind": "ticket_qr", "code": "..."}]:
    # see app/mail/attachments.py. Queued before what they show exists (a ticket's token).
    attachments = JSON(default=[])

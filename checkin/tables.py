"""Tables of the check-in domain: per-event signing keys, the ticket tokens they sign, and
check-in lists (doors, days or sessions, each with its admission rules)."""

from piccolo.columns import JSON, Boolean, Bytea, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.tables import AgendaSession, Event, Registration


class EventSigningKey(Table, tablename="luyan_event_signing_key"):
    """One Ed25519 key pair per event. Scanners get the public key; the private key never leaves."""

    event = ForeignKey(references=Event, null=False, unique=True)
    key_id = Integer(default=1)  # goes into every token (4 bits), so a key can be rotated later
    # The raw 32-byte private key, wrapped with AES-GCM under a key derived (HKDF) from the
    # settings' secret key: 12-byte nonce + ciphertext + tag. See checkin/keys.py.
    private_key_wrapped = Bytea()
    public_key = Bytea()
    created_at = Timestamptz(default=TimestamptzNow())


class TicketToken(Table, tablename="luyan_ticket_token"):
    """Every token ever issued. One live (``revoked_at IS NULL``) token per registration
    (partial unique index in the migration); older ones are revoked and feed the revocation list."""

    registration = ForeignKey(references=Registration, null=False, index=True)
    serial = Integer()
    token = Text(unique=True)
    issued_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
    revoked_reason = Varchar(length=40, default="")


class CheckinList(Table, tablename="luyan_checkin_list"):
    """A list scanners check tickets against: a gate, a day or an agenda session, with rules.
    Empty ``ticket_type_ids`` / ``days`` mean every ticket type / every day of the event."""

    event = ForeignKey(references=Event, null=False, index=True)
    name_en = Varchar(length=120)
    name_zh = Varchar(length=120, default="")
    gate = Varchar(length=120, default="")
    # Deleting the session keeps the list (it becomes a plain gate list).
    agenda_session = ForeignKey(
        references=AgendaSession, null=True, default=None, on_delete=OnDelete.set_null
    )
    ticket_type_ids = JSON(default=[])  # [int]
    days = JSON(default=[])  # ["YYYY-MM-DD"], local dates in the event's time zone
    allow_reentry = Boolean(default=False)
    allow_exit = Boolean(default=False)
    position = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())

"""Tables of the check-in domain: per-event signing keys, the ticket tokens they sign, check-in
lists (doors, days or sessions, each with its admission rules), scanner devices and scans."""

from piccolo.columns import JSON, Boolean, Bytea, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.accounts.tables import User
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
    # Only these registrations may enter (e.g. those signed up for an optional activity);
    # None: every ticket the other rules allow. Kept in step by the service that owns the list.
    registration_ids = JSON(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ScannerDevice(Table, tablename="luyan_scanner_device"):
    """A phone paired to one event's check-in. It authenticates with a bearer device token
    (stored hashed) limited to the event and to ``list_ids`` (empty: every list of the event).
    Pairing: the organiser's dashboard shows a one-time code as a QR; the phone trades it for
    the device token. Revoking ends the token at once."""

    event = ForeignKey(references=Event, null=False, index=True)
    name = Varchar(length=120)
    list_ids = JSON(default=[])  # [int]
    token_hash = Varchar(length=64, null=True, default=None, unique=True)
    pairing_code_hash = Varchar(length=64, null=True, default=None, unique=True)
    pairing_expires_at = Timestamptz(null=True, default=None)
    paired_at = Timestamptz(null=True, default=None)
    last_seen_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class Checkin(Table, tablename="luyan_checkin"):
    """Every scan, whatever its outcome: the audit log, the idempotency record (``nonce_key``
    is unique: a retried nonce finds its first answer here) and the source of arrival charts."""

    event = ForeignKey(references=Event, null=False)
    checkin_list = ForeignKey(references=CheckinList, null=False)
    registration = ForeignKey(references=Registration, null=True, default=None)
    serial = Integer(null=True, default=None)  # the token serial scanned (None: manual check-in)
    device = ForeignKey(references=ScannerDevice, null=True, default=None, on_delete=OnDelete.set_null)
    staff_user = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    device_label = Varchar(length=120, default="")  # the device's or staff member's name, kept
    nonce_key = Varchar(length=160, unique=True)  # "d<device id>:<nonce>" or "u<user id>:<nonce>"
    direction = Varchar(length=5, default="entry")  # entry | exit
    code = Varchar(length=30)  # ok, already_checked_in, revoked, ... (see checkin/scans.py)
    admitted = Boolean(default=False)  # the door let the person through (or out)
    offline = Boolean(default=False)  # decided on the device without the server, synced later
    conflict = Boolean(default=False)  # admitted offline although already admitted elsewhere
    scanned_at = Timestamptz()  # when the device scanned (client clock for offline scans)
    created_at = Timestamptz(default=TimestamptzNow())  # when the server recorded it


class CheckinPresence(Table, tablename="luyan_checkin_presence"):
    """Per list and registration: admitted at all, inside now, how often. Exactly-once entry
    rests on its unique (checkin_list, registration) index and conditional updates."""

    event = ForeignKey(references=Event, null=False)
    checkin_list = ForeignKey(references=CheckinList, null=False)
    registration = ForeignKey(references=Registration, null=False)
    inside = Boolean(default=True)
    entries = Integer(default=1)
    first_checkin = ForeignKey(references=Checkin, null=True, default=None, on_delete=OnDelete.set_null)
    first_at = Timestamptz()
    last_at = Timestamptz()

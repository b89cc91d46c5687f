"""Tables of the check-in domain: per-event signing keys and the ticket tokens they sign."""

from piccolo.columns import Bytea, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from events.tables import Event, Registration


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

"""Events of the four kinds, their agenda, tickets, questions and registrations."""

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.accounts.tables import Organisation, User


class Event(Table, tablename="luyan_event"):
    organisation = ForeignKey(references=Organisation, null=False, index=True)
    slug = Varchar(length=120, unique=True)
    kind = Varchar(length=20, index=True)  # roadshow | conference | contest | retreat
    status = Varchar(length=20, default="draft", index=True)  # draft | published | closed | cancelled
    title_en = Varchar(length=200)
    title_zh = Varchar(length=200, default="")
    description_en = Text(default="")
    description_zh = Text(default="")
    venue_en = Varchar(length=200, default="")
    venue_zh = Varchar(length=200, default="")
    city_en = Varchar(length=100, default="", index=True)
    city_zh = Varchar(length=100, default="")
    timezone = Varchar(length=64, default="Asia/Shanghai")
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    invitation_only = Boolean(default=False)
    waitlist_enabled = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    published_at = Timestamptz(null=True, default=None)


class AgendaSession(Table, tablename="luyan_agenda_session"):
    event = ForeignKey(references=Event, null=False, index=True)
    title_en = Varchar(length=200)
    title_zh = Varchar(length=200, default="")
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    room = Varchar(length=120, default="")
    speakers = JSON(default=[])  # list of names


class TicketType(Table, tablename="luyan_ticket_type"):
    event = ForeignKey(references=Event, null=False, index=True)
    name_en = Varchar(length=120)
    name_zh = Varchar(length=120, default="")
    capacity = Integer()
    # Seats held by confirmed registrations and open waiting-list offers. Changed only by
    # conditional updates (``taken < capacity``) in the registration service.
    taken = Integer(default=0)
    price_cents = Integer(default=0)
    currency = Varchar(length=3, default="CNY")
    requires_approval = Boolean(default=False)
    sales_start = Timestamptz(null=True, default=None)
    sales_end = Timestamptz(null=True, default=None)
    position = Integer(default=0)


class Question(Table, tablename="luyan_question"):
    event = ForeignKey(references=Event, null=False, index=True)
    kind = Varchar(length=10)  # text | single | multiple
    label_en = Varchar(length=300)
    label_zh = Varchar(length=300, default="")
    required = Boolean(default=False)
    options = JSON(default=[])  # [{"value": "...", "en": "...", "zh": "..."}]
    position = Integer(default=0)


class InvitationCode(Table, tablename="luyan_invitation_code"):
    event = ForeignKey(references=Event, null=False, index=True)
    code = Varchar(length=40)
    max_uses = Integer(default=1)
    used = Integer(default=0)
    note = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Registration(Table, tablename="luyan_registration"):
    event = ForeignKey(references=Event, null=False, index=True)
    ticket_type = ForeignKey(references=TicketType, null=False, index=True)
    user = ForeignKey(references=User, null=False, index=True)
    # pending (awaits approval) | confirmed | waitlisted | offered | rejected | cancelled | expired
    status = Varchar(length=12, index=True)
    code = Varchar(length=12, unique=True)  # short public reference shown on tickets
    attendee_name = Varchar(length=120)
    attendee_email = Varchar(length=254)
    attendee_organisation = Varchar(length=200, default="")
    answers = JSON(default={})
    invitation_code = ForeignKey(references=InvitationCode, null=True, default=None)
    offer_expires_at = Timestamptz(null=True, default=None)
    # Optional seat set by the organisers, e.g. "Hall A · Row 3 · Seat 12"; shown on the ticket.
    seat = Varchar(length=120, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class EventStaff(Table, tablename="luyan_event_staff"):
    """People an organiser lets work one event's doors (check-in staff)."""

    event = ForeignKey(references=Event, null=False, index=True)
    user = ForeignKey(references=User, null=False, index=True)
    role = Varchar(length=20, default="checkin")
    created_at = Timestamptz(default=TimestamptzNow())

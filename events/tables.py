"""Events of the four kinds, their agenda, tickets, questions and registrations."""

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
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
    # Health, mobility or dietary: answers are care data (events.retreats.care), shown only with a
    # care permission and left out of general exports.
    care = Boolean(default=False)


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


# -- retreats: invitations, companions, care data, itinerary, rooms and transport ---------------


class RetreatInvitation(Table, tablename="luyan_retreat_invitation"):
    """A personal invitation to a retreat: a private link the guest accepts or declines."""

    event = ForeignKey(references=Event, null=False, index=True)
    email = Varchar(length=254)
    name = Varchar(length=120)
    honorific = Varchar(length=60, default="")  # e.g. "Academician" / "院士"
    organisation = Varchar(length=200, default="")
    token_hash = Varchar(length=64, unique=True)  # sha256 of the link's secret
    status = Varchar(length=10, default="sent")  # sent | accepted | declined | revoked
    companions_allowed = Integer(default=2)
    registration = ForeignKey(references=Registration, null=True, default=None)  # made on accept
    user = ForeignKey(references=User, null=True, default=None)  # the account that accepted
    note = Varchar(length=200, default="")
    import_batch = Varchar(length=40, default="")  # which CSV import created it
    created_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    responded_at = Timestamptz(null=True, default=None)


class Companion(Table, tablename="luyan_companion"):
    """A person travelling with a guest: a registration of their own (own ticket, QR, check-in)."""

    registration = ForeignKey(references=Registration, null=False, unique=True)  # the companion's
    guest_registration = ForeignKey(references=Registration, null=False, index=True)  # whose party
    relationship = Varchar(length=12, default="spouse")  # spouse | child | parent | assistant | other
    age_group = Varchar(length=8, default="adult")  # infant | child | adult | senior
    created_at = Timestamptz(default=TimestamptzNow())


class CarePermission(Table, tablename="luyan_care_permission"):
    """An organiser allowed to read one event's care data (dietary, mobility, medical)."""

    event = ForeignKey(references=Event, null=False, index=True)
    user = ForeignKey(references=User, null=False, index=True)
    granted_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class CareRecord(Table, tablename="luyan_care_record"):
    """Sensitive needs of one person (guest or companion); read only with a care permission."""

    registration = ForeignKey(references=Registration, null=False, unique=True)
    dietary = Text(default="")
    mobility = Text(default="")
    medical = Text(default="")
    updated_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    updated_at = Timestamptz(default=TimestamptzNow())


class CareAccessLog(Table, tablename="luyan_care_access_log"):
    """Every read, change and refusal of care data: who, when, whose, what."""

    event = ForeignKey(references=Event, null=False, index=True)
    user = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    registration = ForeignKey(references=Registration, null=True, default=None)  # None: a list
    action = Varchar(length=10)  # read | list | update | export | refused
    detail = Varchar(length=200, default="")  # the page or export, the reason for a refusal
    created_at = Timestamptz(default=TimestamptzNow())


class Activity(Table, tablename="luyan_activity"):
    """One item of a retreat's day-by-day programme (lecture, excursion, check-up, meal)."""

    event = ForeignKey(references=Event, null=False, index=True)
    kind = Varchar(length=10, default="lecture")  # lecture | excursion | medical | meal | other
    title_en = Varchar(length=200)
    title_zh = Varchar(length=200, default="")
    location_en = Varchar(length=200, default="")
    location_zh = Varchar(length=200, default="")
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    optional = Boolean(default=True)  # people sign up; otherwise everyone of the event attends
    capacity = Integer(null=True, default=None)  # None: no limit
    taken = Integer(default=0)  # sign-ups; changed only by conditional updates
    vehicle = Varchar(length=60, default="")  # the bus for an excursion, for manifests
    checkin_list = Integer(null=True, default=None)  # the check-in list of this activity, if any
    created_at = Timestamptz(default=TimestamptzNow())


class ActivitySignup(Table, tablename="luyan_activity_signup"):
    """A guest or companion signed up for an optional activity (one per activity and person)."""

    activity = ForeignKey(references=Activity, null=False, index=True, on_delete=OnDelete.cascade)
    registration = ForeignKey(references=Registration, null=False, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Hotel(Table, tablename="luyan_hotel"):
    event = ForeignKey(references=Event, null=False, index=True)
    name_en = Varchar(length=200)
    name_zh = Varchar(length=200, default="")
    address = Varchar(length=300, default="")
    phone = Varchar(length=40, default="")


class RoomType(Table, tablename="luyan_room_type"):
    hotel = ForeignKey(references=Hotel, null=False, index=True, on_delete=OnDelete.cascade)
    name_en = Varchar(length=120)
    name_zh = Varchar(length=120, default="")
    beds = Integer(default=2)  # how many people it sleeps


class Room(Table, tablename="luyan_room"):
    """A room of the inventory, available on the nights from ``first_night`` to ``last_night``."""

    room_type = ForeignKey(references=RoomType, null=False, index=True, on_delete=OnDelete.cascade)
    number = Varchar(length=20)
    first_night = Varchar(length=10)  # YYYY-MM-DD, a local date: the night starting that evening
    last_night = Varchar(length=10)


class RoomNight(Table, tablename="luyan_room_night"):
    """A party in a room for one night; one row per room and night, so none is double-booked."""

    room = ForeignKey(references=Room, null=False, index=True, on_delete=OnDelete.cascade)
    night = Varchar(length=10)  # YYYY-MM-DD
    guest_registration = ForeignKey(references=Registration, null=False, index=True)  # the party
    assigned_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    automatic = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class TravelPlan(Table, tablename="luyan_travel_plan"):
    """How a party arrives or leaves, and its pick-up (one per guest registration and direction)."""

    guest_registration = ForeignKey(references=Registration, null=False, index=True)
    direction = Varchar(length=9)  # arrival | departure
    mode = Varchar(length=8, default="train")  # flight | train | car | other
    number = Varchar(length=20, default="")  # flight or train number
    at = Timestamptz()  # arrival or departure time
    station_en = Varchar(length=200, default="")  # airport or station
    station_zh = Varchar(length=200, default="")
    pickup = Boolean(default=True)  # needs a pick-up (arrival) or drop-off (departure)
    vehicle = Varchar(length=60, default="")  # the car or bus assigned
    note = Varchar(length=300, default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class TicketPayment(Table, tablename="luyan_ticket_payment"):
    """Paying for a priced ticket through Stripe Checkout (payment mode).

    The registration holds its seat (status ``awaiting_payment``, counted in ``taken``) until
    ``hold_expires_at``; a payment completing after the hold lapsed and the seat was gone is
    flagged ``refund_due`` and never confirmed over capacity.
    """

    registration = ForeignKey(references=Registration, null=False, index=True)
    stripe_checkout_session_id = Varchar(length=120, null=True, default=None, unique=True)
    stripe_payment_intent_id = Varchar(length=120, null=True, default=None)
    amount_cents = Integer()
    currency = Varchar(length=3, default="CNY")
    # open | paid | expired | refund_due | refunded
    status = Varchar(length=12, default="open", index=True)
    hold_expires_at = Timestamptz()
    paid_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())

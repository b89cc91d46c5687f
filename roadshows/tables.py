"""Tables of the roadshows domain: projects, pitch calls and submissions, contest rounds and
judging, pitch slots on stage, and listings in the project databank.

The pipeline: an entrepreneur's ``Project`` is submitted to a ``PitchCall`` (a ``Submission``,
which moves through the states in ``roadshows.workflow``); the call's ``ContestRound``s
(preliminary, semi-final, final) hold ``RoundEntry`` rows; judges assigned to a round
(``JudgeAssignment``) give one ``Score`` per entry against the round's weighted ``Criterion``s;
``PitchSlot``s put entries on the event's stage; a pitched or awarded project gets a
``DatabankListing``.
"""

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    DoublePrecision,
    ForeignKey,
    Integer,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.accounts.tables import Institution, User
from events.tables import AgendaSession, Event


class Project(Table, tablename="luyan_project"):
    owner = ForeignKey(references=User, null=False, index=True)
    name_en = Varchar(length=200)
    name_zh = Varchar(length=200, default="")
    summary_en = Text(default="")
    summary_zh = Text(default="")
    sector = Varchar(length=40, default="", index=True)  # a key of roadshows.catalog.SECTORS
    stage = Varchar(length=20, default="", index=True)  # a key of roadshows.catalog.STAGES
    region = Varchar(length=100, default="")  # province or region, e.g. "Zhejiang" / "浙江"
    country = Varchar(length=2, default="CN")  # ISO 3166-1 alpha-2
    funding_sought = BigInt(default=0)  # whole units of ``currency``
    currency = Varchar(length=3, default="CNY")
    team = JSON(default=[])  # [{"name": ..., "role": ...}] as shown to judges and investors
    website = Varchar(length=300, default="")
    video_url = Varchar(length=500, default="")
    # Full details: shown in the databank only to institutions with access (roadshows.databank).
    financials_en = Text(default="")  # revenue, burn, past rounds, as the team states them
    financials_zh = Text(default="")
    contact_name = Varchar(length=120, default="")
    contact_email = Varchar(length=254, default="")
    contact_phone = Varchar(length=40, default="")
    # The pitch deck, stored outside the web root under the data directory (roadshows.decks).
    deck_file = Varchar(length=100, default="")  # stored file name ("" = no deck)
    deck_name = Varchar(length=200, default="")  # the name it was uploaded with
    deck_size = Integer(default=0)
    deck_uploaded_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ProjectMember(Table, tablename="luyan_project_member"):
    """The team's accounts: the owner and co-editors (one row per project and user)."""

    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.cascade)
    user = ForeignKey(references=User, null=False, index=True)
    role = Varchar(length=10, default="editor")  # owner | editor
    created_at = Timestamptz(default=TimestamptzNow())


class PitchCall(Table, tablename="luyan_pitch_call"):
    """A call for pitches on a roadshow or contest event."""

    event = ForeignKey(references=Event, null=False, index=True)
    title_en = Varchar(length=200)
    title_zh = Varchar(length=200, default="")
    description_en = Text(default="")
    description_zh = Text(default="")
    status = Varchar(length=10, default="draft")  # draft | open | closed
    deadline = Timestamptz()
    categories = JSON(default=[])  # [{"key": ..., "en": ..., "zh": ...}]
    # Extra questions, shaped like the event's registration questions:
    # [{"key": ..., "kind": "text|single|multiple", "label_en", "label_zh", "required", "options"}]
    questions = JSON(default=[])
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Submission(Table, tablename="luyan_submission"):
    """A project submitted to a call (one per call and project)."""

    call = ForeignKey(references=PitchCall, null=False, index=True)
    project = ForeignKey(references=Project, null=False, index=True)
    category = Varchar(length=40, default="")
    answers = JSON(default={})  # question key -> answer
    # submitted | under_review | shortlisted | scheduled | pitched | awarded | rejected | withdrawn
    status = Varchar(length=20, default="submitted", index=True)
    award_en = Varchar(length=200, default="")
    award_zh = Varchar(length=200, default="")
    submitted_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    submitted_at = Timestamptz(default=TimestamptzNow())
    status_changed_at = Timestamptz(default=TimestamptzNow())


class SubmissionMove(Table, tablename="luyan_submission_move"):
    """Every status change of a submission: who, when, from where to where."""

    submission = ForeignKey(references=Submission, null=False, index=True, on_delete=OnDelete.cascade)
    from_status = Varchar(length=20)
    to_status = Varchar(length=20)
    actor = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class ContestRound(Table, tablename="luyan_contest_round"):
    """One judging round of a call: a roadshow has one, a contest preliminary -> semi-final -> final."""

    call = ForeignKey(references=PitchCall, null=False, index=True)
    kind = Varchar(length=12)  # preliminary | semi_final | final
    position = Integer(default=0)
    name_en = Varchar(length=120, default="")
    name_zh = Varchar(length=120, default="")
    status = Varchar(length=10, default="draft")  # draft | scoring | closed | published
    blind = Boolean(default=False)  # judges do not see team names while scoring
    scale_min = Integer(default=1)
    scale_max = Integer(default=10)
    advance_count = Integer(default=0)  # how many go on to the next round (0: decide by hand)
    published_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Criterion(Table, tablename="luyan_criterion"):
    """A weighted criterion of a round's rubric."""

    round = ForeignKey(references=ContestRound, null=False, index=True, on_delete=OnDelete.cascade)
    name_en = Varchar(length=120)
    name_zh = Varchar(length=120, default="")
    description_en = Text(default="")
    description_zh = Text(default="")
    weight = DoublePrecision(default=1.0)
    position = Integer(default=0)


class RoundEntry(Table, tablename="luyan_round_entry"):
    """A submission taking part in a round; rank and score are frozen when results are published."""

    round = ForeignKey(references=ContestRound, null=False, index=True, on_delete=OnDelete.cascade)
    submission = ForeignKey(references=Submission, null=False, index=True)
    advanced = Boolean(default=False)  # went on to the next round
    rank = Integer(null=True, default=None)
    final_score = DoublePrecision(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class JudgeAssignment(Table, tablename="luyan_judge_assignment"):
    """A judge on a round's panel (sees and scores that round's entries only)."""

    round = ForeignKey(references=ContestRound, null=False, index=True, on_delete=OnDelete.cascade)
    judge = ForeignKey(references=User, null=False, index=True)
    created_at = Timestamptz(default=TimestamptzNow())


class JudgeConflict(Table, tablename="luyan_judge_conflict"):
    """A conflict of interest a judge declared with a project: they cannot score it."""

    judge = ForeignKey(references=User, null=False, index=True)
    project = ForeignKey(references=Project, null=False, index=True)
    reason = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Score(Table, tablename="luyan_score"):
    """One judge's scores for one entry: a value per criterion, and their weighted mean."""

    round = ForeignKey(references=ContestRound, null=False, index=True, on_delete=OnDelete.cascade)
    submission = ForeignKey(references=Submission, null=False, index=True)
    judge = ForeignKey(references=User, null=False, index=True)
    values = JSON(default={})  # criterion id (as text) -> number on the round's scale
    total = DoublePrecision(default=0.0)  # weighted mean of ``values``
    comment = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PitchSlot(Table, tablename="luyan_pitch_slot"):
    """A place in the event's run of show: a pitch (or a break when no submission)."""

    event = ForeignKey(references=Event, null=False, index=True)
    submission = ForeignKey(references=Submission, null=True, default=None, on_delete=OnDelete.set_null)
    agenda_session = ForeignKey(
        references=AgendaSession, null=True, default=None, on_delete=OnDelete.set_null
    )
    title_en = Varchar(length=200, default="")  # for breaks and announcements
    title_zh = Varchar(length=200, default="")
    stage = Varchar(length=120, default="")
    position = Integer(default=0)
    duration_s = Integer(default=420)
    started_at = Timestamptz(null=True, default=None)  # the stage manager pressed "start"
    ended_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class DatabankListing(Table, tablename="luyan_databank_listing"):
    """A project published to the project databank (one per project)."""

    project = ForeignKey(references=Project, null=False, index=True)
    origin_submission = ForeignKey(
        references=Submission, null=True, default=None, on_delete=OnDelete.set_null
    )
    # teaser_public | full_subscribers | full_on_introduction (chosen by the team)
    visibility = Varchar(length=24, default="full_subscribers")
    published_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    published_at = Timestamptz(default=TimestamptzNow())
    withdrawn_at = Timestamptz(null=True, default=None)


# -- the databank's investors ------------------------------------------------------------------


class InstitutionSeat(Table, tablename="luyan_institution_seat"):
    """A member of an institution holding one of its databank seats (one per institution and user)."""

    institution = ForeignKey(references=Institution, null=False, index=True)
    user = ForeignKey(references=User, null=False, index=True)
    assigned_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())


class ProjectFollow(Table, tablename="luyan_project_follow"):
    """An investor's watchlist entry (one per user and project)."""

    user = ForeignKey(references=User, null=False, index=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())


class InvestorNote(Table, tablename="luyan_investor_note"):
    """An investor's private note on a project (one per user and project; only its author reads it)."""

    user = ForeignKey(references=User, null=False, index=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.cascade)
    body = Text(default="")
    updated_at = Timestamptz(default=TimestamptzNow())


class IntroductionRequest(Table, tablename="luyan_introduction_request"):
    """An institution asks a team for an introduction; contacts are exchanged only on accept."""

    institution = ForeignKey(references=Institution, null=False, index=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.cascade)
    requested_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    message = Text(default="")
    status = Varchar(length=10, default="pending")  # pending | accepted | declined | withdrawn
    decided_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ProjectView(Table, tablename="luyan_project_view"):
    """Who looked at a project's databank page: one row per project, institution, user and day."""

    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.cascade)
    institution = ForeignKey(references=Institution, null=True, default=None, index=True)
    user = ForeignKey(references=User, null=False)
    day = Varchar(length=10)  # YYYY-MM-DD (UTC): the unit of de-duplication
    views = Integer(default=1)
    first_at = Timestamptz(default=TimestamptzNow())
    last_at = Timestamptz(default=TimestamptzNow())


class SavedSearch(Table, tablename="luyan_saved_search"):
    """A databank search an investor saved; new matches are mailed as a digest."""

    user = ForeignKey(references=User, null=False, index=True)
    name = Varchar(length=120)
    query = JSON(default={})  # the search's parameters (text, facets, sort)
    frequency = Varchar(length=10, default="weekly")  # daily | weekly | never
    last_sent_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


# -- subscriptions (Stripe or complimentary) -----------------------------------------------------


class InstitutionSubscription(Table, tablename="luyan_institution_subscription"):
    """An institution's access to the databank's full details: a Stripe subscription or a grant.

    Access follows ``status`` and ``current_period_end`` (roadshows.subscriptions); Stripe rows are
    changed only forward (webhooks re-read the object from Stripe and never resurrect a
    cancelled subscription).
    """

    institution = ForeignKey(references=Institution, null=False, index=True)
    source = Varchar(length=14, default="stripe")  # stripe | complimentary
    plan = Varchar(length=14, default="monthly")  # monthly | annual | complimentary
    # incomplete | trialing | active | past_due | unpaid | canceled | incomplete_expired
    status = Varchar(length=20, default="incomplete")
    seats = Integer(default=1)
    stripe_customer_id = Varchar(length=80, null=True, default=None, index=True)
    stripe_subscription_id = Varchar(length=80, null=True, default=None, unique=True)
    stripe_checkout_session_id = Varchar(length=120, null=True, default=None, unique=True)
    current_period_end = Timestamptz(null=True, default=None)
    cancel_at_period_end = Boolean(default=False)
    stripe_updated = BigInt(default=0)  # the newest Stripe event time applied (forward only)
    granted_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    note = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class StripeWebhookEvent(Table, tablename="luyan_stripe_webhook_event"):
    """Every Stripe event received once (duplicates are ignored by ``stripe_event_id``)."""

    stripe_event_id = Varchar(length=80, unique=True)
    type = Varchar(length=60)
    received_at = Timestamptz(default=TimestamptzNow())
    processed_at = Timestamptz(null=True, default=None)
    outcome = Varchar(length=200, default="")

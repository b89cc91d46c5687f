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

from app.accounts.tables import User
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

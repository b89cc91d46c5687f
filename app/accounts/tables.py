"""People, the organisations that run events and the institutions that invest."""

from piccolo.columns import Boolean, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class User(Table, tablename="luyan_user"):
    email = Varchar(length=254, unique=True)
    password_hash = Varchar(length=255)
    display_name = Varchar(length=120)
    locale = Varchar(length=8, default="en")
    is_admin = Boolean(default=False)
    is_entrepreneur = Boolean(default=False)
    is_active = Boolean(default=True)
    # Bumped on password change and "sign out everywhere": sessions carry the epoch they
    # were issued under and stop working when it moves on.
    auth_epoch = Integer(default=0)
    created_at = Timestamptz(default=TimestamptzNow())


class Organisation(Table, tablename="luyan_organisation"):
    slug = Varchar(length=80, unique=True)
    name_en = Varchar(length=200)
    name_zh = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class OrganisationMember(Table, tablename="luyan_organisation_member"):
    organisation = ForeignKey(references=Organisation, null=False, index=True)
    user = ForeignKey(references=User, null=False, index=True)
    role = Varchar(length=20, default="organiser")  # owner | organiser
    created_at = Timestamptz(default=TimestamptzNow())


class Institution(Table, tablename="luyan_institution"):
    slug = Varchar(length=80, unique=True)
    name_en = Varchar(length=200)
    name_zh = Varchar(length=200, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class InstitutionMember(Table, tablename="luyan_institution_member"):
    institution = ForeignKey(references=Institution, null=False, index=True)
    user = ForeignKey(references=User, null=False, index=True)
    role = Varchar(length=20, default="member")  # admin | member
    created_at = Timestamptz(default=TimestamptzNow())


class ApiToken(Table, tablename="luyan_api_token"):
    user = ForeignKey(references=User, null=False, index=True)
    name = Varchar(length=100)
    prefix = Varchar(length=12)  # shown in the UI so people can tell tokens apart
    token_hash = Varchar(length=64, unique=True, index_method=IndexMethod.btree)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class PasswordReset(Table, tablename="luyan_password_reset"):
    user = ForeignKey(references=User, null=False, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)

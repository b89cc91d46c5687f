"""Piccolo configuration: the engine from settings and every domain's Piccolo app."""

from piccolo.conf.apps import AppRegistry

from app.db.engines import make_engine
from app.settings import get_settings

DB = make_engine(get_settings())

APP_REGISTRY = AppRegistry(
    apps=[
        "app.accounts.piccolo_app",
        "app.mail.piccolo_app",
        "events.piccolo_app",
        "roadshows.piccolo_app",
        "checkin.piccolo_app",
        "livestream.piccolo_app",
    ]
)

from app.piccolo_apps import domain_app

APP_CONFIG = domain_app("livestream", "livestream", depends_on=["events.piccolo_app"])

from app.piccolo_apps import domain_app

APP_CONFIG = domain_app("checkin", "checkin", depends_on=["app.accounts.piccolo_app", "events.piccolo_app"])

from app.piccolo_apps import domain_app

APP_CONFIG = domain_app("events", "events", depends_on=["app.accounts.piccolo_app"])

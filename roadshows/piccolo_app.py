from app.piccolo_apps import domain_app

APP_CONFIG = domain_app("roadshows", "roadshows", depends_on=["events.piccolo_app"])

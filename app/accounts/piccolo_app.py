from app.piccolo_apps import domain_app

APP_CONFIG = domain_app("accounts", "app.accounts", depends_on=[])

from app.piccolo_apps import domain_app

APP_CONFIG = domain_app("mail", "app.mail", depends_on=[])

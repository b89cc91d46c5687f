"""luyan's composition root."""

import os

# Piccolo finds its engine through this module; set it before any table is used.
os.environ.setdefault("PICCOLO_CONF", "app.piccolo_conf")

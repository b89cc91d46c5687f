"""Routes and listeners of the roadshows domain's databank search area, collected by ``roadshows.routes``."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
LISTENERS: list[Any] = []

"""Values built from the territory, kept once per process and built again when the grids change.

Several processes serve a county (gunicorn workers, the task worker): each checks a cheap stamp
of the territory on use, so an import in one process reaches the others without a restart.
"""

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db.models import Count, Max

from .models import Level, Region

T = TypeVar("T")


def territory_stamp() -> tuple:
    """Changes whenever a grid or the county outline is added or saved (one indexed query)."""
    stamp = Region.objects.filter(level__in=[Level.GRID, Level.COUNTY]).aggregate(
        count=Count("id"), last=Max("updated_at")
    )
    return (stamp["count"], stamp["last"])


class RebuiltOnChange(Generic[T]):
    def __init__(self, build: Callable[[], T]):
        self.build = build
        self.lock = threading.Lock()
        self.cached: tuple[tuple, T] | None = None

    def get(self) -> T:
        stamp = territory_stamp()
        with self.lock:
            if self.cached is None or self.cached[0] != stamp:
                self.cached = (stamp, self.build())
            return self.cached[1]

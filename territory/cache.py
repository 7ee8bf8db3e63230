"""Values built from the territory, kept once per process and built again when the grids change.

Several processes serve a county (gunicorn workers, the task worker): each looks at a cheap stamp
of the territory at most every STAMP_SECONDS, so an import in one process reaches the others
within seconds, without a restart and without a query on every report. The importing process
itself forgets its copies at once (`forget_territory_caches`).
"""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.db.models import Count, Max

from .models import Region

T = TypeVar("T")
STAMP_SECONDS = 2.0

_all_caches: list["RebuiltOnChange"] = []


def territory_stamp() -> tuple:
    """Changes whenever a region is added or saved: a grid, the county outline, and also a town
    or village renamed, whose names the maps carry (one query over ~2,000 rows)."""
    stamp = Region.objects.aggregate(count=Count("id"), last=Max("updated_at"))
    return (stamp["count"], stamp["last"])


class RebuiltOnChange(Generic[T]):
    def __init__(self, build: Callable[[], T]):
        self.build = build
        self.lock = threading.Lock()
        self.cached: tuple[tuple, T] | None = None
        self.checked_at = 0.0
        _all_caches.append(self)

    def get(self) -> T:
        with self.lock:
            if self.cached is not None and time.monotonic() - self.checked_at < STAMP_SECONDS:
                return self.cached[1]
            stamp = territory_stamp()
            if self.cached is None or self.cached[0] != stamp:
                self.cached = (stamp, self.build())
            self.checked_at = time.monotonic()
            return self.cached[1]

    def forget(self) -> None:
        with self.lock:
            self.cached = None


def forget_territory_caches() -> None:
    """After this process changed the territory: rebuild on next use, without waiting."""
    for cache in _all_caches:
        cache.forget()

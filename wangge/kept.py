"""A value built from the database and kept for a while in each process: read on every report,
changed a few times a year (the categories, the routing rules). A change in this process forgets
it at once (the models' signals call `forget`); other processes see it within `seconds`."""

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class KeptFor(Generic[T]):
    def __init__(self, seconds: float, build: Callable[[], T]):
        self.seconds = seconds
        self.build = build
        self.lock = threading.Lock()
        self.kept: tuple[float, T] | None = None

    def get(self) -> T:
        with self.lock:
            if self.kept is None or time.monotonic() - self.kept[0] >= self.seconds:
                self.kept = (time.monotonic(), self.build())
            return self.kept[1]

    def forget(self) -> None:
        with self.lock:
            self.kept = None

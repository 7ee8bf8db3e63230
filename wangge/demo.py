"""What apps other than kinds of case add to the demo (`manage.py load_demo`), as a registry:
each app adds its filler in `ready()`, so the loader imports none of them. Kinds of case use
their `CaseKind.demo`; fillers run after those, in `order`."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class DemoFiller:
    name: str
    # (the demo's named logins, now, how many cases the simulated year has) → None
    fill: Callable[[Mapping[str, Any], datetime, int], None]
    order: int = 100


_FILLERS: dict[str, DemoFiller] = {}


def add_demo_filler(filler: DemoFiller) -> None:
    _FILLERS[filler.name] = filler  # by name: ready() may run twice in some test runners


def demo_fillers() -> list[DemoFiller]:
    return sorted(_FILLERS.values(), key=lambda filler: (filler.order, filler.name))

"""Write a CSV of synthetic closed historical cases inside the county, for import benchmarks."""

import csv
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import shapely

from cases.imports import HISTORY_COLUMNS
from cases.models import Category
from territory.models import Level, Region

from .common import random_points


def write_history_csv(path: Path, rows: int, seed: int = 1, prefix: str = "H") -> Path:
    rng = np.random.default_rng(seed)
    county = shapely.from_geojson(Region.objects.get(level=Level.COUNTY).boundary)
    lons, lats = random_points(county, rows, rng)
    codes = list(Category.objects.filter(children__isnull=True).values_list("code", flat=True))
    categories = rng.choice(codes, rows)
    start = datetime(2020, 1, 1, 8, 0)
    offsets = np.sort(rng.integers(0, 5 * 365 * 86400, rows))
    durations = rng.integers(3600, 20 * 86400, rows)
    statuses = rng.choice(["evaluated", "closed", "rejected"], rows, p=[0.8, 0.15, 0.05])
    ratings = rng.integers(1, 6, rows)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(HISTORY_COLUMNS)
        for number in range(rows):
            reported = start + timedelta(seconds=int(offsets[number]))
            status = statuses[number]
            closed = (
                ""
                if status == "rejected"
                else (reported + timedelta(seconds=int(durations[number]))).isoformat(
                    " ", "minutes"
                )
            )
            writer.writerow([
                f"{prefix}{number:08d}", reported.isoformat(" ", "minutes"), categories[number], "历史案件", f"{lons[number]:.6f}",
                f"{lats[number]:.6f}", status, closed, ratings[number] if status == "evaluated" else "",
            ])  # fmt: skip
    return path

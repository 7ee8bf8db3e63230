"""Point → grid: the project's index against raw shapely STRtree on the same polygons, same run."""

import contextlib
import json
import time

import numpy as np
import shapely

from territory.grid_index import GridIndex, PointOutsideCounty
from territory.synthesis import synthesize_grids

from .common import ROOT, random_points, scaled

DATA = ROOT / "territory" / "data" / "chenggu"


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> dict:
    features = synthesize_grids(
        DATA / "county.geojson", DATA / "divisions.csv", DATA / "seats.csv"
    )["features"]
    polygons = [shapely.geometry.shape(feature["geometry"]) for feature in features]
    index = GridIndex(
        [
            (i, feature["properties"]["code"], polygon)
            for i, (feature, polygon) in enumerate(zip(features, polygons, strict=True))
        ]
    )
    outline = shapely.from_geojson(
        json.dumps(json.load((DATA / "county.geojson").open())["features"][0]["geometry"])
    )
    count = scaled(1_000_000, 1000)
    xs, ys = random_points(outline, count, np.random.default_rng(7))

    raw_tree = shapely.STRtree(polygons)

    def raw_batch():
        # The raw path still has to turn coordinates into points: the index is given coordinates.
        return raw_tree.query(shapely.points(xs, ys), predicate="intersects")

    first_batch = best_of(1, lambda: index.locate_many(xs, ys))  # builds the raster first
    batch_index = best_of(3, lambda: index.locate_many(xs, ys))
    batch_raw = best_of(3, raw_batch)

    singles = min(count, 20_000)

    def one_by_one_index():
        for x, y in zip(xs[:singles], ys[:singles], strict=True):
            with contextlib.suppress(PointOutsideCounty):
                index.locate(x, y)

    def one_by_one_raw():
        for x, y in zip(xs[:singles], ys[:singles], strict=True):
            raw_tree.query(shapely.Point(x, y), predicate="intersects")

    single_index = best_of(3, one_by_one_index) / singles
    single_raw = best_of(3, one_by_one_raw) / singles
    located = index.locate_many(xs, ys)
    return {
        "points": count,
        "outside": int((located < 0).sum()),
        "batch_index_per_s": count / batch_index,
        "batch_raw_per_s": count / batch_raw,
        "batch_ratio": batch_index / batch_raw,
        "first_batch_s": first_batch,
        "single_index_us": single_index * 1e6,
        "single_raw_us": single_raw * 1e6,
    }


if __name__ == "__main__":
    print(json.dumps(main()))

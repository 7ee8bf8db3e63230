"""The synthetic grids tile 城固县 exactly, nest in its villages and towns, and are reproducible.

Plain pytest, no database: run with ``pytest territory/tests/test_synthesis.py -p no:django``.
"""

import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape

from territory.synthesis import (
    _snap_to_output_grid,
    read_divisions,
    read_seats,
    synthesize_grids,
    write_grids_geojson,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "chenggu"
INPUTS = (DATA / "county.geojson", DATA / "divisions.csv", DATA / "seats.csv")


@pytest.fixture(scope="module")
def collection() -> dict:
    return synthesize_grids(*INPUTS)


@pytest.fixture(scope="module")
def polygons(collection) -> np.ndarray:
    return np.array([shape(f["geometry"]) for f in collection["features"]])


@pytest.fixture(scope="module")
def county():
    features = json.loads(INPUTS[0].read_text(encoding="utf-8"))["features"]
    return shapely.union_all([shape(f["geometry"]) for f in features])


@pytest.fixture(scope="module")
def divisions():
    return read_divisions(INPUTS[1])


@pytest.fixture(scope="module")
def villages(divisions):
    return {d.code: d for d in divisions if d.level == "village"}


@pytest.fixture(scope="module")
def union_by(collection, polygons):
    """Union of the grids per village code (and, with ``town=True``, per town code)."""

    def union(*, town: bool = False) -> dict:
        groups = defaultdict(list)
        for feature, polygon in zip(collection["features"], polygons, strict=True):
            code = feature["properties"]["village_code"]
            groups[code[:9] if town else code].append(polygon)
        return {code: shapely.union_all(parts) for code, parts in groups.items()}

    return union


def test_there_are_exactly_1624_grids(collection):
    assert len(collection["features"]) == 1624


def test_every_one_of_the_272_villages_has_a_grid(collection, villages):
    assert len(villages) == 272
    assert {f["properties"]["village_code"] for f in collection["features"]} == set(villages)


def test_codes_are_unique_village_code_plus_consecutive_serials_from_001(collection):
    codes = [f["properties"]["code"] for f in collection["features"]]
    assert len(set(codes)) == len(codes)
    serials = defaultdict(list)
    for feature in collection["features"]:
        code, village_code = feature["properties"]["code"], feature["properties"]["village_code"]
        assert re.fullmatch(r"\d{15}", code) and code[:12] == village_code
        serials[village_code].append(int(code[12:]))
    for village_code, numbers in serials.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), village_code


def test_features_are_sorted_by_code(collection):
    codes = [f["properties"]["code"] for f in collection["features"]]
    assert codes == sorted(codes)


def test_names_are_village_name_without_suffix_plus_serial(collection, villages):
    for feature in collection["features"]:
        p = feature["properties"]
        village_name = re.sub("(村委会|居委会)$", "", villages[p["village_code"]].name)
        assert p["name"] == f"{village_name}第{int(p['code'][12:])}网格"
    assert any(f["properties"]["name"] == "钟楼街第1网格" for f in collection["features"])


def test_every_grid_is_marked_synthetic(collection):
    assert all(f["properties"]["synthetic"] is True for f in collection["features"])


def test_coordinates_have_at_most_6_decimals(collection):
    for feature in collection["features"]:
        for ring in feature["geometry"]["coordinates"]:
            for x, y in ring:
                assert round(x, 6) == x and round(y, 6) == y


def test_every_grid_is_a_valid_single_polygon_with_positive_area(collection, polygons):
    assert all(f["geometry"]["type"] == "Polygon" for f in collection["features"])
    assert shapely.is_valid(polygons).all()
    assert (shapely.area(polygons) > 0).all()


def test_grids_do_not_overlap(polygons, county):
    left, right = shapely.STRtree(polygons).query(polygons, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(shapely.intersection(polygons[left[pairs]], polygons[right[pairs]]))
    assert overlap.sum() < 1e-9 * county.area


def test_grids_cover_the_county(polygons, county):
    union = shapely.union_all(polygons)
    assert abs(union.area - county.area) / county.area < 1e-6


def test_random_points_in_the_county_fall_in_exactly_one_grid(polygons, county):
    # Points within ~1 m of the outline are boundary cases of the 6-decimal rounding.
    inner = county.buffer(-1e-5)
    rng = np.random.default_rng(0)
    minx, miny, maxx, maxy = inner.bounds
    xy = rng.uniform([minx, miny], [maxx, maxy], size=(20_000, 2))
    xy = xy[shapely.contains_xy(inner, xy[:, 0], xy[:, 1])][:2000]
    assert len(xy) == 2000
    point_index, _ = shapely.STRtree(polygons).query(shapely.points(xy), predicate="covered_by")
    covering = np.bincount(point_index, minlength=len(xy))
    assert (covering == 0).sum() == 0
    assert (covering == 1).all()


@pytest.mark.parametrize("offset", [4.9e-6, 0.0, -4.9e-6], ids=["overlap", "exact", "gap"])
def test_snapping_tiles_exactly_even_where_float_cells_overlap_or_leave_a_gap(offset):
    # Float cells that overlap or leave a gap of about 5 output pixels: the face in between
    # goes to one of them, and together they tile the union exactly.
    left = shapely.box(107.0, 33.0, 107.005 + offset, 33.01)
    right = shapely.box(107.005, 33.0, 107.01, 33.01)
    anchors = np.array([[107.001, 33.005], [107.009, 33.005]])
    outline = shapely.box(107.0, 33.0, 107.01, 33.01)
    snapped = _snap_to_output_grid([left, right], outline, anchors, ["v", "v"])
    assert [g.geom_type for g in snapped] == ["Polygon", "Polygon"]
    assert snapped[0].intersection(snapped[1]).area == 0
    assert shapely.union_all(snapped).equals(outline)


def test_each_village_is_one_contiguous_area(union_by):
    not_single = {code: u.geom_type for code, u in union_by().items() if u.geom_type != "Polygon"}
    assert not_single == {}


def test_known_village_seats_lie_in_their_own_village(union_by, villages):
    seats = {code: lonlat for code, lonlat in read_seats(INPUTS[2]).items() if code in villages}
    assert len(seats) == 9
    unions = union_by()
    outside = [code for code, lonlat in seats.items() if not unions[code].covers(Point(lonlat))]
    assert outside == []


def test_town_seats_lie_in_their_own_town(union_by, divisions):
    towns = {d.code for d in divisions if d.level == "town"}
    seats = {code: lonlat for code, lonlat in read_seats(INPUTS[2]).items() if code in towns}
    assert len(seats) == 17
    unions = union_by(town=True)
    outside = [code for code, lonlat in seats.items() if not unions[code].covers(Point(lonlat))]
    assert outside == []


def test_households_are_between_250_and_550_with_real_spread(collection):
    households = np.array([f["properties"]["households"] for f in collection["features"]])
    assert households.dtype.kind == "i"
    assert households.min() >= 250 and households.max() <= 550
    assert households.max() - households.min() > 150


def test_same_seed_gives_byte_identical_json(collection, tmp_path):
    write_grids_geojson(collection, tmp_path / "first.geojson")
    write_grids_geojson(synthesize_grids(*INPUTS), tmp_path / "second.geojson")
    assert (tmp_path / "first.geojson").read_bytes() == (tmp_path / "second.geojson").read_bytes()


def test_written_json_is_compact_utf8(collection, tmp_path):
    write_grids_geojson(collection, tmp_path / "grids.geojson")
    text = (tmp_path / "grids.geojson").read_text(encoding="utf-8")
    assert "网格" in text and ", " not in text and ": " not in text
    assert json.loads(text) == collection


def test_different_seed_gives_different_geometry(collection):
    other = synthesize_grids(*INPUTS, seed=1)
    assert len(other["features"]) == 1624
    geometries = [f["geometry"] for f in collection["features"]]
    assert [f["geometry"] for f in other["features"]] != geometries

"""Point → grid: every point of 城固县 lands in exactly one grid, edges go to the lower code.

Most tests run on the real synthetic grids in memory (no database); the last ones go through the
database with the small 2×2×2 test county of ``conftest.py``.
"""

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
import shapely
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from conftest import IN_FIRST_GRID, small_county_grids
from territory.grid_index import GridHit, GridIndex, PointOutsideCounty, get_grid_index, locate_grid
from territory.models import Region
from territory.services import import_grids
from territory.synthesis import read_divisions, synthesize_grids

DATA = Path(__file__).resolve().parents[1] / "data" / "chenggu"
BEIJING = (116.4, 39.9)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the project default is 简体中文."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def grids() -> dict:
    return synthesize_grids(DATA / "county.geojson", DATA / "divisions.csv", DATA / "seats.csv")


@pytest.fixture(scope="module")
def codes(grids) -> np.ndarray:
    return np.array([f["properties"]["code"] for f in grids["features"]])


@pytest.fixture(scope="module")
def polygons(grids) -> np.ndarray:
    return np.array([shape(f["geometry"]) for f in grids["features"]])


@pytest.fixture(scope="module")
def index(codes, polygons) -> GridIndex:
    """Grid id = 1000 + feature row, so that an id is never mistaken for a position; the grids
    go in shuffled, so that the lowest-code rule cannot lean on the input order."""
    rows = np.random.default_rng(1).permutation(len(codes))
    return GridIndex([(1000 + int(i), str(codes[i]), polygons[i]) for i in rows])


@pytest.fixture(scope="module")
def outline():
    features = json.loads((DATA / "county.geojson").read_text(encoding="utf-8"))["features"]
    return shapely.union_all([shape(f["geometry"]) for f in features])


@pytest.fixture(scope="module")
def representative_points(polygons) -> np.ndarray:
    return np.array([polygon.representative_point() for polygon in polygons])


def located_codes(index: GridIndex, positions: np.ndarray) -> np.ndarray:
    return np.array([index.codes[p] if p >= 0 else "" for p in positions])


def codes_holding(polygons: np.ndarray, codes: np.ndarray, point: shapely.Point) -> list:
    """Brute force, without the STRtree: codes of every grid whose polygon touches the point."""
    return sorted(codes[shapely.intersects(polygons, point)])


# --- every grid, every village ------------------------------------------------------------------


def test_every_grids_representative_point_locates_to_that_grid(index, codes, representative_points):
    points = representative_points
    positions = index.locate_many(shapely.get_x(points), shapely.get_y(points))
    assert len(index) == len(codes) == 1624
    np.testing.assert_array_equal(located_codes(index, positions), codes)
    np.testing.assert_array_equal(index.ids[positions], 1000 + np.arange(len(codes)))


def test_locate_agrees_with_locate_many_on_a_sample_of_grids(index, codes, polygons):
    for i in range(0, len(codes), 37):
        point = polygons[i].representative_point()
        assert index.locate(point.x, point.y) == GridHit(grid_id=1000 + i, code=str(codes[i]))


def test_every_one_of_the_272_villages_is_reached(index, representative_points):
    villages = {d.code for d in read_divisions(DATA / "divisions.csv") if d.level == "village"}
    points = representative_points
    positions = index.locate_many(shapely.get_x(points), shapely.get_y(points))
    reached = {code[:12] for code in located_codes(index, positions)}
    assert len(villages) == 272
    assert reached == villages


# --- random points ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def random_points_inside(outline) -> tuple[np.ndarray, np.ndarray]:
    """100,000 uniform points at least 1e-5° inside the county outline."""
    inner = outline.buffer(-1e-5)
    shapely.prepare(inner)
    rng = np.random.default_rng(610722)
    minx, miny, maxx, maxy = outline.bounds
    batches, found = [], 0
    while found < 100_000:
        xy = rng.uniform([minx, miny], [maxx, maxy], size=(200_000, 2))
        xy = xy[shapely.contains_xy(inner, xy[:, 0], xy[:, 1])]
        batches.append(xy)
        found += len(xy)
    xy = np.concatenate(batches)[:100_000]
    return xy[:, 0], xy[:, 1]


def test_every_random_point_inside_the_county_is_in_some_grid(
    index, polygons, random_points_inside
):
    lons, lats = random_points_inside
    positions = index.locate_many(lons, lats)
    assert len(positions) == 100_000
    assert (positions >= 0).all(), f"{(positions < 0).sum()} points fell outside every grid"
    # the returned grid really holds the point (ids are feature rows + 1000)
    assert shapely.intersects_xy(polygons[index.ids[positions] - 1000], lons, lats).all()


def test_random_points_go_to_the_lowest_code_of_the_grids_that_hold_them(
    index, codes, polygons, random_points_inside
):
    lons, lats = (values[::50] for values in random_points_inside)
    positions = index.locate_many(lons, lats)
    assert len(positions) == 2000
    bounds = shapely.bounds(polygons)
    for lon, lat, position in zip(lons, lats, positions, strict=True):
        near = (
            (bounds[:, 0] <= lon)
            & (lon <= bounds[:, 2])
            & (bounds[:, 1] <= lat)
            & (lat <= bounds[:, 3])
        )
        holding = sorted(codes[near][shapely.intersects_xy(polygons[near], lon, lat)])
        assert holding, (lon, lat)
        assert index.codes[position] == holding[0], (lon, lat)


# --- shared edges and vertices ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_edge_midpoints(polygons) -> list[tuple[int, int, shapely.Point]]:
    """(grid i, grid j, midpoint of a segment of their shared boundary) for every neighbour pair."""
    left, right = shapely.STRtree(polygons).query(polygons, predicate="touches")
    pairs = [(i, j) for i, j in zip(left, right, strict=True) if i < j]
    result = []
    for i, j in pairs:
        shared = shapely.line_merge(shapely.intersection(polygons[i], polygons[j]))
        lines = [g for g in shapely.get_parts(shared) if g.geom_type == "LineString"]
        if not lines:  # they only touch at a corner
            continue
        coords = np.asarray(max(lines, key=lambda line: line.length).coords)
        k = (len(coords) - 2) // 2
        result.append((int(i), int(j), shapely.Point((coords[k] + coords[k + 1]) / 2)))
    return result


def test_a_point_on_the_edge_between_two_grids_goes_to_the_lower_code(
    index, codes, polygons, shared_edge_midpoints
):
    exactly_on_both = 0
    for i, j, point in shared_edge_midpoints:
        hit = index.locate(point.x, point.y)
        assert hit.code in (codes[i], codes[j])
        holding = codes_holding(polygons, codes, point)
        assert hit.code == holding[0]
        if polygons[i].intersects(point) and polygons[j].intersects(point):
            # on the edge for GEOS too, not a rounding hair to one side: the rule applies
            assert hit.code == min(codes[i], codes[j])
            exactly_on_both += 1
    assert len(shared_edge_midpoints) > 4000
    assert exactly_on_both > 1000  # enough edge points survive the float rounding of midpoints


def test_locate_many_gives_the_same_grids_as_locate_on_shared_edges(index, shared_edge_midpoints):
    points = [point for _i, _j, point in shared_edge_midpoints]
    positions = index.locate_many(shapely.get_x(points), shapely.get_y(points))
    assert (positions >= 0).all()
    one_by_one = [index.locate(point.x, point.y).code for point in points]
    assert list(located_codes(index, positions)) == one_by_one


def test_a_vertex_shared_by_three_or_more_grids_goes_to_the_lowest_code(index, codes, polygons):
    grids_at = defaultdict(set)
    for i, polygon in enumerate(polygons):
        for x, y in polygon.exterior.coords:
            grids_at[(x, y)].add(i)
    junctions = [(xy, grids) for xy, grids in grids_at.items() if len(grids) >= 3]
    assert len(junctions) > 1000
    lons = np.array([xy[0] for xy, _grids in junctions])
    lats = np.array([xy[1] for xy, _grids in junctions])
    positions = index.locate_many(lons, lats)
    for (xy, grids), position in zip(junctions, positions, strict=True):
        lowest = min(codes[list(grids)])
        assert index.codes[position] == lowest, xy
        assert index.locate(*xy).code == lowest


# --- points outside -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def just_outside(outline, polygons) -> tuple[float, float]:
    """A point 0.001° outward from a vertex of the county outline."""
    directions = [(1, 0), (-1, 0), (0, 1), (0, -1), (0.7071, 0.7071), (-0.7071, -0.7071)]
    for x, y in outline.exterior.coords[::25]:
        for dx, dy in directions:
            point = shapely.Point(x + 0.001 * dx, y + 0.001 * dy)
            if outline.distance(point) > 0.0005 and not shapely.intersects(polygons, point).any():
                return point.x, point.y
    raise AssertionError("no vertex of the outline has an outside direction")


def test_a_point_far_away_is_outside_the_county(index):
    with pytest.raises(PointOutsideCounty, match=r"116\.4.*39\.9"):
        index.locate(*BEIJING)


def test_a_point_just_outside_the_county_outline_is_outside(index, outline, just_outside):
    assert not outline.contains(shapely.Point(just_outside))
    with pytest.raises(PointOutsideCounty) as raised:
        index.locate(*just_outside)
    assert str(just_outside[0]) in str(raised.value)
    assert str(just_outside[1]) in str(raised.value)


@pytest.mark.parametrize(
    "lon, lat", [(np.nan, np.nan), (np.nan, 33.1), (107.3, np.nan)], ids=["both", "lon", "lat"]
)
def test_a_point_with_nan_coordinates_is_outside_the_county(index, lon, lat):
    with pytest.raises(PointOutsideCounty, match="nan"):
        index.locate(lon, lat)


def test_locate_many_marks_outside_points_minus_one_and_still_locates_the_inside_ones(
    index, codes, polygons, just_outside
):
    inside = [polygons[i].representative_point() for i in (0, 800, 1623)]
    lons = np.array([inside[0].x, BEIJING[0], inside[1].x, just_outside[0], np.nan, inside[2].x])
    lats = np.array([inside[0].y, BEIJING[1], inside[1].y, just_outside[1], np.nan, inside[2].y])
    positions = index.locate_many(lons, lats)
    assert list(positions[[1, 3, 4]]) == [-1, -1, -1]
    assert list(located_codes(index, positions[[0, 2, 5]])) == list(codes[[0, 800, 1623]])


def test_locate_many_on_no_points_returns_an_empty_array(index):
    assert len(index.locate_many(np.array([]), np.array([]))) == 0


# --- through the database -----------------------------------------------------------------------


def test_locate_grid_returns_the_grid_region_holding_the_point(county):
    grid = locate_grid(*IN_FIRST_GRID)
    assert isinstance(grid, Region)
    assert grid.code == "610722001001001"
    assert locate_grid(107.35, 33.05).code == "610722002101002"


def test_locate_grid_raises_for_a_point_outside_the_test_county(county):
    with pytest.raises(PointOutsideCounty):
        locate_grid(107.5, 33.1)


def test_the_grid_index_is_reused_while_the_grids_do_not_change(county):
    assert get_grid_index() is get_grid_index()


def test_the_grid_index_is_rebuilt_when_a_grid_polygon_changes(county):
    before = get_grid_index()
    assert locate_grid(*IN_FIRST_GRID).code == "610722001001001"

    swapped = small_county_grids()
    first, second = swapped["features"][0], swapped["features"][1]
    assert (first["properties"]["code"], second["properties"]["code"]) == (
        "610722001001001",
        "610722001001002",
    )
    first["geometry"], second["geometry"] = second["geometry"], first["geometry"]
    import_grids(swapped)

    assert get_grid_index() is not before
    assert locate_grid(*IN_FIRST_GRID).code == "610722001001002"


# --- property-based, on the small test county's squares -----------------------------------------


SMALL_GRIDS = small_county_grids()["features"]
SQUARES = [  # code, south-west corner, north-east corner
    (
        f["properties"]["code"],
        f["geometry"]["coordinates"][0][0],
        f["geometry"]["coordinates"][0][2],
    )
    for f in SMALL_GRIDS
]
SQUARE_INDEX = GridIndex(
    [(i, f["properties"]["code"], shape(f["geometry"])) for i, f in enumerate(SMALL_GRIDS)]
)
EDGES_X = [107.0, 107.1, 107.2, 107.3, 107.4]
EDGES_Y = [33.0, 33.1, 33.2]


@settings(max_examples=60, deadline=None)
@given(
    lon=st.one_of(st.floats(107.0, 107.4), st.sampled_from(EDGES_X)),
    lat=st.one_of(st.floats(33.0, 33.2), st.sampled_from(EDGES_Y)),
)
def test_a_point_in_the_test_county_goes_to_the_lowest_square_that_contains_it(lon, lat):
    holding = [
        code
        for code, (west, south), (east, north) in SQUARES
        if west <= lon <= east and south <= lat <= north
    ]
    assert holding  # the squares tile the county: every point is in one of them
    assert SQUARE_INDEX.locate(lon, lat).code == min(holding)


def test_a_point_in_a_hairline_gap_takes_the_nearest_grid_but_a_point_farther_out_does_not():
    """Rounded grid edges leave slivers (≤ 1e-6°) along the outline: a report there still lands."""
    west = shapely.box(107.0, 33.0, 107.1, 33.1)
    east = shapely.box(107.1000002, 33.0, 107.2, 33.1)
    index = GridIndex([(1, "610722001001001", west), (2, "610722001001002", east)])
    assert index.locate(107.10000005, 33.05).code == "610722001001001"
    assert index.locate(107.2000005, 33.05).code == "610722001001002"  # just past the outline
    with pytest.raises(PointOutsideCounty):
        index.locate(107.2001, 33.05)  # about 10 m out


def test_a_large_batch_through_the_raster_agrees_with_small_exact_batches(
    index, random_points_inside, shared_edge_midpoints
):
    """Batches of 5,000 points and more look the raster up first; the answer must not change,
    not even for points exactly on grid edges, where the lowest code wins."""
    xs, ys = random_points_inside
    edge_xs = np.array([point.x for _a, _b, point in shared_edge_midpoints])
    edge_ys = np.array([point.y for _a, _b, point in shared_edge_midpoints])
    lons = np.concatenate([xs, edge_xs, [116.4, np.nan]])
    lats = np.concatenate([ys, edge_ys, [39.9, 33.1]])
    whole = index.locate_many(lons, lats)
    in_small_batches = np.concatenate(
        [
            index.locate_many(lons[i : i + 1000], lats[i : i + 1000])
            for i in range(0, len(lons), 1000)
        ]
    )
    assert len(lons) > 5000
    np.testing.assert_array_equal(whole, in_small_batches)
    assert list(whole[-2:]) == [-1, -1]

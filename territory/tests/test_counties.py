"""Any county the project ships data for loads beside another: 洋县 (610723) as well as 城固县."""

import json

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from shapely.geometry import Point, shape

from territory.counties import COUNTIES, UnknownCounty, get_county
from territory.models import Level, Region
from territory.synthesis import read_divisions, read_seats, synthesize_grids

YANGXIAN = COUNTIES["610723"]


def synthesize(county):
    return synthesize_grids(
        county.outline_geojson,
        county.divisions_csv,
        county.seats_csv,
        total_grids=county.grids,
        seed=county.seed,
    )


@pytest.fixture(scope="module")
def yangxian_grids() -> dict:
    return synthesize(YANGXIAN)


def test_the_registry_keeps_chenggus_1624_grids_and_sizes_yangxian_by_its_villages():
    villages = {
        code: sum(1 for d in read_divisions(c.divisions_csv) if d.level == "village")
        for code, c in COUNTIES.items()
    }
    assert (villages["610722"], villages["610723"]) == (272, 287)
    assert COUNTIES["610722"].grids == 1624
    assert YANGXIAN.grids == round(287 * 1624 / 272) == 1714


def test_an_unknown_county_code_names_the_known_ones():
    with pytest.raises(UnknownCounty) as error:
        get_county("610724")
    assert "610724" in str(error.value)
    assert "610722" in str(error.value) and "610723" in str(error.value)


def test_yangxian_synthesizes_the_chosen_number_of_grids_at_least_one_per_village(
    yangxian_grids,
):
    features = yangxian_grids["features"]
    villages = {d.code for d in read_divisions(YANGXIAN.divisions_csv) if d.level == "village"}
    assert len(features) == 1714
    assert {f["properties"]["village_code"] for f in features} == villages
    assert all(f["properties"]["code"].startswith("610723") for f in features)
    assert all(f["properties"]["synthetic"] for f in features)


def test_yangxian_grids_tile_its_outline(yangxian_grids):
    polygons = [shape(f["geometry"]) for f in yangxian_grids["features"]]
    assert all(p.is_valid and p.geom_type == "Polygon" for p in polygons)
    outline = json.loads(YANGXIAN.outline_geojson.read_text(encoding="utf-8"))["features"][0]
    county = shape(outline["geometry"])
    union = shapely.union_all(polygons)
    assert abs(union.area - county.area) / county.area < 1e-6  # as for Chenggu
    assert union.difference(county.buffer(1e-6)).is_empty  # nothing outside the outline
    assert abs(sum(p.area for p in polygons) - union.area) < 1e-9 * county.area  # no overlap


def test_yangxian_known_seats_lie_in_their_own_town_and_village(yangxian_grids):
    """Including 纸坊 and 戚氏, whose seat is their one known village's, and 溢水, synthetic."""
    groups: dict[str, list] = {}
    for feature in yangxian_grids["features"]:
        village = feature["properties"]["village_code"]
        polygon = shape(feature["geometry"])
        groups.setdefault(village, []).append(polygon)
        groups.setdefault(village[:9], []).append(polygon)
    unions = {code: shapely.union_all(parts) for code, parts in groups.items()}
    for code, (lon, lat) in read_seats(YANGXIAN.seats_csv).items():
        assert unions[code].covers(Point(lon, lat)), code
        assert unions[code[:9]].covers(Point(lon, lat)), code
    assert all(unions[code].geom_type == "Polygon" for code in unions)  # contiguous


def test_yangxian_synthesis_is_deterministic(yangxian_grids):
    assert synthesize(YANGXIAN) == yangxian_grids


@pytest.mark.django_db
def test_load_county_loads_yangxian_beside_another_county_every_grid_in_its_village(county):
    call_command("load_county", county="610723", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yangxian = Region.objects.get(code="610723", level=Level.COUNTY)
    within = Region.objects.subtree(yangxian)
    assert within.filter(level=Level.TOWN).count() == 18
    assert within.filter(level=Level.VILLAGE).count() == 287
    assert within.grids().count() == 1714
    assert Region.objects.subtree(county).grids().count() == 8  # the test county is untouched
    villages = {v.pk: shape(json.loads(v.boundary)) for v in within.filter(level=Level.VILLAGE)}
    for grid in within.grids():
        assert villages[grid.parent_id].buffer(1e-7).covers(shape(json.loads(grid.boundary)))
    assert yangxian.boundary


def test_load_county_refuses_an_unknown_county_naming_the_known_ones():
    with pytest.raises(CommandError, match="610722 城固县, 610723 洋县"):
        call_command("load_county", county="999999")


def test_load_demo_refuses_an_instance_county_without_data(settings):
    settings.COUNTY_CODE = "999999"
    with pytest.raises(CommandError, match="999999"):
        call_command("load_demo", cases=0)

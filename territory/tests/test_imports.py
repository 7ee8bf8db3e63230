"""Imports of divisions (CSV) and grids (GeoJSON): a broken file gets errors that point at the row
and field to fix, and writes nothing; a good file re-imported updates instead of duplicating."""

import json
from pathlib import Path

import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from shapely.geometry import shape

from conftest import small_county_csv, small_county_grids, square
from territory.models import Level, Region
from territory.services import RowError, TerritoryImportError, import_divisions, import_grids

DATA = Path(__file__).resolve().parent / "data"
CHENGGU = Path(__file__).resolve().parents[1] / "data" / "chenggu"
HEADER = "code,name,level,parent_code"
# Good rows first (lines 2-4), so that a half-written import would leave them behind.
GOOD_ROWS = [
    "610722,城固县,county,6107",
    "610722001,博望街道,town,610722",
    "610722001001,钟楼街居委会,village,610722001",
]


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the project default is 简体中文."""
    with translation.override("en"):
        yield


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def division_errors(text: str) -> list[RowError]:
    with pytest.raises(TerritoryImportError) as raised:
        import_divisions(text)
    return raised.value.errors


def grid_errors(collection: object) -> list[RowError]:
    with pytest.raises(TerritoryImportError) as raised:
        import_grids(collection)
    return raised.value.errors


def snapshot() -> list[tuple]:
    """Everything an import may write, to compare before and after a failed one."""
    return list(
        Region.objects.order_by("code").values_list(
            "code", "name", "level", "path", "boundary", "households", "updated_at"
        )
    )


# --- divisions CSV: errors ----------------------------------------------------------------------


def test_a_divisions_file_without_the_parent_code_column_is_one_error_on_line_1(db):
    errors = division_errors("code,name,level\n610722,城固县,county\n")
    assert len(errors) == 1
    assert (errors[0].where, errors[0].field) == ("line 1", "parent_code")
    assert "code,name,level,parent_code" in errors[0].message
    assert Region.objects.count() == 0


@pytest.mark.parametrize(
    "row, field, says",
    [
        ("61072200A,坏镇,town,610722", "code", "61072200A"),
        ("610722001,又一个博望街道,town,610722", "code", "twice"),
        ("610722002,,town,610722", "name", "empty"),
        ("610722002,某乡,xiang,610722", "level", "xiang"),
        ("610722099001,某村,village,610722099", "parent_code", "610722099"),
        (
            "610722001009,某组,village,610722001001",
            "parent_code",
            "must sit under a “Town / sub-district”",
        ),
        ("610722002001,某村,village,610722001", "code", "does not start with"),
        ("610722002,某镇,town,", "parent_code", "empty"),
    ],
    ids=[
        "non-digit code",
        "duplicate code",
        "empty name",
        "unknown level",
        "parent nowhere",
        "village under a village",
        "code not under parent code",
        "town without parent",
    ],
)
def test_a_bad_division_row_is_reported_by_line_and_field_and_nothing_is_written(
    db, row, field, says
):
    errors = division_errors(csv_text(*GOOD_ROWS, row, "610722001002,西关居委会,village,610722001"))
    assert [(error.where, error.field) for error in errors] == [("line 5", field)]
    assert says in errors[0].message
    assert str(errors[0]).startswith("line 5, " + field)
    assert Region.objects.count() == 0


def test_an_import_error_reads_in_chinese_for_a_chinese_user(db):
    with translation.override("zh-hans"):  # the project default; this module asserts English
        errors = division_errors(csv_text(*GOOD_ROWS, "61072200A,坏镇,town,610722"))
    assert [(error.where, error.field, error.message) for error in errors] == [
        ("第5行", "code", "应为6至12位数字，实际为“61072200A”")
    ]
    assert Region.objects.count() == 0


def test_every_bad_row_of_a_divisions_file_is_listed_in_file_order(db):
    errors = division_errors(
        csv_text(
            *GOOD_ROWS,
            "61072200A,坏镇,town,610722",
            "610722002,,town,610722",
            "610722003,某乡,xiang,610722",
            "610722001002,某村,village,610722099",
        )
    )
    assert [(error.where, error.field) for error in errors] == [
        ("line 5", "code"),
        ("line 6", "name"),
        ("line 7", "level"),
        ("line 8", "parent_code"),
    ]
    assert Region.objects.count() == 0


def test_a_row_with_several_faults_gets_an_error_for_each(db):
    errors = division_errors(csv_text(*GOOD_ROWS, "6107X,,xiang,610722"))
    assert [(error.where, error.field) for error in errors] == [
        ("line 5", "code"),
        ("line 5", "name"),
        ("line 5", "level"),
    ]


def test_line_numbers_count_blank_lines_and_the_header(db):
    errors = division_errors(HEADER + "\n" + GOOD_ROWS[0] + "\n\n\n610722002,,town,610722\n")
    assert [(error.where, error.field) for error in errors] == [("line 5", "name")]


def test_a_failed_import_over_an_existing_county_changes_nothing(county):
    before = snapshot()
    text = (
        small_county_csv().replace("西镇", "新西镇") + "610722001201,西镇新村,village,610722001\n"
    )
    text += "610722002201,东镇坏村,village,610722009\n"  # the last row is bad
    errors = division_errors(text)
    assert [(error.where, error.field) for error in errors] == [("line 10", "parent_code")]
    assert snapshot() == before
    assert Region.objects.get(code="610722001").name == "西镇"


def test_a_child_of_a_row_with_an_unknown_level_gets_errors_not_a_crash(db):
    errors = division_errors(
        csv_text(
            "610722,城固县,county,6107",
            "610722001,博望街道,xiang,610722",
            "610722001001,钟楼街居委会,village,610722001",
        )
    )
    assert ("line 3", "level") in [(error.where, error.field) for error in errors]
    assert Region.objects.count() == 0


def test_a_code_in_full_width_digits_is_rejected(db):
    errors = division_errors(csv_text("６１０７２２,城固县,county,6107"))
    assert [(error.where, error.field) for error in errors] == [("line 2", "code")]


# --- divisions CSV: good files ------------------------------------------------------------------


def test_re_importing_the_same_divisions_updates_instead_of_duplicating(db):
    first = import_divisions(small_county_csv())
    paths = dict(Region.objects.values_list("code", "path"))
    second = import_divisions(small_county_csv().replace("西镇北村", "西镇北湾村"))

    assert (first.created, first.updated) == (7, 0)
    assert (second.created, second.updated) == (0, 7)
    assert Region.objects.count() == 7
    assert dict(Region.objects.values_list("code", "path")) == paths
    assert Region.objects.get(code="610722001001").name == "西镇北湾村"


def test_the_real_chenggu_divisions_import_as_one_county_17_towns_272_villages(db):
    import_divisions((CHENGGU / "divisions.csv").read_text(encoding="utf-8"))

    assert Region.objects.filter(level=Level.COUNTY).count() == 1
    assert Region.objects.filter(level=Level.TOWN).count() == 17
    assert Region.objects.filter(level=Level.VILLAGE).count() == 272
    county = Region.objects.get(level=Level.COUNTY)
    assert (county.code, county.path, county.parent) == ("610722", "610722/", None)
    for region in Region.objects.exclude(level=Level.COUNTY).select_related("parent"):
        assert region.path == f"{region.parent.path}{region.code}/"
        assert region.path.startswith(county.path)
    for village in Region.objects.filter(level=Level.VILLAGE).select_related("parent"):
        assert village.parent.level == Level.TOWN
        assert village.path.startswith(village.parent.path)


# --- grids GeoJSON: errors ----------------------------------------------------------------------


def new_grid(**properties) -> dict:
    """A good ninth grid: a third one for 西镇北村, north of the county."""
    feature = {
        "type": "Feature",
        "properties": {
            "code": "610722001001003",
            "name": "西镇北村第3网格",
            "village_code": "610722001001",
            "households": 350,
        },
        "geometry": square(107.0, 33.2),
    }
    feature["properties"].update(properties)
    return feature


def fourth_grid(**properties) -> dict:
    """Another grid of 西镇北村, to be spoilt by one bad property."""
    return new_grid(**{"code": "610722001001004", "name": "西镇北村第4网格", **properties})


def with_geometry(geometry) -> dict:
    feature = fourth_grid()
    feature["geometry"] = geometry
    return feature


def without_geometry() -> dict:
    feature = with_geometry(None)
    del feature["geometry"]
    return feature


BOW_TIE = {  # asymmetric, so that it has an area and only its self-intersection is wrong
    "type": "Polygon",
    "coordinates": [[[107.1, 33.2], [107.3, 33.4], [107.3, 33.2], [107.1, 33.3], [107.1, 33.2]]],
}


@pytest.mark.parametrize(
    "feature, field, says",
    [
        (
            fourth_grid(code="610722009001001", village_code="610722009001"),
            "village_code",
            "610722009001",
        ),
        (fourth_grid(code="6107220010013"), "code", "6107220010013"),
        (fourth_grid(code="61072200100100X"), "code", "61072200100100X"),
        (fourth_grid(code="610722002001001"), "code", "610722002001001"),
        (fourth_grid(code="610722001001001"), "code", "twice"),
        (fourth_grid(name="  "), "name", "empty"),
        (with_geometry({"type": "Point", "coordinates": [107.05, 33.25]}), "geometry", "Point"),
        (with_geometry(BOW_TIE), "geometry", "Self-intersection"),
        (with_geometry(None), "geometry", "missing"),
        (without_geometry(), "geometry", "missing"),
        (
            with_geometry({"type": "Polygon", "coordinates": [[[107.0, 33.2], [107.1, 33.3]]]}),
            "geometry",
            "not GeoJSON",
        ),
        (with_geometry({"type": "Polygon", "coordinates": []}), "geometry", "no area"),
        (fourth_grid(households=-5), "households", "≥ 0"),
        (fourth_grid(households="many"), "households", "≥ 0"),
        ("not a feature", "type", "Feature"),
    ],
    ids=[
        "village not in database",
        "serial too short",
        "non-digit code",
        "code of another village",
        "duplicate code",
        "empty name",
        "point geometry",
        "bow-tie polygon",
        "null geometry",
        "missing geometry",
        "ring of two points",
        "empty polygon",
        "negative households",
        "households not a number",
        "not a feature",
    ],
)
def test_a_bad_grid_feature_is_reported_by_number_and_field_and_nothing_is_written(
    county, feature, field, says
):
    before = snapshot()
    collection = small_county_grids()
    collection["features"][0]["properties"]["name"] = "改过名的网格"  # a good change, feature 1
    collection["features"] += [new_grid(), feature]  # a good new grid, then the bad one: 9, 10

    errors = grid_errors(collection)

    assert [(error.where, error.field) for error in errors] == [("feature 10", field)]
    assert says in errors[0].message
    assert snapshot() == before  # no grid added or renamed, no village boundary grown


def test_every_bad_grid_feature_is_listed_in_order(county):
    collection = small_county_grids()
    collection["features"][2]["properties"]["name"] = ""
    collection["features"][5]["geometry"] = {"type": "Point", "coordinates": [107.3, 33.15]}
    collection["features"][7]["properties"]["households"] = -1
    errors = grid_errors(collection)
    assert [(error.where, error.field) for error in errors] == [
        ("feature 3", "name"),
        ("feature 6", "geometry"),
        ("feature 8", "households"),
    ]


@pytest.mark.parametrize(
    "collection",
    [
        new_grid(),
        [new_grid()],
        {"type": "FeatureCollection"},
        {"type": "FeatureCollection", "features": {"0": new_grid()}},
        "FeatureCollection",
    ],
    ids=["a single feature", "a bare list", "no features", "features not a list", "a string"],
)
def test_something_that_is_not_a_feature_collection_is_one_error(county, collection):
    before = snapshot()
    errors = grid_errors(collection)
    assert [(error.field, error.message) for error in errors] == [
        ("features", "is not a GeoJSON FeatureCollection")
    ]
    assert snapshot() == before


def test_a_symmetric_bow_tie_is_reported_as_self_intersecting(county):
    bow_tie = {
        "type": "Polygon",
        "coordinates": [
            [[107.0, 33.2], [107.1, 33.3], [107.1, 33.2], [107.0, 33.3], [107.0, 33.2]]
        ],
    }
    errors = grid_errors({"type": "FeatureCollection", "features": [with_geometry(bow_tie)]})
    assert [(error.where, error.field) for error in errors] == [("feature 1", "geometry")]
    assert "Self-intersection" in errors[0].message


def test_an_unknown_geometry_type_is_an_error_not_a_crash(county):
    feature = with_geometry({"type": "Circle", "coordinates": [107.05, 33.25]})
    errors = grid_errors({"type": "FeatureCollection", "features": [feature]})
    assert [(error.where, error.field) for error in errors] == [("feature 1", "geometry")]


def test_properties_that_are_not_an_object_are_an_error_not_a_crash(county):
    feature = new_grid()
    feature["properties"] = "610722001001003"
    errors = grid_errors({"type": "FeatureCollection", "features": [feature]})
    assert ("feature 1", "properties") in [(error.where, error.field) for error in errors]


def test_grid_codes_given_as_json_numbers_import_as_text(county):
    collection = small_county_grids()
    for feature in collection["features"]:
        feature["properties"]["code"] = int(feature["properties"]["code"])
        feature["properties"]["village_code"] = int(feature["properties"]["village_code"])
    import_grids(collection)
    assert Region.objects.grids().count() == 8


def test_households_true_is_not_a_number(county):
    errors = grid_errors({"type": "FeatureCollection", "features": [new_grid(households=True)]})
    assert [(error.where, error.field) for error in errors] == [("feature 1", "households")]


# --- grids GeoJSON: good files ------------------------------------------------------------------


def test_re_importing_the_same_grids_updates_instead_of_duplicating(county):
    ids = dict(Region.objects.grids().values_list("code", "id"))
    collection = small_county_grids()
    collection["features"][0]["properties"]["name"] = "钟楼第1网格"

    summary = import_grids(collection)

    assert (summary.created, summary.updated) == (0, 8)
    assert dict(Region.objects.grids().values_list("code", "id")) == ids
    assert Region.objects.get(code="610722001001001").name == "钟楼第1网格"


def test_a_village_boundary_becomes_the_union_of_its_grids(county):
    collection = small_county_grids()
    collection["features"][1]["geometry"] = square(107.1, 33.1, size=0.05)  # 西镇北村 grid 2
    collection["features"].append(new_grid())  # and a third grid, north of the first

    import_grids(collection)

    village = Region.objects.get(code="610722001001")
    grids = [shape(json.loads(grid.boundary)) for grid in Region.objects.grids().subtree(village)]
    assert len(grids) == 3
    boundary = shape(village.boundary_geojson)
    assert boundary.equals(shapely.union_all(grids))
    assert boundary.area == pytest.approx(0.01 + 0.0025 + 0.01)
    town = Region.objects.get(code="610722001")
    assert shape(town.boundary_geojson).area == pytest.approx(0.04 - 0.0075 + 0.01)
    assert village.contains(Region.objects.get(code="610722001001003"))


# --- the management commands --------------------------------------------------------------------


def test_import_divisions_command_names_every_bad_line_and_writes_nothing(db):
    with pytest.raises(CommandError) as raised:
        call_command("import_divisions", DATA / "divisions_bad_rows.csv")
    message = str(raised.value)
    assert "divisions_bad_rows.csv" in message
    assert "nothing imported" in message
    for line, field in [(5, "code"), (6, "name"), (7, "level"), (8, "parent_code")]:
        assert f"line {line}, {field}:" in message
    assert Region.objects.count() == 0


def test_import_divisions_command_names_the_missing_column_on_line_1(db):
    with pytest.raises(CommandError, match=r"line 1, parent_code: missing column"):
        call_command("import_divisions", DATA / "divisions_missing_column.csv")
    assert Region.objects.count() == 0


def test_import_divisions_command_says_a_gbk_file_is_not_utf_8(db, tmp_path):
    path = tmp_path / "divisions_gbk.csv"
    path.write_bytes(csv_text(*GOOD_ROWS).encode("gbk"))
    with pytest.raises(CommandError) as raised:
        call_command("import_divisions", path)
    assert "divisions_gbk.csv" in str(raised.value)
    assert "utf-8" in str(raised.value).lower()
    assert Region.objects.count() == 0


def test_import_divisions_command_names_a_file_that_does_not_exist(db, tmp_path):
    with pytest.raises(CommandError, match="no_such_file.csv"):
        call_command("import_divisions", tmp_path / "no_such_file.csv")


def test_import_divisions_command_accepts_a_utf_8_file_with_a_byte_order_mark(db, tmp_path):
    path = tmp_path / "divisions_bom.csv"
    path.write_bytes(csv_text(*GOOD_ROWS).encode("utf-8-sig"))
    call_command("import_divisions", path)
    assert Region.objects.count() == 3


def test_import_grids_command_names_the_line_of_a_file_that_is_not_json(county):
    before = snapshot()
    with pytest.raises(CommandError, match=r"grids_not_json\.geojson: not JSON \(line 6"):
        call_command("import_grids", DATA / "grids_not_json.geojson")
    assert snapshot() == before


def test_import_grids_command_names_every_bad_feature_and_writes_nothing(county):
    before = snapshot()
    with pytest.raises(CommandError) as raised:
        call_command("import_grids", DATA / "grids_bad_features.geojson")
    message = str(raised.value)
    assert "nothing imported" in message
    assert "feature 2, village_code:" in message
    assert "feature 3, households:" in message
    assert "feature 3, geometry: must be a Polygon, got Point" in message
    assert "feature 1" not in message
    assert snapshot() == before

"""Places on the maps: the search finds towns, villages, grids and the county's gazetteer; the
gazetteer import takes a whole file or nothing; a grid worker's map holds their own area and the
rest comes per town; the map JSON travels gzipped and answers 304 until the territory changes."""

import csv
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from shapely.geometry import shape

from conftest import small_county_grids
from territory.models import GazetteerEntry, Level, PlaceKind, Region
from territory.selectors import outside_county_message, search_places
from territory.services import (
    PLACE_KIND_WORDS,
    TerritoryImportError,
    import_divisions,
    import_gazetteer,
    import_grids,
    read_gazetteer_csv,
)
from wangge.settings import tile_origin

CHENGGU = Path(__file__).resolve().parents[1] / "data" / "chenggu"
HEADER = "name,kind,lon,lat,address,example"
# Lines 2-4: one in the grid worker's grid, one in the south-east village, one in the east town.
GOOD_ROWS = [
    "西镇中心小学,学校,107.05,33.15,西镇北村,0",
    "幸福小区,compound,107.25,33.05,,",
    "东镇卫生院,医院,107.35,33.15,,1",
]
# The test county: west town 610722001 and east town 610722002, each a north village (001) and a
# south village (101) of two grids. The grid worker works 610722001001001 (north-west corner).
WORKER_AREA = {
    "610722001001001",  # their own village, 西镇北村
    "610722001001002",
    "610722001101001",  # 西镇南村, south of it
    "610722001101002",
    "610722002001001",  # 东镇北村, east of it
    "610722002001002",
}  # not 东镇南村 (610722002101): it touches 西镇北村 at one corner only
ALL_GRIDS = {feature["properties"]["code"] for feature in small_county_grids()["features"]}


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English; the project default is 简体中文."""
    with translation.override("en"):
        yield


def gazetteer_csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def get_json(client, url: str, **headers) -> dict:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response
    body = response.content
    return json.loads(gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body)


def grid_codes(collection: dict) -> set[str]:
    features = collection["features"]
    return {f["properties"]["code"] for f in features if f["properties"]["level"] == "grid"}


# --- search -------------------------------------------------------------------------------------


def test_the_search_finds_a_town_then_its_villages_then_their_grids(county):
    hits = search_places("西镇")
    assert [(hit.kind, hit.name) for hit in hits[:3]] == [
        ("town", "西镇"),
        ("village", "西镇北村"),
        ("village", "西镇南村"),
    ]
    assert {hit.kind for hit in hits[3:]} == {"grid"} and len(hits) == 7
    assert hits[1].context == "西镇" and hits[3].context == "西镇北村 · 西镇"


def test_the_search_finds_a_village_by_code_and_a_grid_by_part_of_its_name(county):
    by_code = search_places("610722002101")
    assert [hit.code for hit in by_code] == ["610722002101", "610722002101001", "610722002101002"]
    village = by_code[0]
    assert village.bbox == (107.2, 33.0, 107.4, 33.1)  # where the map goes
    assert 107.2 < village.lon < 107.4 and 33.0 < village.lat < 33.1  # the point it sets
    grids = search_places("北村第2")
    assert [hit.name for hit in grids] == ["西镇北村第2网格", "东镇北村第2网格"]
    assert search_places("  ") == [] and search_places("不存在的地方") == []


def test_the_search_finds_gazetteer_entries_and_says_where_they_are(county):
    import_gazetteer(gazetteer_csv(*GOOD_ROWS))
    [school] = search_places("小学")
    assert (school.kind, school.kind_label, school.name) == ("place", "School", "西镇中心小学")
    assert (school.lon, school.lat) == (107.05, 33.15)
    assert school.context == "西镇北村 · 西镇" and school.bbox is None and not school.example
    assert school.grid == "610722001001001"  # the page loads that grid's town if it lacks it
    [clinic] = search_places("卫生院")
    assert clinic.example and clinic.kind_label == str(PlaceKind.HOSPITAL.label)


def test_the_search_keeps_to_this_instances_county(county):
    import_divisions(
        "code,name,level,parent_code\n610723,洋县,county,6107\n610723001,西镇外,town,610723\n"
    )
    assert Region.objects.get(code="610723001").county_code == "610723"
    assert "西镇外" not in [hit.name for hit in search_places("西镇")]


def test_the_search_endpoint_answers_json_to_anyone(client, people):
    response = client.get("/territory/search/", {"q": "东镇南"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    results = response.json()["results"]
    with translation.override("zh-hans"):  # the page's language: the project default
        village_label = str(Level.VILLAGE.label)
    assert results[0] == {
        "kind": "village",
        "kind_label": village_label,
        "name": "东镇南村",
        "code": "610722002101",
        "context": "东镇",
        "lon": results[0]["lon"],
        "lat": results[0]["lat"],
        "bbox": [107.2, 33.0, 107.4, 33.1],
        "grid": "",
        "example": False,
    }
    assert "private" in response["Cache-Control"]
    assert client.get("/territory/search/").json() == {"results": []}


# --- gazetteer import ---------------------------------------------------------------------------


def test_a_gazetteer_file_is_imported_into_its_grids_and_a_rerun_updates(county):
    summary = import_gazetteer(gazetteer_csv(*GOOD_ROWS))
    assert (summary.created, summary.updated) == (3, 0)
    school = GazetteerEntry.objects.get(name="西镇中心小学")
    assert (school.kind, school.grid.code, school.county_code) == (
        "school",
        "610722001001001",
        "610722",
    )
    assert school.address == "西镇北村" and not school.example
    assert GazetteerEntry.objects.get(name="幸福小区").kind == PlaceKind.COMPOUND
    assert GazetteerEntry.objects.get(name="东镇卫生院").example

    moved = GOOD_ROWS[0].replace("107.05,33.15,西镇北村", "107.15,33.15,西镇北村二组")
    summary = import_gazetteer(gazetteer_csv(moved, *GOOD_ROWS[1:]))
    assert (summary.created, summary.updated) == (0, 3)
    school.refresh_from_db()
    assert (school.grid.code, school.address) == ("610722001001002", "西镇北村二组")
    assert GazetteerEntry.objects.count() == 3


def test_a_bad_gazetteer_file_writes_nothing_and_names_line_field_and_reason(county):
    text = gazetteer_csv(
        *GOOD_ROWS,  # lines 2-4: good, and must not be written either
        ",学校,107.05,33.15,,",  # line 5
        "某城堡,castle,107.05,33.15,,",  # line 6
        "某路,路,东经107度,33.15,,",  # line 7
        "北京某处,单位,116.4,39.9,,",  # line 8: a real point, not in the county
        "西镇中心小学,school,107.06,33.16,,",  # line 9: the same school again
        "某市场,市场,107.05,33.15,,maybe",  # line 10
    )
    with pytest.raises(TerritoryImportError) as raised:
        import_gazetteer(text)
    errors = [(error.where, error.field) for error in raised.value.errors]
    assert errors == [
        ("line 5", "name"),
        ("line 6", "kind"),
        ("line 7", "lon"),
        ("line 8", "lon, lat"),
        ("line 9", "name"),
        ("line 10", "example"),
    ]
    messages = [error.message for error in raised.value.errors]
    assert messages[0] == "is empty"
    assert "“castle”" in messages[1] and "school" in messages[1] and "学校" in messages[1]
    assert "“东经107度”" in messages[2]
    assert "城固县" in messages[3]
    assert messages[4] == "“西镇中心小学” of this kind is already on line 2"
    assert GazetteerEntry.objects.count() == 0


def test_a_gazetteer_file_without_a_coordinate_column_is_one_error_on_line_1(county):
    with pytest.raises(TerritoryImportError) as raised:
        import_gazetteer("name,kind,lon\n西镇中心小学,学校,107.05\n")
    [error] = raised.value.errors
    assert (error.where, error.field) == ("line 1", "lat")
    assert "name,kind,lon,lat" in error.message and "address,example" in error.message


def test_the_import_command_refuses_a_bad_file_whole_and_names_the_line(county, tmp_path):
    bad = tmp_path / "gazetteer.csv"
    bad.write_text(gazetteer_csv(*GOOD_ROWS, "某城堡,castle,107.05,33.15,,"), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("import_gazetteer", bad)
    assert "nothing imported" in str(raised.value) and "line 5, kind" in str(raised.value)
    assert GazetteerEntry.objects.count() == 0

    good = tmp_path / "good.csv"
    good.write_text("\ufeff" + gazetteer_csv(*GOOD_ROWS), encoding="utf-8")  # as Excel saves it
    out = io.StringIO()
    call_command("import_gazetteer", good, stdout=out)
    assert out.getvalue().strip() == "gazetteer: 3 created, 0 updated"


def test_the_import_command_speaks_the_default_language(county, tmp_path):
    """A county's staff read the command's answer in Chinese, once the catalogue has it."""
    bad = tmp_path / "gazetteer.csv"
    bad.write_text(gazetteer_csv("某城堡,castle,107.05,33.15,,"), encoding="utf-8")
    with translation.override("zh-hans"), pytest.raises(CommandError) as raised:
        call_command("import_gazetteer", bad)
    assert "第2行" in str(raised.value)  # the line, as the divisions import says it


def test_the_chenggu_example_gazetteer_is_marked_as_example_and_lies_in_the_county():
    rows = read_gazetteer_csv((CHENGGU / "gazetteer_example.csv").read_text(encoding="utf-8"))
    outline = shape(json.loads((CHENGGU / "county.geojson").read_text())["features"][0]["geometry"])
    assert len(rows) >= 10
    for row in rows:
        assert row["example"] == "1", row
        assert row["kind"] in PLACE_KIND_WORDS or row["kind"] in PlaceKind.values, row
        assert outline.contains(shapely.Point(float(row["lon"]), float(row["lat"]))), row
    assert "example" in (CHENGGU / "README.md").read_text(encoding="utf-8").lower()
    lines = (CHENGGU / "gazetteer_example.csv").read_text(encoding="utf-8").splitlines()
    assert {len(row) for row in csv.reader(lines)} == {len(HEADER.split(","))}  # opens in Excel


# --- what each person's map holds ---------------------------------------------------------------


@pytest.mark.parametrize("who", ["grid_worker", "informant"])
def test_a_grid_worker_map_holds_only_their_village_and_its_neighbours(client, people, who):
    client.force_login(people[who])
    collection = get_json(client, "/territory/grids.json")
    assert grid_codes(collection) == WORKER_AREA
    assert [f["properties"]["level"] for f in collection["features"]].count("county") == 1
    assert collection["towns"] == ["610722001"]  # the west town came whole: not fetched again


@pytest.mark.parametrize(
    "who",
    ["village_operator", "town_operator", "county_operator", "leader", "urban_handler", "admin"],
)
def test_centres_leaders_and_departments_keep_the_whole_county(client, people, who):
    client.force_login(people[who])
    collection = get_json(client, "/territory/grids.json")
    assert grid_codes(collection) == ALL_GRIDS
    assert collection["towns"] == ["610722001", "610722002"]


def test_the_rest_of_the_county_comes_per_town(client, people):
    client.force_login(people["grid_worker"])
    east = get_json(client, "/territory/grids.json?town=610722002")
    assert grid_codes(east) == {code for code in ALL_GRIDS if code.startswith("610722002")}
    assert east["towns"] == ["610722002"]
    assert all(f["properties"]["level"] == "grid" for f in east["features"])
    for wrong in ("610722003", "610722001001", ""):
        assert client.get("/territory/grids.json", {"town": wrong}).status_code == 404


def test_places_carry_town_outlines_and_the_names_of_towns_and_villages(client, people):
    client.force_login(people["grid_worker"])
    places = get_json(client, "/territory/places.json")
    towns = {f["properties"]["code"]: f for f in places["features"]}
    assert {code: f["properties"]["name"] for code, f in towns.items()} == {
        "610722001": "西镇",
        "610722002": "东镇",
    }
    for town in towns.values():
        outline = shape(town["geometry"])
        assert outline.buffer(1e-4).contains(shapely.Point(town["properties"]["label"]))
    assert [village[:2] for village in places["villages"]] == [
        ["610722001001", "西镇北村"],
        ["610722001101", "西镇南村"],
        ["610722002001", "东镇北村"],
        ["610722002101", "东镇南村"],
    ]
    west_north = places["villages"][0]
    assert (west_north[2], west_north[3]) == (107.1, 33.15)  # its centroid: no seat shipped


# --- how the map JSON travels -------------------------------------------------------------------


def test_map_json_is_gzipped_once_and_answers_304_until_the_grids_change(client, people):
    client.force_login(people["grid_worker"])
    zipped = client.get("/territory/grids.json", headers={"Accept-Encoding": "gzip, br"})
    assert zipped["Content-Encoding"] == "gzip" and zipped["Content-Type"] == "application/geo+json"
    assert zipped["Cache-Control"] == "private, no-cache"
    assert "Accept-Encoding" in zipped["Vary"] and "Cookie" in zipped["Vary"]  # per person
    plain = client.get("/territory/grids.json")
    assert not plain.has_header("Content-Encoding")
    assert plain.content == gzip.decompress(zipped.content)
    assert len(zipped.content) < len(plain.content) / 3
    assert plain["ETag"] != zipped["ETag"]  # one per coding: a cache never mixes them up

    again = client.get(
        "/territory/grids.json",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped["ETag"]},
    )
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == zipped["ETag"] and again["Cache-Control"] == "private, no-cache"

    grids = small_county_grids()
    grids["features"][0]["properties"]["name"] = "西镇北村一号网格"
    import_grids(grids)
    changed = client.get(
        "/territory/grids.json",
        headers={"Accept-Encoding": "gzip", "If-None-Match": zipped["ETag"]},
    )
    assert changed.status_code == 200 and changed["ETag"] != zipped["ETag"]
    assert "西镇北村一号网格" in gzip.decompress(changed.content).decode()


def test_places_follow_a_renamed_village_at_once(client, people):
    client.force_login(people["county_operator"])
    before = client.get("/territory/places.json", headers={"Accept-Encoding": "gzip"})
    import_divisions("code,name,level,parent_code\n610722001001,西镇新北村,village,610722001\n")
    after = client.get(
        "/territory/places.json",
        headers={"Accept-Encoding": "gzip", "If-None-Match": before["ETag"]},
    )
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "西镇新北村" in gzip.decompress(after.content).decode()


def test_a_visitor_starts_with_the_county_outline_and_loads_a_town_on_demand(client, county):
    first = json.loads(client.get("/territory/grids.json").content)
    assert [feature["properties"].get("level") for feature in first["features"]] == ["county"]
    assert first["towns"] == []
    town = json.loads(client.get("/territory/grids.json", {"town": "610722001"}).content)
    assert len(town["features"]) == 4
    assert client.get("/territory/places.json").status_code == 200


# --- a point outside the county -----------------------------------------------------------------


def test_a_point_outside_the_county_is_named_by_the_county_not_by_numbers(client, people):
    client.force_login(people["grid_worker"])
    answer = client.post("/territory/locate/", {"lon": 108.0, "lat": 34.0}).content.decode()
    assert outside_county_message() in answer
    assert outside_county_message() == "这个位置不在城固县内，请在网格内选点。"
    assert "108" not in answer and "34.0" not in answer


# --- the county's own tiles, off by default -----------------------------------------------------


def test_without_a_tile_url_the_maps_load_no_tiles_and_the_csp_allows_none(client, people):
    client.force_login(people["grid_worker"])
    response = client.get("/cases/report/")
    assert 'data-tile-url=""' in response.content.decode()
    directives = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "img-src 'self'" in directives


def test_a_tile_url_reaches_the_maps(client, people, settings):
    settings.WANGGE_TILE_URL = "https://tiles.chenggu.internal/{z}/{x}/{y}.png"
    client.force_login(people["grid_worker"])
    page = client.get("/cases/report/").content.decode()
    assert 'data-tile-url="https://tiles.chenggu.internal/{z}/{x}/{y}.png"' in page


def test_a_tile_url_adds_its_origin_to_img_src_and_nothing_else():
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "WANGGE_TILE_URL": "https://tiles.chenggu.internal:8443/xyz/{z}/{x}/{y}.png",
    }
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']))",
        ],
        env={**environment, "DJANGO_SETTINGS_MODULE": "wangge.settings"},
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    directives = json.loads(shown.stdout)
    assert directives["img-src"] == ["'self'", "https://tiles.chenggu.internal:8443"]
    assert directives["connect-src"] == ["'self'"] and directives["script-src"] == ["'self'"]


def test_a_tile_template_gives_its_origin_or_is_refused():
    assert tile_origin("https://{s}.tiles.chenggu.internal/{z}/{x}/{y}.png") == (
        "https://*.tiles.chenggu.internal"
    )
    for wrong in ("tiles.chenggu.internal/{z}/{x}/{y}.png", "ftp://tiles/{z}.png", "https://{z}/"):
        with pytest.raises(ImproperlyConfigured):
            tile_origin(wrong)

"""The territory and the departments through the REST API: the tree as the database holds it, the
grids as GeoJSON with gzip and an ETag, and no person in any answer."""

import gzip
import json

import pytest

from integrations.services import issue_credential
from territory.models import Region
from territory.services import set_boundary


@pytest.fixture
def staff_auth(people) -> dict:
    _credential, text = issue_credential("测试", user=people["county_operator"])
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


@pytest.fixture
def system_auth(people) -> dict:
    _credential, text = issue_credential("12345 热线平台")
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def test_the_top_is_the_county_with_its_towns(client, staff_auth):
    tree = client.get("/api/v1/territory/regions", **staff_auth).json()
    assert tree["region"] == {
        "code": "610722",
        "name": "城固县",
        "level": "county",
        "parent": None,
        "child_count": 2,
    }
    assert tree["descendants"] == [
        {
            "code": "610722001",
            "name": "西镇",
            "level": "town",
            "parent": "610722",
            "child_count": 2,
        },
        {
            "code": "610722002",
            "name": "东镇",
            "level": "town",
            "parent": "610722",
            "child_count": 2,
        },
    ]
    assert tree["next_cursor"] is None


def test_a_towns_subtree_to_its_grids_matches_the_database_in_tree_order(client, system_auth):
    """A system key reads the territory too: it needs the codes to report."""
    tree = client.get("/api/v1/territory/regions/610722002?depth=3", **system_auth).json()
    town = Region.objects.get(code="610722002")
    expected = Region.objects.subtree(town).exclude(pk=town.pk).order_by("path")
    assert [row["code"] for row in tree["descendants"]] == [region.code for region in expected]
    assert [row["level"] for row in tree["descendants"]] == ["village", "grid", "grid"] * 2
    for row in tree["descendants"]:
        region = Region.objects.get(code=row["code"])
        assert row["parent"] == region.parent.code
        assert row["child_count"] == region.children.count()
    assert tree["region"]["parent"] == "610722" and tree["region"]["child_count"] == 2


def test_depth_counts_levels_below_the_region(client, staff_auth):
    levels = {
        depth: {
            row["level"]
            for row in client.get(
                "/api/v1/territory/regions", {"depth": depth}, **staff_auth
            ).json()["descendants"]
        }
        for depth in (1, 2, 3)
    }
    assert levels == {1: {"town"}, 2: {"town", "village"}, 3: {"town", "village", "grid"}}
    grid = client.get("/api/v1/territory/regions/610722001001001", **staff_auth).json()
    assert grid["region"]["level"] == "grid" and grid["descendants"] == []


def test_pages_follow_the_cursor_without_gaps_or_repeats(client, staff_auth):
    seen, cursor = [], None
    for _page in range(10):
        params = {"depth": 3, "limit": 4} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/territory/regions", params, **staff_auth).json()
        assert len(page["descendants"]) <= 4
        seen += [row["code"] for row in page["descendants"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    county = Region.objects.get(code="610722")
    assert seen == list(
        Region.objects.subtree(county).exclude(pk=county.pk).values_list("code", flat=True)
    )  # 2 towns, 4 villages, 8 grids
    assert len(seen) == 14


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"depth": 0}, "depth"),
        ({"depth": 4}, "depth"),
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"cursor": "610722002"}, "cursor"),  # not under the west town
        ({"cursor": "999"}, "cursor"),
    ],
)
def test_depth_pages_and_cursors_are_bounded(client, staff_auth, params, field):
    response = client.get("/api/v1/territory/regions/610722001", params, **staff_auth)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/territory/regions/999999",
        "/api/v1/territory/regions/999999/grids.geojson",
    ],
)
def test_an_unknown_region_is_404_in_the_apis_shape(client, staff_auth, path):
    response = client.get(path, **staff_auth)
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"} and response.json()["detail"]


def test_a_region_of_another_county_is_404(client, staff_auth, county):
    Region.objects.create(
        county_code="610723", code="610723", name="洋县", level="county", path="610723/"
    )
    assert client.get("/api/v1/territory/regions/610723", **staff_auth).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/territory/regions",
        "/api/v1/territory/regions/610722001",
        "/api/v1/territory/regions/610722001/grids.geojson",
        "/api/v1/departments",
    ],
)
@pytest.mark.parametrize("header", [{}, {"HTTP_AUTHORIZATION": "Bearer wg_nope_nope"}])
def test_without_a_valid_token_is_401(client, db, path, header):
    response = client.get(path, **header)
    assert response.status_code == 401 and "Bearer" in response.json()["detail"]


def test_a_towns_grids_as_geojson(client, staff_auth):
    response = client.get("/api/v1/territory/regions/610722001/grids.geojson", **staff_auth)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    town = Region.objects.get(code="610722001")
    assert [feature["properties"] for feature in collection["features"]] == [
        {"code": grid.code, "name": grid.name, "village": grid.parent.name, "town": "西镇"}
        for grid in Region.objects.subtree(town).grids().select_related("parent")
    ]
    first = collection["features"][0]["geometry"]
    assert first == Region.objects.get(code="610722001001001").boundary_geojson


def test_a_grids_own_code_gives_that_grid_alone(client, staff_auth):
    response = client.get("/api/v1/territory/regions/610722002101002/grids.geojson", **staff_auth)
    codes = [feature["properties"]["code"] for feature in response.json()["features"]]
    assert codes == ["610722002101002"]


def test_the_geojson_is_gzipped_on_request_and_304_until_a_grid_changes(client, staff_auth):
    path = "/api/v1/territory/regions/610722/grids.geojson"
    zipped = client.get(path, HTTP_ACCEPT_ENCODING="gzip", **staff_auth)
    assert zipped["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(zipped.content))["features"]) == 8
    etag = zipped["ETag"]
    again = client.get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag, **staff_auth)
    assert again.status_code == 304

    from territory.cache import forget_territory_caches

    west, south = 107.0, 33.1
    moved = [[west, south], [west + 0.05, south], [west + 0.05, south + 0.1], [west, south]]
    set_boundary("610722001001001", {"type": "Polygon", "coordinates": [moved]})
    forget_territory_caches()
    changed = client.get(path, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=etag, **staff_auth)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_departments_by_code_with_the_region_they_serve(client, staff_auth, departments):
    departments["housing"].is_active = False
    departments["housing"].save()
    rows = client.get("/api/v1/departments", **staff_auth).json()
    assert rows == [
        {
            "code": "cgj",
            "name": "城管局",
            "region": "610722",
            "region_name": "城固县",
            "level": "county",
        },
        {
            "code": "sfs-610722001",
            "name": "西镇司法所",
            "region": "610722001",
            "region_name": "西镇",
            "level": "town",
        },
        {
            "code": "sfs-610722002",
            "name": "东镇司法所",
            "region": "610722002",
            "region_name": "东镇",
            "level": "town",
        },
    ]


def test_no_persons_data_in_any_territory_answer(client, staff_auth, departments, people):
    departments["urban"].email = "cgj-duty@example.org"
    departments["urban"].save()
    paths = [
        "/api/v1/territory/regions?depth=3&limit=500",
        "/api/v1/territory/regions/610722001001001",
        "/api/v1/territory/regions/610722/grids.geojson",
        "/api/v1/departments",
    ]
    body = "".join(client.get(path, **staff_auth).content.decode() for path in paths)
    assert "@" not in body
    for person in people.values():
        assert person.username not in body

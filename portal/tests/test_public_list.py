"""案件公开: anyone, without an account or JavaScript, sees the cases being handled and those closed
in the last 30 days, by category, status, date and town and village; never a dispute, security
or hardship case, never a reporter or a description, and an event only at its grid's centre."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Category, Kind, RoutingRule, Status
from cases.services import report_case
from cases.tests.test_browser import browser, emptied_timeline  # noqa: F401 (fixtures)
from portal.models import HeldReport
from portal.public_list import map_feature_collection, recent_public_cases
from territory.models import Region

DOOR = (107.0512345, 33.1567891)  # in grid 610722001001001 (west town, 北村), off its centre
EAST_DOOR = (107.2512345, 33.1567891)  # in grid 610722002001001 (east town, 北村)
GRID_CENTRE = [107.05, 33.15]
MARKUP = '<img src=x onerror="window.__xss=1">'
FEATURE_KEYS = {"code", "category", "status", "open", "reported_on", "closed_on", "place", "url"}


@pytest.fixture
def manhole(categories, county, departments):
    facilities = Category.objects.create(code="C01", name="公用设施", kind=Kind.COMPONENT)
    RoutingRule.objects.create(
        category=facilities, region=county, department=departments["urban"], level="town"
    )
    return Category.objects.create(
        code="C0101", name="井盖", kind=Kind.COMPONENT, parent=facilities
    )


def report(category, at=DOOR, **extra):
    lon, lat = at
    return report_case(
        reporter=None,
        category=category,
        description=extra.pop("description", "路口垃圾堆了三天"),
        lon=lon,
        lat=lat,
        source="resident",
        **extra,
    )


def end(case, status=Status.CLOSED, *, days_ago):
    """Closed (or otherwise ended) `days_ago` days ago, reported five days before that."""
    closed = timezone.now() - timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(
        status=status, closed_at=closed, reported_at=closed - timedelta(days=5)
    )


def page(client, **query):
    answer = client.get(reverse("portal:public_cases"), query)
    assert answer.status_code == 200
    return answer.content.decode()


def geojson(client, **query):
    answer = client.get(reverse("portal:public_cases_geojson"), query)
    assert answer.status_code == 200
    return answer


def features_by_code(client, **query) -> dict:
    return {
        feature["properties"]["code"]: feature
        for feature in geojson(client, **query).json()["features"]
    }


def test_the_list_works_without_an_account_or_javascript(client, people, categories):
    rubbish = report(categories["rubbish"])

    text = page(client)

    assert f'href="{reverse("portal:track", args=[rubbish.code])}"' in text
    assert rubbish.code in text
    assert "暴露垃圾" in text
    assert "西镇北村" in text  # town and village (the village's name already holds the town's)
    assert str(rubbish.get_status_display()) in text
    assert f'data-cases-url="{reverse("portal:public_cases_geojson")}"' in text
    assert page(client, page="99")  # past the end: the last page, not an error


def test_a_dispute_never_appears_on_the_list_or_the_map(client, people, categories):
    rubbish = report(categories["rubbish"])
    dispute = report_case(
        reporter=people["grid_worker"],
        category=categories["neighbours"],
        description="邻里因排水争执",
        lon=DOOR[0],
        lat=DOOR[1],
    )

    assert rubbish.code in page(client) and dispute.code not in page(client)
    assert dispute.code not in page(client, status="open")
    assert set(features_by_code(client)) == {rubbish.code}
    assert dispute.code not in geojson(client).content.decode()
    assert "矛盾纠纷" not in page(client) and "邻里纠纷" not in page(client)


def test_a_report_held_for_a_look_is_not_public_yet(client, people, categories):
    held = report(categories["rubbish"])
    HeldReport.objects.create(case=held, reason="near the rate limit")

    assert held.code not in page(client)
    assert features_by_code(client) == {}


def test_an_event_is_shown_at_its_grids_centre_and_a_public_facility_where_it_is(
    client, people, categories, manhole
):
    rubbish = report(categories["rubbish"])
    cover = report(manhole, description="井盖缺失")

    features = features_by_code(client)

    assert features[rubbish.code]["geometry"] == {"type": "Point", "coordinates": GRID_CENTRE}
    assert features[cover.code]["geometry"]["coordinates"] == [107.05123, 33.15679]  # 5 places
    assert set(features[cover.code]["properties"]) == FEATURE_KEYS


def test_an_event_in_a_grid_without_a_centre_stays_off_the_map_but_in_the_list(
    client, people, categories
):
    rubbish = report(categories["rubbish"])
    Region.objects.filter(code="610722001001001").update(centroid_lon=None, centroid_lat=None)

    assert features_by_code(client) == {}
    assert str(DOOR[0])[:8] not in geojson(client).content.decode()
    assert rubbish.code in page(client)


def test_a_case_closed_40_days_ago_is_gone_and_one_closed_5_days_ago_stays(
    client, people, categories
):
    old = report(categories["rubbish"])
    recent = report(categories["rubbish"])
    evaluated = report(categories["rubbish"])
    end(old, days_ago=40)
    end(recent, days_ago=5)
    end(evaluated, Status.EVALUATED, days_ago=29)

    shown = {case.code for case in recent_public_cases()}
    assert shown == {recent.code, evaluated.code}
    text = page(client)
    assert recent.code in text and evaluated.code in text and old.code not in text
    features = features_by_code(client)
    assert set(features) == {recent.code, evaluated.code}
    assert features[recent.code]["properties"]["open"] is False
    assert (
        features[recent.code]["properties"]["closed_on"]
        == (timezone.localdate() - timedelta(days=5)).isoformat()
    )


def test_rejected_and_merged_cases_are_not_listed_and_suspended_ones_are_open(
    client, people, categories
):
    rejected = report(categories["rubbish"])
    merged = report(categories["rubbish"])
    kept = report(categories["rubbish"])
    suspended = report(categories["rubbish"])
    end(rejected, Status.REJECTED, days_ago=1)
    Case.objects.filter(pk=merged.pk).update(status=Status.MERGED, merged_into=kept)
    Case.objects.filter(pk=suspended.pk).update(status=Status.SUSPENDED)  # 挂账: not ended

    assert {case.code for case in recent_public_cases()} == {kept.code, suspended.code}
    assert features_by_code(client)[suspended.code]["properties"]["open"] is True


def test_open_or_closed_alone_can_be_asked_for(client, people, categories):
    still_open = report(categories["rubbish"])
    closed = report(categories["rubbish"])
    end(closed, days_ago=3)

    assert set(features_by_code(client, status="open")) == {still_open.code}
    assert set(features_by_code(client, status="closed")) == {closed.code}
    assert set(features_by_code(client, status="anything")) == {still_open.code, closed.code}
    text = page(client, status="closed")
    assert closed.code in text and still_open.code not in text


def test_the_reporter_and_the_description_never_leave(client, people, categories, manhole):
    report(
        categories["rubbish"],
        description="王家门口垃圾，电话13912345678",
        reporter_name="李秀兰",
        reporter_phone="13800001111",
        address="北村路12号",
    )
    report(manhole, description="井盖缺失，张伟家旁")

    for text in (page(client), geojson(client).content.decode()):
        for private in ("李秀兰", "13800001111", "13912345678", "王家门口", "张伟", "北村路12号"):
            assert private not in text
        assert people["town_operator"].full_name not in text


def test_the_town_filter_keeps_that_towns_cases(client, people, categories):
    west = report(categories["rubbish"])
    east = report(categories["rubbish"], at=EAST_DOOR)

    text = page(client, town="610722002")
    assert east.code in text and west.code not in text
    assert 'value="610722002" selected' in text
    assert "?town=610722002" in text  # the map asks for the same cases
    assert set(features_by_code(client, town="610722002")) == {east.code}
    assert {west.code, east.code} <= set(features_by_code(client))
    # A town the county does not have: the whole list.
    assert west.code in page(client, town="999999999")


def test_the_map_is_cut_at_its_limit_and_says_so(people, categories):
    report(categories["rubbish"])
    newest = report(categories["rubbish"])

    collection = map_feature_collection(limit=1)

    assert collection["more"] is True
    assert [feature["properties"]["code"] for feature in collection["features"]] == [newest.code]
    assert map_feature_collection()["more"] is False


def test_the_geojson_is_public_for_a_minute_and_gzipped(client, people, categories):
    for _ in range(3):
        report(categories["rubbish"])

    answer = client.get(reverse("portal:public_cases_geojson"), HTTP_ACCEPT_ENCODING="gzip")

    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/geo+json")
    assert "public" in answer["Cache-Control"] and "max-age=60" in answer["Cache-Control"]
    assert answer["Content-Encoding"] == "gzip"
    assert json.loads(geojson(client).content)["type"] == "FeatureCollection"


@pytest.mark.browser
@pytest.mark.usefixtures("emptied_timeline", "people")
def test_on_a_phone_the_map_shows_the_cases(live_server, browser, categories, manhole):  # noqa: F811
    rubbish = report(categories["rubbish"])
    report(categories["rubbish"])  # the same grid: one marker for both
    cover = report(manhole, description="井盖缺失")
    Category.objects.filter(pk=categories["rubbish"].pk).update(name=MARKUP)  # from the admin
    page = browser.new_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )

    page.goto(f"{live_server.url}{reverse('portal:public_cases')}")
    page.wait_for_selector("#public-map[data-ready='1']")

    assert page.get_attribute("#public-map", "data-markers") == "2"
    assert page.is_visible("#public-map") and page.is_visible(f"text={cover.code}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    at = page.evaluate(
        "([lat, lon]) => { const p = window.wanggePublicMap.latLngToContainerPoint([lat, lon]);"
        " return {x: p.x, y: p.y}; }",
        [GRID_CENTRE[1], GRID_CENTRE[0]],
    )
    page.locator("#public-map").click(position=at)
    popup = page.locator(".public-map__popup")
    popup.wait_for()
    assert popup.locator("li").count() == 2
    link = popup.locator(f"a[href='{reverse('portal:track', args=[rubbish.code])}']")
    assert link.text_content() == MARKUP  # shown as text, never run
    assert page.evaluate("window.__xss") is None
    assert errors == []


@pytest.mark.browser
@pytest.mark.usefixtures("emptied_timeline", "people")
def test_without_javascript_the_list_alone_is_shown(live_server, browser, categories):  # noqa: F811
    rubbish = report(categories["rubbish"])
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()

    page.goto(f"{live_server.url}{reverse('portal:public_cases')}")

    assert not page.is_visible("#public-map")
    page.click(f"text={rubbish.code}")
    assert page.url == f"{live_server.url}{reverse('portal:track', args=[rubbish.code])}"

"""The same problem reported twice: open cases near a report, and a case's likely duplicates
scored by distance, time, category and the descriptions' likeness, within what the user sees."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cases.duplicates import (
    likely_duplicates,
    metres_between,
    open_cases_nearby,
    text_likeness,
)
from cases.models import Case, Category, Kind, Status
from cases.selectors import cases_visible_to
from cases.services import report_case
from conftest import IN_FIRST_GRID
from territory.models import Region

LON, LAT = IN_FIRST_GRID
EAST_GRID_PATH = ("610722002", "610722002001", "610722002001001")
METRE = 1 / 111_320  # of latitude


def report_at(people, category, description, *, north_metres=0.0, **extra):
    return report_case(
        reporter=people["grid_worker"],
        category=category,
        description=description,
        lon=LON,
        lat=LAT + north_metres * METRE,
        **extra,
    )


def test_distances_and_likeness_are_what_they_say():
    assert metres_between(LON, LAT, LON, LAT + 30 * METRE) == pytest.approx(30, abs=0.1)
    assert text_likeness("北门路灯不亮", "北门路灯不亮了") > 0.7
    assert text_likeness("北门路灯不亮", "河里有垃圾") == 0
    assert text_likeness("", "河里有垃圾") == 0


def test_a_resident_is_shown_open_cases_of_the_category_inside_the_radius_only(people, categories):
    rubbish = categories["rubbish"]
    near = report_at(people, rubbish, "路口垃圾", north_metres=30)
    report_at(people, rubbish, "路口垃圾", north_metres=80)  # outside 50 m
    closed = report_at(people, rubbish, "路口垃圾", north_metres=10)
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    report_at(people, categories["neighbours"], "路口吵架", north_metres=5)  # another category
    old = report_at(people, rubbish, "路口垃圾", north_metres=5)
    Case.objects.filter(pk=old.pk).update(reported_at=old.reported_at - timedelta(days=31))

    found = open_cases_nearby(rubbish, LON, LAT)

    assert [candidate.case for candidate in found] == [near]
    assert found[0].metres == pytest.approx(30, abs=0.5)


def test_a_category_or_its_class_sets_its_own_radius_and_window(people, categories):
    rubbish = categories["rubbish"]
    far = report_at(people, rubbish, "河道垃圾", north_metres=150)
    old = report_at(people, rubbish, "河道垃圾", north_metres=5)
    Case.objects.filter(pk=old.pk).update(reported_at=old.reported_at - timedelta(days=45))
    assert open_cases_nearby(rubbish, LON, LAT) == []  # 50 m and 30 days

    rubbish.parent.duplicate_radius_metres = 200  # the class: rubbish spreads along a river
    rubbish.parent.save()
    rubbish.refresh_from_db()
    assert [c.case for c in open_cases_nearby(rubbish, LON, LAT)] == [far]

    rubbish.duplicate_window_days = 60  # the leaf adds its own window, keeps the class's radius
    rubbish.save()
    assert [c.case for c in open_cases_nearby(rubbish, LON, LAT)] == [old, far]


def test_likely_duplicates_put_the_nearest_and_most_alike_first(people, categories):
    rubbish = categories["rubbish"]
    litter = Category.objects.create(
        code="E0102", name="乱扔垃圾", kind=Kind.EVENT, parent=rubbish.parent
    )
    case = report_at(people, rubbish, "北村路口垃圾堆了三天没人清")
    twin = report_at(people, rubbish, "北村路口垃圾堆了好几天", north_metres=20)
    cousin = report_at(people, litter, "北村路口有人乱扔垃圾", north_metres=60)
    report_at(people, rubbish, "河边垃圾", north_metres=400)  # too far
    report_at(people, categories["neighbours"], "北村路口垃圾堆引发争吵", north_metres=5)

    found = likely_duplicates(case, Case.objects.all())

    assert [candidate.case for candidate in found] == [twin, cousin]
    assert found[0].score > found[1].score >= 0.5
    assert found[0].parts["category"] == 1.0 and found[1].parts["category"] == 0.5


def test_staff_see_only_duplicates_they_may_open(client, people, categories):
    rubbish = categories["rubbish"]
    case = report_at(people, rubbish, "北村路口垃圾堆了三天")
    twin = report_at(people, rubbish, "北村路口垃圾堆了三天", north_metres=10)
    outsider = people["town_operator"]

    visible = likely_duplicates(case, cases_visible_to(outsider))
    assert [candidate.case for candidate in visible] == [twin]
    east = {code: Region.objects.get(code=code) for code in EAST_GRID_PATH}
    Case.objects.filter(pk=twin.pk).update(  # filed under the other town: out of this one's reach
        town=east["610722002"], village=east["610722002001"], grid=east["610722002001001"]
    )
    assert likely_duplicates(case, cases_visible_to(outsider)) == []

    client.force_login(people["county_operator"])
    page = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "可能重复" in page and twin.code in page

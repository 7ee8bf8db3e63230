"""A kind defined in the tests alone goes from report to evaluated through the core, unedited."""

import pytest
from django.urls import reverse
from django.utils import translation

from cases.kinds import get_kind, kind_figures
from cases.models import Case, Category, Status
from cases.selectors import cases_awaiting
from cases.services import CaseError, install_categories, report_case, take_action
from cases.workflow import available_transitions
from conftest import IN_FIRST_GRID, PASSWORD
from staff.models import User

NOISE = get_kind("noise")


@pytest.fixture
def night_noise(people):
    install_categories(NOISE.categories_csv.read_text(encoding="utf-8"), case_kind=NOISE.code)
    return Category.objects.get(code="X0101")


def report_noise(people, category, **details) -> Case:
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=category,
        description="工地夜间打桩",
        lon=lon,
        lat=lat,
        details={"decibels": 72, "at_night": True} | details,
    )


def test_the_kinds_categories_are_installed_with_their_routing(night_noise, departments):
    case_kind = night_noise.case_kind
    assert case_kind == "noise"
    assert Category.objects.get(code="X01").case_kind == "noise"


def test_a_noise_case_goes_from_report_to_evaluated_with_its_own_step_and_guard(
    night_noise, people, departments
):
    case = report_noise(people, night_noise)
    assert (case.case_kind, case.noise.decibels, case.noise.at_night) == ("noise", 72, True)

    case = take_action(case, people["town_operator"], "accept")
    case = take_action(case, people["town_operator"], "dispatch")
    assert case.department == departments["urban"]
    case = take_action(case, people["urban_handler"], "start")
    assert "record_outcome" in [
        t.action for t in available_transitions(people["urban_handler"], case)
    ]

    with pytest.raises(CaseError, match="outcome"):
        take_action(case, people["urban_handler"], "feed_back", {"note": "已停工"})
    case.refresh_from_db()
    assert case.status == Status.HANDLING

    case = take_action(
        case, people["urban_handler"], "record_outcome", {"outcome": "复测 48 dB(A)"}
    )
    assert case.status == Status.HANDLING
    case = take_action(case, people["urban_handler"], "feed_back", {"note": "已停工"})
    case = take_action(case, people["grid_worker"], "verify")
    case = take_action(case, people["town_operator"], "close")
    case = take_action(case, people["town_operator"], "evaluate", {"rating": 5})

    assert case.status == Status.EVALUATED
    assert list(case.timeline.values_list("action", flat=True)) == [
        "report", "accept", "dispatch", "start", "record_outcome", "feed_back", "verify", "close",
        "evaluate",
    ]  # fmt: skip
    assert case.noise.outcome == "复测 48 dB(A)"


def test_the_kinds_step_is_offered_only_on_its_own_cases(night_noise, people, categories):
    rubbish = report_case(
        reporter=people["grid_worker"],
        category=categories["rubbish"],
        description="垃圾",
        lon=IN_FIRST_GRID[0],
        lat=IN_FIRST_GRID[1],
    )
    for action in ("accept", "dispatch"):
        rubbish = take_action(rubbish, people["town_operator"], action)
    rubbish = take_action(rubbish, people["urban_handler"], "start")
    assert "record_outcome" not in [
        t.action for t in available_transitions(people["urban_handler"], rubbish)
    ]
    with pytest.raises(CaseError):
        take_action(rubbish, people["urban_handler"], "record_outcome", {"outcome": "x"})


def test_the_kinds_details_are_checked_by_its_own_form(night_noise, people):
    with pytest.raises(CaseError):
        report_noise(people, night_noise, decibels="loud")
    assert not Case.objects.exists()


def test_the_report_page_asks_the_kinds_details_and_the_case_page_shows_them(
    night_noise, people, client
):
    client.force_login(people["grid_worker"])
    fragment = client.get(reverse("cases:report_details"), {"category": night_noise.pk})
    assert 'name="detail-decibels"' in fragment.content.decode()

    lon, lat = IN_FIRST_GRID
    form = {
        "category": night_noise.pk,
        "description": "工地夜间打桩",
        "priority": "normal",
        "lon": lon,
        "lat": lat,
    }
    with translation.override("en"):
        refused = client.post(reverse("cases:report"), form | {"detail-decibels": "loud"})
    assert refused.status_code == 400
    assert 'name="detail-decibels"' in refused.content.decode()
    assert not Case.objects.exists()

    response = client.post(reverse("cases:report"), form | {"detail-decibels": "75"})
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.noise.decibels == 75
    page = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "75 dB(A)" in page


def test_the_kinds_main_steps_fill_queues_and_its_figures_count_its_cases(night_noise, people):
    case = report_noise(people, night_noise, decibels=70)
    report_noise(people, night_noise, decibels=80)
    assert case in cases_awaiting(people["town_operator"])
    figures = dict(
        (figure.code, value) for figure, value in kind_figures(NOISE, Case.objects.all())
    )
    assert figures == {"mean_db": 75}


def test_the_figures_page_shows_each_kinds_figures_over_what_the_user_may_see(
    night_noise, people, client
):
    report_noise(people, night_noise, decibels=70)
    client.force_login(people["town_operator"])
    page = client.get(reverse("cases:figures")).content.decode()
    assert "mean measured dB(A)" in page and ">70.0<" in page
    client.force_login(people["other_town_operator"])
    page = client.get(reverse("cases:figures")).content.decode()
    assert ">—<" in page  # no noise case in the east town


def test_the_category_admin_offers_the_installed_kinds_only(client, night_noise):
    client.force_login(User.objects.create_superuser("root", password=PASSWORD, role="admin"))
    page = client.get(reverse("admin:cases_category_change", args=[night_noise.pk]))
    assert '<option value="noise" selected>' in page.content.decode()
    assert '<option value="street"' in page.content.decode()
    refused = client.post(
        reverse("admin:cases_category_change", args=[night_noise.pk]),
        {
            "code": "X0101", "name": "夜间施工噪声", "case_kind": "teleport", "kind": "event",
            "parent": night_noise.parent_id, "accept_limit": 1, "accept_unit": "hours",
            "handle_limit": 1, "handle_unit": "days", "is_active": "on",
        },
    )  # fmt: skip
    assert refused.status_code == 200  # the form again, with its error
    night_noise.refresh_from_db()
    assert night_noise.case_kind == "noise"

"""The inbox leads: the work to do now, by deadline, with its next step; other queues in tabs of
their own; a case number opens its case."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, Status
from cases.services import take_action
from cases.tests.test_pages import INBOX, act, inbox_codes, log_in, report_rubbish


@pytest.fixture
def three_cases(people, categories):
    """Three reports awaiting the town centre's 立案: the middle one past its deadline."""
    oldest, late, newest = (report_rubbish(people, categories) for _ in range(3))
    Case.objects.filter(pk=late.pk).update(accept_deadline=timezone.now() - timedelta(hours=2))
    Case.objects.filter(pk=oldest.pk).update(accept_deadline=timezone.now() + timedelta(hours=5))
    Case.objects.filter(pk=newest.pk).update(accept_deadline=timezone.now() + timedelta(hours=1))
    return oldest, late, newest


def test_the_queue_puts_the_overdue_case_first_then_the_nearest_deadline(
    client, people, three_cases
):
    oldest, late, newest = three_cases
    log_in(client, people["town_operator"])
    assert inbox_codes(client) == [late.code, newest.code, oldest.code]
    assert inbox_codes(client, sort="reported")[0] == newest.code
    page = client.get(INBOX).content.decode()
    assert "cases__row--overdue" in page
    assert "立案" in page  # the next step, by name


def test_suspended_and_closed_cases_wait_in_tabs_of_their_own(
    client, people, categories, departments
):
    case = report_rubbish(people, categories)
    for who, action, inputs in (
        ("town_operator", "accept", {}),
        ("town_operator", "dispatch", {"department": departments["urban"].pk}),
        ("town_operator", "suspend", {"note": "列入明年计划"}),
    ):
        case = take_action(case, people[who], action, inputs)
    assert case.status == Status.SUSPENDED
    log_in(client, people["town_operator"])
    assert case.code not in inbox_codes(client, tab="awaiting")
    assert inbox_codes(client, tab="suspended") == [case.code]
    tabs = {name: count for name, _label, count in client.get(INBOX).context["tabs"]}
    assert tabs["awaiting"] == 0 and tabs["suspended"] == 1


def test_a_grid_worker_finds_their_own_reports_in_a_tab(client, people, categories):
    case = report_rubbish(people, categories)
    log_in(client, people["grid_worker"])
    assert inbox_codes(client, tab="awaiting") == []  # nothing to verify yet
    assert client.get(INBOX).context["tab"] == "mine"  # so their reports come first
    assert inbox_codes(client) == [case.code]


def test_filters_by_town_and_date(client, people, categories, three_cases):
    log_in(client, people["county_operator"])
    town = people["town_operator"].region
    assert len(inbox_codes(client, tab="all", town=town.pk)) == 3
    today = timezone.localdate()
    assert inbox_codes(client, tab="all", reported_from=today + timedelta(days=1)) == []
    assert len(inbox_codes(client, tab="all", reported_to=today)) == 3


def test_the_case_number_box_opens_the_case_or_says_there_is_none(client, people, categories):
    case = report_rubbish(people, categories)
    log_in(client, people["town_operator"])
    response = client.get("/cases/go/", {"code": f" {case.code} "})
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.code}/"
    response = client.get("/cases/go/", {"code": "9999999999"}, follow=True)
    assert "9999999999" in response.content.decode()


def test_the_main_step_comes_first_and_side_branches_are_folded(client, people, categories):
    case = report_rubbish(people, categories)
    log_in(client, people["town_operator"])
    act(client, case, "accept")
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert page.index("action--dispatch") < page.index("action--escalate")
    assert '<div class="action action--dispatch">' in page
    assert '<details class="action action--escalate">' in page


def test_leaders_land_on_an_overview_by_town_whose_figures_open_their_lists(
    client, people, three_cases
):
    log_in(client, people["leader"])
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/cases/overview/"
    rows = response.context["rows"]
    town = people["town_operator"].region
    (row,) = [row for row in rows if row.region == town]
    assert (row.open, row.overdue, row.supervised, row.closed_this_month) == (3, 1, 0, 0)
    assert response.context["total"].open == 3
    listed = inbox_codes(client, tab="all", overdue="on", **dict([row.where.split("=")]))
    assert listed == [three_cases[1].code]
    assert len(inbox_codes(client, tab="all", status="open", town=town.pk)) == 3


def test_a_grid_worker_lands_on_their_queue(client, people):
    log_in(client, people["grid_worker"])
    assert client.get("/")["Location"] == "/cases/"
    assert client.get("/cases/overview/").status_code == 403


def test_a_long_list_is_counted_only_up_to_a_cap(client, people, categories, monkeypatch):
    from cases import views

    monkeypatch.setattr(views, "COUNT_CAP", 3)
    for _ in range(5):
        report_rubbish(people, categories)
    log_in(client, people["county_operator"])
    response = client.get(INBOX, {"tab": "all"})
    assert response.context["page"].paginator.count == 4  # stopped one past the cap
    assert "超过10,000" in response.content.decode()

"""A dispute comes in by any channel: the staff form and the REST API with its details, a 12345
order without them (the mediator adds the parties); and the demo's year of disputes."""

import json
from datetime import datetime

import pytest

from cases.models import Case, Status
from cases.services import report_case, take_action
from cases.worktime import LOCAL
from conftest import IN_FIRST_GRID, make_user
from disputes.demo import fill_disputes
from disputes.models import DisputeDetail, DisputeParty, Outcome
from integrations.services import issue_credential
from staff.models import Role, User
from territory.models import Level, Region

from .conftest import PARTIES, to_mediation

pytestmark = pytest.mark.django_db


def post(client, people, details):
    _credential, token = issue_credential("网格通", user=people["grid_worker"])
    lon, lat = IN_FIRST_GRID
    body = {"category": "G0101", "description": "邻里纠纷", "lon": lon, "lat": lat}
    return client.post(
        "/api/v1/cases",
        json.dumps(body | {"details": details}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_the_api_files_a_dispute_with_its_parties(client, people, dispute_categories):
    made = post(client, people, {"risk": "high", "people_involved": 3, "body": "town", **PARTIES})
    assert made.status_code == 201, made.content
    case = Case.objects.get(code=made.json()["code"])
    assert case.dispute.risk == "high" and case.level == "town"
    assert case.dispute_parties.count() == 2


def test_the_api_says_which_details_a_dispute_lacks(client, people, dispute_categories):
    refused = post(client, people, {"risk": "severe"})
    assert refused.status_code == 400
    assert {"risk", "applicant_name", "respondent_name"} <= set(refused.json()["errors"])
    assert not Case.objects.exists()


def test_a_12345_order_files_without_details_and_the_mediator_adds_the_parties(
    people, dispute_categories
):
    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=people["town_operator"],
        category=dispute_categories["neighbours"],
        description="来电反映：与邻居因宅基地界线争执",
        lon=lon,
        lat=lat,
        source="hotline",
        questions_required=False,
    )
    assert not DisputeDetail.objects.filter(case=case).exists()
    case = to_mediation(case, people)
    party = {"side": "applicant", "name": "赵大有", "phone": "13700003333"}
    take_action(case, people["justice_handler"], "add_party", party)
    assert DisputeParty.objects.get(case=case).name == "赵大有"
    assert DisputeDetail.objects.filter(case=case).exists() is False  # no step needed it yet
    take_action(case, people["justice_handler"], "inform_rights")
    assert DisputeDetail.objects.get(case=case).rights_informed_at is not None


def test_the_demo_year_has_disputes_in_every_state_and_outcome(
    people, dispute_categories, departments
):
    """On the small county, staffed in every village, grid and judicial office as the demo is."""
    for region in Region.objects.filter(level__in=[Level.VILLAGE, Level.GRID]):
        role = Role.OPERATOR if region.level == Level.VILLAGE else Role.GRID_WORKER
        if not User.objects.filter(region=region, role=role).exists():
            make_user(f"u{region.code}", role, region_code=region.code)
    make_user("east_mediator", Role.HANDLER, department=departments["justice_east"])
    now = datetime(2026, 12, 7, 10, 0, tzinfo=LOCAL)
    filed = fill_disputes({"grid_worker": people["grid_worker"]}, now, count=30, seed=3)
    disputes = Case.objects.filter(case_kind="dispute")
    assert filed == 30 and disputes.count() == 31  # and the one waiting for the mediator
    outcomes = set(DisputeDetail.objects.values_list("outcome", flat=True))
    assert {Outcome.WRITTEN, Outcome.ORAL, Outcome.FAILED} <= outcomes
    states = set(disputes.values_list("status", flat=True))
    assert Status.EVALUATED in states and len(states) >= 3  # the recent ones still open
    waiting = disputes.get(status=Status.DISPATCHED, grid=people["grid_worker"].region)
    assert waiting.department.code == "sfs-610722001"  # the demo mediator's office
    for case in disputes.filter(status__in=[Status.CLOSED, Status.EVALUATED]):
        if case.dispute.agreed:  # every rule held on the way: closed agreements were visited
            assert case.follow_up_visits.exists()

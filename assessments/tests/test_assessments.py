"""Risk screening's rule and rate against a hand count; the filings register's rules and counts;
the demo reproducing the article's figures."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import Campaign, Filing
from assessments.selectors import campaign_figures
from cases.catalogue import forget_catalogue
from cases.errors import CaseError, InputError
from cases.models import Case, Category, Kind, RoutingRule
from cases.services import report_case, take_action
from cases.worktime import LOCAL
from command.selectors import figure, indicator_at
from conftest import IN_FIRST_GRID

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(categories, county, departments):
    risks = Category.objects.create(
        code="R01", name="风险隐患", kind=Kind.GOVERNANCE, case_kind="risk"
    )
    Category.objects.create(
        code="R0101", name="涉稳风险", kind=Kind.GOVERNANCE, case_kind="risk", parent=risks
    )
    RoutingRule.objects.create(
        category=risks, region=county, department=departments["urban"], level="town"
    )
    forget_catalogue()
    return Campaign.objects.create(
        name="涉稳风险排查", theme="stability", starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31), owner=departments["urban"],
    )  # fmt: skip


def found(people, campaign, level="medium"):
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=Category.objects.get(code="R0101"),
        description="企业欠薪，工人酝酿集体讨薪",
        lon=lon,
        lat=lat,
        details={"level": level, "campaign": campaign.pk},
    )


def resolved(case, people, resolve=True):
    operator, handler = people["town_operator"], people["urban_handler"]
    case = take_action(case, operator, "accept")
    case = take_action(case, operator, "dispatch")
    case = take_action(case, handler, "start")
    if resolve:
        take_action(case, handler, "record_resolution", {"note": "协调企业分期支付"})
    case = take_action(case, handler, "feed_back", {"note": "已化解"})
    case = take_action(case, people["grid_worker"], "verify", {"note": "已核实"})
    return take_action(case, operator, "close", {"note": "结案"})


def test_a_risk_reports_its_result_only_once_its_resolution_is_recorded(people, campaign):
    case = found(people, campaign)
    assert (case.risk.campaign, case.risk.level) == (campaign, "medium")
    with pytest.raises(CaseError, match="化解"):
        resolved(case, people, resolve=False)
    case.refresh_from_db()
    take_action(case, people["urban_handler"], "record_resolution", {"note": "分期支付"})
    take_action(case, people["urban_handler"], "feed_back", {"note": "已化解"})


def test_a_risk_counts_for_a_campaign_only_while_it_runs(people, campaign):
    campaign.ends_on = date(2026, 3, 31)
    campaign.save()
    lon, lat = IN_FIRST_GRID
    with pytest.raises(InputError) as refused:
        report_case(
            reporter=people["grid_worker"],
            category=Category.objects.get(code="R0101"),
            description="欠薪",
            lon=lon,
            lat=lat,
            details={"level": "low", "campaign": campaign.pk},
            now=datetime(2026, 5, 4, 10, 0, tzinfo=LOCAL),
        )
    assert "2026-03-31" in refused.value.errors["campaign"][0]


def test_the_campaign_rate_is_resolved_over_screened(client, people, campaign, county):
    resolved(found(people, campaign), people)
    resolved(found(people, campaign), people)
    found(people, campaign)  # still open
    refused = found(people, campaign)
    take_action(refused, people["town_operator"], "reject", {"note": "不属实"})
    figures = campaign_figures(campaign, Case.objects.all())
    assert (figures.screened, figures.resolved, figures.rate) == (3, 2, 66.7)
    today = timezone.localdate()  # the command centre counts the same steps by their day
    days = (today, today + timedelta(days=1))
    resolved_today = figure(indicator_at("risks_resolution_rate"), county, *days)
    assert (resolved_today.numerator, resolved_today.denominator) == (
        2,
        2,
    )  # 1 unaccepted, 1 refused
    client.force_login(people["leader"])
    page = client.get(reverse("assessments:campaign", args=[campaign.pk]))
    assert page.status_code == 200 and "66.7%" in page.content.decode()
    book = client.get(reverse("assessments:campaign", args=[campaign.pk]), {"format": "xlsx"})
    summary, listed = load_workbook(io.BytesIO(book.content)).worksheets
    assert [row[1] for row in summary.iter_rows(min_row=2, max_row=4, values_only=True)] == [
        3,
        2,
        66.7,
    ]
    assert listed.max_row == 1 + 3
    client.force_login(people["grid_worker"])
    assert client.get(reverse("assessments:campaigns")).status_code == 403


def filing(departments, **changes) -> Filing:
    values = {
        "name": "城南棚户区改造", "owner": departments["housing"], "kind": "city",
        "assessor": "稳评中心", "methods": ["notice", "visits"], "legality": "合法",
        "reasonableness": "合理", "feasibility": "可行", "controllability": "可控",
        "risk": "low", "decision": "approved", "status": "filed", "filed_on": date(2026, 6, 1),
    }  # fmt: skip
    return Filing(**(values | changes))


def test_a_high_or_medium_risk_is_not_approved_without_its_mitigation(departments):
    for risk in ("high", "medium"):
        with pytest.raises(ValidationError) as refused:
            filing(departments, risk=risk).clean()
        assert "decision" in refused.value.message_dict
        with pytest.raises(ValidationError):
            filing(departments, risk=risk, decision="mitigated").clean()  # no mitigation written
        filing(departments, risk=risk, decision="mitigated", mitigation="设接访专班").clean()
    filing(departments, risk="high", decision="rejected").clean()
    with pytest.raises(ValidationError) as refused:
        filing(departments, methods=[], filed_on=None).clean()
    assert {"methods", "filed_on"} <= set(refused.value.message_dict)


def test_the_county_centre_files_and_the_register_counts_by_type_and_risk(client, people, departments):  # fmt: skip
    url = reverse("assessments:filings")
    client.force_login(people["town_operator"])
    assert client.get(url).context["form"] is None  # a town reads the register, files nothing
    client.force_login(people["county_operator"])
    data = {
        "name": "汉江堤防加固", "owner": departments["housing"].pk, "kind": "unplanned",
        "assessor": "第三方", "methods": ["notice", "hearing"], "legality": "合法",
        "reasonableness": "合理", "feasibility": "可行", "controllability": "可控",
        "risk": "medium", "decision": "approved", "status": "filed", "filed_on": "2026-06-01",
    }  # fmt: skip
    refused = client.post(url, data)
    assert refused.status_code == 400 and "decision" in refused.context["form"].errors
    assert not Filing.objects.exists()
    made = client.post(url, data | {"decision": "mitigated", "mitigation": "设接访专班"})
    assert made.status_code == 302
    counts = {
        label: (by_risk, total) for label, by_risk, total in client.get(url).context["counts"]
    }
    assert [total for _by_risk, total in counts.values()] == [0, 1, 0]
    book = client.get(url, {"format": "xlsx"})
    by_type, register = load_workbook(io.BytesIO(book.content)).worksheets
    assert [row[4] for row in by_type.iter_rows(min_row=2, values_only=True)] == [0, 1, 0]
    assert register.max_row == 2 and register.cell(2, 1).value == "汉江堤防加固"


def test_the_demo_reproduces_the_articles_screening_and_filings():
    call_command("load_demo", cases=30, stdout=io.StringIO())
    finished = Campaign.objects.order_by("starts_on").first()
    figures = campaign_figures(finished, Case.objects.all())
    assert (figures.screened, figures.resolved, figures.rate) == (15, 15, 100.0)
    by_type = {kind: Filing.objects.filter(kind=kind).count() for kind in ("city", "unplanned")}
    assert by_type == {"city": 15, "unplanned": 20}
    for filed in Filing.objects.all():
        filed.full_clean()  # every filing keeps the register's rules

"""In a browser: a neighbour dispute from intake by a grid worker to a printed agreement and a
follow-up visit by the town's judicial office."""

import pytest

from cases.models import Case, Status
from cases.tests.test_browser import (  # noqa: F401 (fixtures)
    browser,
    emptied_timeline,
    empty_append_only,
    log_in,
    pixel_of,
)
from conftest import IN_FIRST_GRID
from privacy.models import RevealLog

pytestmark = pytest.mark.browser


@pytest.fixture
def emptied_reveal_log(transactional_db):
    """As `emptied_timeline`, for the reveal log's append-only triggers (privacy/0002)."""
    yield
    empty_append_only("privacy.migrations.0002_reveal_log_append_only", "privacy_reveallog")


def act(page, action: str, fields: dict | None = None) -> None:
    """Open a step's form on the case page (a side branch is folded), fill it and send it."""
    form = page.locator(f".action--{action}")
    summary = form.locator("summary")
    if summary.count():
        summary.click()
    for name, value in (fields or {}).items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_dispute_from_intake_to_a_printed_agreement_and_a_visit(
    emptied_timeline,  # noqa: F811
    emptied_reveal_log,
    live_server,
    browser,  # noqa: F811
    people,
    dispute_categories,
    tmp_path,
):
    def signed_in(username: str):
        """A phone-sized page of its own (its own cookies) signed in as this user."""
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page.set_default_timeout(15_000)
        log_in(page, live_server.url, username)
        return page

    page = signed_in("grid_worker")
    page.goto(f"{live_server.url}/cases/report/")
    page.wait_for_selector("#map[data-ready='1']")
    lon, lat = IN_FIRST_GRID
    page.locator("#map").click(position=pixel_of(page, lon, lat))
    page.wait_for_selector("#grid-result [data-grid-code='610722001001001']")
    page.select_option("select[name=category]", str(dispute_categories["neighbours"].pk))
    page.wait_for_selector("input[name=detail-applicant_name]")
    page.select_option("select[name=detail-risk]", "medium")
    page.fill("input[name=detail-people_involved]", "5")
    page.fill("input[name=detail-applicant_name]", "王建国")
    page.fill("input[name=detail-applicant_phone]", "13800001111")
    page.fill("input[name=detail-respondent_name]", "李德胜")
    page.fill("textarea[name=description]", "两户邻居因屋后排水沟堵塞发生争执")
    page.screenshot(path=str(tmp_path / "intake.png"), full_page=True)
    page.click("button[type=submit].button--wide")
    page.wait_for_url(f"{live_server.url}/cases/*/")
    case = Case.objects.get()
    assert case.dispute_parties.count() == 2
    assert "王**" in page.inner_text(".casepage__kind")

    page = signed_in("village_operator")
    page.goto(f"{live_server.url}/cases/{case.code}/")
    act(page, "accept")
    act(page, "dispatch")

    page = signed_in("justice_handler")
    page.goto(f"{live_server.url}/cases/{case.code}/")
    act(page, "start")
    act(page, "inform_rights")
    act(
        page,
        "hold_session",
        {"held_on": "2026-11-02", "place": "西镇司法所调解室", "note": "双方陈述事实"},
    )
    act(
        page,
        "record_agreement",
        {
            "facts": "排水沟堵塞致积水",
            "responsibilities": "双方共同维护",
            "terms": "双方共同出资疏通排水沟，费用各半",
            "performance_method": "当事人自行履行",
            "perform_by": "2026-11-20",
        },
    )
    assert "双方共同出资疏通排水沟" in page.inner_text(".casepage__kind")
    page.click("a[href$='/agreement/']")
    page.select_option("select[name=reason]", "mediation")
    page.click("button[type=submit].button--primary")
    page.wait_for_selector(".agreement__name")
    assert "王建国" in page.inner_text(".agreement") and "李德胜" in page.inner_text(".agreement")
    page.screenshot(path=str(tmp_path / "agreement.png"), full_page=True)
    assert RevealLog.objects.filter(case=case, field="disputeparty.name").count() == 2

    page.goto(f"{live_server.url}/cases/{case.code}/")
    act(page, "visit_performed", {"visited_on": "2026-11-21", "note": "已疏通，双方满意"})
    act(page, "feed_back", {"note": "调解成功，协议已履行"})
    case.refresh_from_db()
    assert case.status == Status.FED_BACK
    assert case.dispute.performance == "performed"
    assert "已疏通，双方满意" in page.inner_text(".casepage__kind")  # the visit, listed

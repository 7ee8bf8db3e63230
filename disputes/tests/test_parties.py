"""A dispute's parties are personal data: masked on every page, revealed one field of one party
at a time with a reason and logged, printed on the agreement only once revealed, and blanked with
the case's retention."""

import pytest
from django.urls import reverse

from cases.services import take_action
from disputes.models import DisputeParty
from privacy.models import RevealLog
from privacy.retention import anonymise

from .conftest import MORNING, agree, file_dispute, session, to_mediation

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(people, dispute_categories):
    case = to_mediation(file_dispute(people, dispute_categories), people)
    return agree(session(case, people), people)


def test_the_case_page_masks_the_parties(client, people, agreed):
    for viewer in ("justice_handler", "village_operator", "leader"):
        client.force_login(people[viewer])
        page = client.get(reverse("cases:detail", args=[agreed.code])).content.decode()
        assert "王建国" not in page and "13800001111" not in page, viewer
        assert "王**" in page and "138****1111" in page, viewer


def test_revealing_one_partys_phone_logs_which_party(client, people, agreed):
    applicant = DisputeParty.objects.get(case=agreed, side="applicant")
    url = reverse("privacy:reveal_item", args=[agreed.code, "disputeparty.phone", applicant.pk])
    client.force_login(people["village_operator"])  # may reveal a name, not a party's phone
    assert client.post(url, {"reason": "call_back"}).status_code == 400
    client.force_login(people["justice_handler"])
    assert client.post(url, {}).status_code == 400  # no reason, no reveal
    assert not RevealLog.objects.exists()
    response = client.post(url, {"reason": "call_back"})
    assert response.status_code == 200 and "13800001111" in response.content.decode()
    assert "13900002222" not in response.content.decode()
    entry = RevealLog.objects.get()
    assert (entry.user, entry.case, entry.field, entry.item) == (
        people["justice_handler"], agreed, "disputeparty.phone", applicant.pk
    )  # fmt: skip


def test_a_party_of_another_case_is_not_revealed_through_this_one(client, people, agreed, dispute_categories):  # fmt: skip
    other = file_dispute(people, dispute_categories, applicant_name="赵钱孙")
    stranger = DisputeParty.objects.get(case=other, side="applicant")
    url = reverse("privacy:reveal_item", args=[agreed.code, "disputeparty.name", stranger.pk])
    client.force_login(people["justice_handler"])
    assert client.post(url, {"reason": "call_back"}).status_code == 404
    assert not RevealLog.objects.exists()


def test_the_agreement_prints_the_names_only_once_revealed_with_a_reason(client, people, agreed):
    url = reverse("disputes:agreement", args=[agreed.code])
    client.force_login(people["justice_handler"])
    page = client.get(url).content.decode()
    assert "人民调解协议书" in page and "双方共同出资疏通排水沟，费用各半" in page
    assert "王建国" not in page and "王**" in page
    assert client.post(url, {}).status_code == 400
    printed = client.post(url, {"reason": "mediation"})
    assert printed.status_code == 200
    text = printed.content.decode()
    assert "王建国" in text and "李德胜" in text and "13800001111" not in text
    logged = RevealLog.objects.filter(case=agreed, field="disputeparty.name")
    assert logged.count() == 2 and {entry.item for entry in logged} == set(
        agreed.dispute_parties.values_list("pk", flat=True)
    )


def test_only_a_written_agreement_prints(client, people, dispute_categories):
    case = session(to_mediation(file_dispute(people, dispute_categories), people), people)
    take_action(case, people["justice_handler"], "record_oral_agreement", {"terms": "道歉"}, now=MORNING)  # fmt: skip
    client.force_login(people["justice_handler"])
    assert client.get(reverse("disputes:agreement", args=[case.code])).status_code == 404


def test_retention_blanks_the_parties_and_keeps_the_dispute(people, agreed):
    anonymise([agreed.pk], MORNING)
    assert set(agreed.dispute_parties.values_list("name", "phone")) == {("", "")}
    agreed.dispute.refresh_from_db()
    assert agreed.dispute.terms  # the agreement's terms are not personal data

"""One event, told in Chinese and in English."""

from django.utils import timezone

from cases.models import Status
from notify.models import OutboxEvent
from notify.rendering import render_email, render_sms

from .conftest import report_rubbish


def dispatch_event(case, department) -> OutboxEvent:
    return OutboxEvent.objects.create(
        case=case,
        action="dispatch",
        from_status=Status.ACCEPTED,
        to_status=Status.DISPATCHED,
        department=department,
        note="请于今日清运",
        at=timezone.now(),
    )


def test_an_email_reads_in_chinese_and_in_english(people, categories, departments):
    case = report_rubbish(people, categories, address="博望街道 12 号")
    event = dispatch_event(case, departments["urban"])

    chinese, english = render_email(event, "zh-hans"), render_email(event, "en")

    for email in (chinese, english):
        assert "\n" not in email.subject and case.code in email.subject
        assert "城管局" in email.body and "博望街道 12 号" in email.body
        assert "请于今日清运" in email.body and "\n\n\n" not in email.body
    assert "派遣" in chinese.subject and "Dispatch" in english.subject
    assert "案件编号" in chinese.body and "已派遣" in chinese.body
    assert "Case number" in english.body and "Dispatched" in english.body
    assert "案件编号" not in english.body


def test_an_sms_is_one_line_in_the_receivers_language(people, categories, departments):
    case = report_rubbish(people, categories)
    event = dispatch_event(case, departments["urban"])
    chinese = render_sms(event, "zh-hans", to_reporter=True)
    english = render_sms(event, "en", to_reporter=True)
    assert "\n" not in chinese and case.code in chinese and "已派遣" in chinese
    assert "Dispatched" in english
    staff = render_sms(event, "en", to_reporter=False)
    assert case.code in staff and "Dispatch" in staff and case.grid.name in staff

"""The outbox's promises: messages leave only after commit, once each as an effect, and keep
being tried until delivered or given up on."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cases.models import Case, Status
from cases.services import take_action
from notify.models import Channel, Delivery, DeliveryStatus, OutboxEvent, Subscription
from notify.receiver import WebhookReceiver, WebhookRequestHandler
from notify.senders import WebhookSender, senders
from notify.services import (
    LEASE,
    MAX_ATTEMPTS,
    deliver_due,
    deliveries_for,
    fan_out,
    record_case_event,
    retry_delay,
)
from notify.tasks import sweep_messages

from .conftest import SECRET, report_rubbish, serve

PHONE = "13800138000"


@pytest.fixture
def urban_email(departments):
    departments["urban"].email = "cgj@chenggu.example"
    departments["urban"].save()
    return departments["urban"].email


def test_messages_leave_once_after_commit_and_a_second_run_sends_nothing(
    people, categories, webhook, receiver, sms, urban_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = report_rubbish(people, categories, reporter_phone=PHONE)
        take_action(case, people["town_operator"], "accept")
        take_action(case, people["town_operator"], "dispatch")
        # Not committed yet: nothing has been worked out, nothing has left.
        assert Delivery.objects.count() == 0
        assert receiver.accepted == 0 and mail.outbox == [] and sms == []

    assert len(callbacks) == 3
    events = list(OutboxEvent.objects.order_by("id"))
    assert [event.action for event in events] == ["report", "accept", "dispatch"]
    assert all(event.fanned_out_at for event in events)
    assert [received.key for received in receiver.events] == [e.idempotency_key for e in events]
    assert [message.to for message in mail.outbox] == [[urban_email]]  # dispatch only
    assert [message.phone for message in sms] == [PHONE] * 3
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}
    assert Delivery.objects.count() == 3 + 1 + 3  # webhook ×3, department, reporter ×3

    run = deliver_due()
    assert (run.fanned_out, run.delivered, run.retrying, run.failed) == (0, 0, 0, 0)
    assert receiver.accepted == 3 and len(mail.outbox) == 1 and len(sms) == 3


def test_nothing_is_recorded_or_sent_when_the_step_rolls_back(
    people, categories, webhook, receiver, urban_email, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        report_rubbish(people, categories, reporter_phone=PHONE)
        raise RuntimeError("the request failed after the report")

    assert callbacks == []
    assert Case.objects.count() == 0
    assert OutboxEvent.objects.count() == 0
    deliver_due()
    assert Delivery.objects.count() == 0
    assert receiver.accepted == 0 and mail.outbox == []


class FailsFirst(WebhookRequestHandler):
    """A receiver that is down (500) for its first `failures` requests."""

    def do_POST(self) -> None:
        if self.server.failures > 0:
            self.server.failures -= 1
            self.rfile.read(int(self.headers["Content-Length"]))
            self._answer(500, "down for maintenance")
            return
        super().do_POST()


class FlakyReceiver(WebhookReceiver):
    handler_class = FailsFirst

    def __init__(self, address, secret, failures: int):
        super().__init__(address, secret)
        self.failures = failures


@pytest.fixture
def flaky_receiver():
    receiver = serve(FlakyReceiver(("127.0.0.1", 0), SECRET, failures=1))
    yield receiver
    receiver.shutdown()
    receiver.server_close()


@pytest.fixture
def flaky_webhook(flaky_receiver, county):
    from notify.models import Webhook

    return Webhook.objects.create(name="flaky", url=flaky_receiver.url, secret=SECRET)


def test_a_failing_webhook_is_retried_after_a_pause_and_then_delivered(
    people, categories, flaky_webhook, flaky_receiver
):
    case = report_rubbish(people, categories)
    start = timezone.now()

    run = deliver_due(now=start)
    assert (run.fanned_out, run.delivered, run.retrying) == (1, 0, 1)
    delivery = Delivery.objects.get(event__case=case, channel=Channel.WEBHOOK)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.next_attempt_at == start + timedelta(seconds=30)
    assert "HTTP 500" in delivery.last_error
    assert flaky_receiver.events == []

    assert deliver_due(now=start + timedelta(seconds=29)).delivered == 0  # still pausing
    assert deliver_due(now=start + timedelta(seconds=30)).delivered == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert (delivery.attempts, delivery.delivered_at) == (2, start + timedelta(seconds=30))
    assert [event.payload["case"] for event in flaky_receiver.events] == [case.code]


def test_a_webhook_that_keeps_failing_is_given_up_after_max_attempts_and_shown_as_failed(
    people, categories, flaky_webhook, flaky_receiver, client, django_capture_on_commit_callbacks
):
    flaky_receiver.failures = 1000
    report_rubbish(people, categories)
    now = timezone.now()
    pauses = []
    for _attempt in range(MAX_ATTEMPTS):
        deliver_due(now=now)
        delivery = Delivery.objects.get()
        pauses.append((delivery.next_attempt_at - now).total_seconds())
        now = delivery.next_attempt_at

    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == MAX_ATTEMPTS
    assert pauses[:-1] == [30, 60, 120, 240, 480, 960, 1920]
    assert retry_delay(8) == timedelta(hours=1)  # at most an hour
    assert deliver_due(now=now + timedelta(days=1)).failed == 0  # given up: not tried again
    assert flaky_receiver.failures == 1000 - MAX_ATTEMPTS

    admin = people["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get("/admin/notify/delivery/?status__exact=failed")
    assert page.status_code == 200
    assert delivery.recipient in page.content.decode() and "HTTP 500" in page.content.decode()

    # The receiver is back; an administrator sends it again from the list.
    flaky_receiver.failures = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notify/delivery/",
            {"action": "retry_now", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 1)
    assert len(flaky_receiver.events) == 1


class WorkerKilled(BaseException):
    """What SIGKILL does to a worker: nothing after this point runs, no handler sees it."""


class SendsThenDies:
    def __init__(self, sender):
        self.sender = sender

    def send(self, delivery):
        self.sender.send(delivery)
        raise WorkerKilled


def test_a_message_whose_worker_died_after_sending_is_sent_again_and_taken_once(
    people, categories, webhook, receiver
):
    case = report_rubbish(people, categories)
    start = timezone.now()
    dying = {**senders(), Channel.WEBHOOK: SendsThenDies(WebhookSender())}

    with pytest.raises(WorkerKilled):
        deliver_due(now=start, senders=dying)
    delivery = Delivery.objects.get(event__case=case)
    assert delivery.status == DeliveryStatus.SENDING
    assert delivery.leased_until == start + LEASE
    assert receiver.accepted == 1

    assert deliver_due(now=start + LEASE - timedelta(seconds=1)).delivered == 0  # still leased
    assert deliver_due(now=start + LEASE + timedelta(seconds=1)).delivered == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)
    assert receiver.accepted == 2  # the transport carried it twice …
    assert [event.key for event in receiver.events] == [delivery.idempotency_key]  # … taken once


def test_events_whose_process_died_before_its_on_commit_are_sent_by_the_sweep(
    people, categories, webhook, receiver
):
    report_rubbish(people, categories)  # committed (in the test's sense); no on_commit ran
    assert receiver.accepted == 0
    sweep_messages.call_local()
    assert len(receiver.events) == 1
    assert OutboxEvent.objects.get().fanned_out_at is not None


def test_the_department_gets_an_email_on_dispatch_in_chinese(
    people, categories, urban_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = report_rubbish(people, categories, reporter_phone=PHONE)
        take_action(case, people["town_operator"], "accept")
    assert mail.outbox == []  # the department hears nothing before the case is dispatched
    with django_capture_on_commit_callbacks(execute=True):
        take_action(case, people["town_operator"], "dispatch")

    [message] = mail.outbox
    event = OutboxEvent.objects.get(action="dispatch")
    assert message.to == [urban_email]
    assert message.extra_headers["X-Wangge-Event"] == event.idempotency_key
    assert case.code in message.subject and "派遣" in message.subject
    assert "案件编号" in message.body and "已派遣" in message.body
    assert f"/cases/{case.code}/" in message.body
    assert PHONE not in message.body


def test_the_reporter_gets_an_sms_for_the_report_and_each_change_of_status(
    people, categories, sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = report_rubbish(people, categories, reporter_phone=PHONE)
        take_action(case, people["town_operator"], "accept")
        take_action(case, people["town_operator"], "dispatch")
        report_rubbish(people, categories)  # no phone given: nobody to tell

    assert [message.phone for message in sms] == [PHONE] * 3
    acknowledgement, accepted, dispatched = (message.text for message in sms)
    assert case.code in acknowledgement
    assert "待派遣" in accepted  # zh-Hans: the resident's language
    assert "已派遣" in dispatched
    assert sms[0].event_key == OutboxEvent.objects.get(case=case, action="report").idempotency_key


def test_a_subscription_hears_of_its_own_region_and_category_only_in_its_language(
    people, categories, sms, county, django_capture_on_commit_callbacks
):
    from territory.models import Region

    west, east = Region.objects.get(code="610722001"), Region.objects.get(code="610722002")
    for username in ("town_operator", "other_town_operator", "county_operator"):
        people[username].email = f"{username}@chenggu.example"
        people[username].phone = "13900000000"
        people[username].save()
    Subscription.objects.create(
        user=people["town_operator"], region=west, category=categories["city"], language="en"
    )
    Subscription.objects.create(user=people["other_town_operator"], region=east)
    Subscription.objects.create(
        user=people["county_operator"], category=categories["disputes"], channel=Channel.SMS
    )

    with django_capture_on_commit_callbacks(execute=True):
        case = report_rubbish(people, categories)
        take_action(case, people["town_operator"], "accept")
        take_action(case, people["town_operator"], "dispatch")

    assert {tuple(message.to) for message in mail.outbox} == {("town_operator@chenggu.example",)}
    assert sms == []
    subjects = [message.subject for message in mail.outbox]
    assert all(case.code in subject for subject in subjects)
    assert "Dispatch" in subjects[2]
    assert "It is now “Awaiting dispatch”" in mail.outbox[1].body
    assert "Case number" in mail.outbox[2].body and "Dispatched" in mail.outbox[2].body


def test_the_webhook_body_carries_codes_and_never_the_reporter(
    people, categories, webhook, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = report_rubbish(people, categories, reporter_name="张三丰", reporter_phone=PHONE)
    delivery = Delivery.objects.get(channel=Channel.WEBHOOK)
    body = json.loads(delivery.body)
    assert body == {
        "event": OutboxEvent.objects.get().idempotency_key,
        "action": "report",
        "from_status": "",
        "to_status": Status.REPORTED,
        "case": case.code,
        "county": "610722",
        "category": "E0101",
        "grid": "610722001001001",
        "department": "cgj",
        "at": timezone.localtime(case.reported_at).isoformat(),
        "note": "",
    }
    assert body["at"].endswith("+08:00")
    assert "张三丰" not in delivery.body and PHONE not in delivery.body
    assert receiver.events[0].payload == body


def test_fanning_out_twice_never_doubles_a_message(people, categories, webhook, urban_email):
    case = report_rubbish(people, categories, reporter_phone=PHONE)
    event = OutboxEvent.objects.get(case=case)
    assert fan_out(event) == 2  # the webhook and the reporter
    assert fan_out(event) == 2
    assert Delivery.objects.filter(event=event).count() == 2


def test_recording_an_event_is_one_insert(people, categories, django_assert_num_queries):
    case = report_rubbish(people, categories)
    entry = case.timeline.get()
    with django_assert_num_queries(1):
        record_case_event(entry)


def test_supervision_emails_the_department_only_once_the_case_is_dispatched(
    people, categories, departments, urban_email
):
    case = report_rubbish(people, categories)
    late_to_accept = OutboxEvent(
        case=case,
        action="supervise",
        from_status=Status.REPORTED,
        to_status=Status.REPORTED,
        department=departments["urban"],
        at=timezone.now(),
    )
    late_to_handle = OutboxEvent(
        case=case,
        action="supervise",
        from_status=Status.HANDLING,
        to_status=Status.HANDLING,
        department=departments["urban"],
        at=timezone.now(),
    )
    now = timezone.now()
    assert [d.channel for d in deliveries_for(late_to_accept, now)] == []
    [email] = deliveries_for(late_to_handle, now)
    assert (email.channel, email.recipient) == (Channel.EMAIL, urban_email)
    assert "督办" in email.body


def test_an_event_that_cannot_be_fanned_out_does_not_hold_back_the_others(
    people, categories, webhook, receiver, caplog
):
    people["county_operator"].email = "county_operator@chenggu.example"
    people["county_operator"].save()
    Subscription.objects.create(user=people["county_operator"])  # e-mails carry a link
    broken = report_rubbish(people, categories)
    fine = report_rubbish(people, categories)
    Case.objects.filter(pk=broken.pk).update(code="")  # a bad row: no link can be made to it
    run = deliver_due()
    assert run.fanned_out == 1
    assert [event.payload["case"] for event in receiver.events] == [fine.code]
    assert [fine.code in message.subject for message in mail.outbox] == [True]
    assert OutboxEvent.objects.get(case=broken).fanned_out_at is None  # waits for a fix
    assert "could not work out the receivers" in caplog.text


def test_a_subscription_never_widens_what_its_holder_may_read(
    people, categories, django_capture_on_commit_callbacks
):
    """A grid worker subscribed to the whole county hears of their own grid's cases only."""
    for username in ("grid_worker", "other_grid_worker"):
        people[username].email = f"{username}@chenggu.example"
        people[username].save()
        Subscription.objects.create(user=people[username])  # the whole county, every category

    with django_capture_on_commit_callbacks(execute=True):
        report_rubbish(people, categories)  # in grid_worker's grid

    assert {tuple(message.to) for message in mail.outbox} == {("grid_worker@chenggu.example",)}

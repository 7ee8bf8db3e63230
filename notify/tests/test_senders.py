"""Each channel's sender, and the signature a webhook receiver checks."""

import json
import logging
import socket
import time
import urllib.error
import urllib.request

import pytest
from django.core import mail

from notify.models import Channel, Delivery, OutboxEvent, Webhook
from notify.senders import (
    DeliveryError,
    EmailSender,
    LoggingSmsGateway,
    Sms,
    WebhookSender,
    sign,
    verify_signature,
)
from notify.services import fan_out

from .conftest import SECRET, report_rubbish

BODY = b'{"event":"610722:1","action":"report"}'


def test_a_signature_holds_only_for_its_secret_body_and_time():
    now = 1_790_000_000
    signature = sign(SECRET, now, BODY)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert verify_signature(SECRET, str(now), BODY, signature, now=now + 299)
    assert verify_signature(SECRET, now, BODY.decode(), signature, now=now)
    assert not verify_signature("another-secret", now, BODY, signature, now=now)
    assert not verify_signature(SECRET, now, BODY + b" ", signature, now=now)
    assert not verify_signature(SECRET, now + 1, BODY, signature, now=now)
    assert not verify_signature(SECRET, now, BODY, signature, now=now + 301)  # a replay, later
    assert not verify_signature(SECRET, "yesterday", BODY, signature, now=now)
    assert not verify_signature(SECRET, now, BODY, "sha256=不是", now=now)


def post(url: str, body: bytes, *, timestamp: int, signed_body: bytes | None = None, secret=SECRET):
    """A POST as Wangge sends it, optionally signed over another body (a tampered request)."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "X-Wangge-Event": json.loads(body)["event"],
            "X-Wangge-Timestamp": str(timestamp),
            "X-Wangge-Signature": sign(secret, timestamp, signed_body or body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_receiver_takes_signed_requests_and_refuses_tampered_stale_or_foreign_ones(receiver):
    now = int(time.time())
    assert post(receiver.url, BODY, timestamp=now) == 200
    tampered = BODY.replace(b"report", b"close")
    assert post(receiver.url, tampered, timestamp=now, signed_body=BODY) == 401
    assert post(receiver.url, BODY, timestamp=now - 301) == 401  # an old request replayed
    assert post(receiver.url, BODY, timestamp=now, secret="guessed") == 401
    assert post(receiver.url, BODY, timestamp=now) == 200  # a repeat: acknowledged, not acted on
    assert (receiver.accepted, receiver.refused) == (2, 3)
    assert [event.key for event in receiver.events] == ["610722:1"]


def test_a_delivered_webhook_is_signed_and_checked_by_a_real_receiver(
    people, categories, webhook, receiver
):
    case = report_rubbish(people, categories)
    fan_out(OutboxEvent.objects.get(case=case))
    delivery = Delivery.objects.select_related("event", "webhook").get(channel=Channel.WEBHOOK)
    WebhookSender().send(delivery)
    assert [event.payload["case"] for event in receiver.events] == [case.code]

    webhook.secret = "rotated-on-our-side-only"
    webhook.save()
    delivery.refresh_from_db()
    with pytest.raises(DeliveryError, match="HTTP 401"):
        WebhookSender().send(delivery)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_or_switched_off_webhook_is_a_delivery_error(people, categories, county):
    hook = Webhook.objects.create(name="gone", url=f"http://127.0.0.1:{free_port()}/")
    case = report_rubbish(people, categories)
    fan_out(OutboxEvent.objects.get(case=case))
    delivery = Delivery.objects.select_related("event", "webhook").get(channel=Channel.WEBHOOK)
    with pytest.raises(DeliveryError, match="webhook"):
        WebhookSender().send(delivery)
    hook.is_active = False
    hook.save()
    delivery.refresh_from_db()
    with pytest.raises(DeliveryError, match="switched off"):
        WebhookSender().send(delivery)


def test_an_email_carries_the_event_key_and_a_message_id_stable_across_retries(
    people, categories, departments
):
    departments["urban"].email = "cgj@chenggu.example"
    departments["urban"].save()
    case = report_rubbish(people, categories)
    event = OutboxEvent.objects.create(
        case=case, action="dispatch", to_status="dispatched", department=departments["urban"],
        at=case.reported_at,
    )  # fmt: skip
    fan_out(event)
    delivery = Delivery.objects.select_related("event").get(channel=Channel.EMAIL)
    EmailSender().send(delivery)
    EmailSender().send(delivery)
    first, again = mail.outbox
    assert first.to == ["cgj@chenggu.example"]
    assert first.extra_headers["X-Wangge-Event"] == event.idempotency_key
    assert first.message()["Message-ID"] == again.message()["Message-ID"]
    assert f".{event.pk}.{delivery.pk}@" in first.message()["Message-ID"]


def test_the_logging_sms_gateway_masks_the_phone(caplog):
    with caplog.at_level(logging.INFO, logger="notify"):
        LoggingSmsGateway().send(Sms(phone="13800138000", text="已派遣", event_key="610722:7"))
    assert "138****8000" in caplog.text and "13800138000" not in caplog.text
    assert "610722:7" in caplog.text

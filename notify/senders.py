"""One sender class per channel. Each takes a rendered `Delivery` and hands it to the outside
world, raising `DeliveryError` when the receiver did not take it (the outbox retries later).

Senders run outside any database transaction, after the message's event was committed.
"""

import hashlib
import hmac
import http.client
import logging
import smtplib
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.utils.module_loading import import_string

from cases.masking import mask_phone

from .models import Channel, Delivery

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10  # seconds; a receiver slower than this is retried later
SIGNATURE_WINDOW = 300  # seconds a signed request stays acceptable to a receiver


class DeliveryError(Exception):
    """The receiver did not take the message: the reason is kept on the delivery, and it is retried."""


class Sender(Protocol):
    def send(self, delivery: Delivery) -> None: ...


class EmailSender:
    """Through Django's mail framework, so any EMAIL_BACKEND works (SMTP, file, locmem in tests)."""

    def send(self, delivery: Delivery) -> None:
        event = delivery.event
        message = EmailMessage(
            subject=delivery.subject,
            body=delivery.body,
            to=[delivery.recipient],
            headers={
                # Stable across retries, so a mail client shows a repeat as the same message.
                "Message-ID": f"<wangge.{event.county_code}.{event.pk}.{delivery.pk}@{DNS_NAME}>",
                "X-Wangge-Event": event.idempotency_key,
            },
        )
        try:
            message.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"e-mail: {error}") from error


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The X-Wangge-Signature value: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes | str,
    signature: str,
    now: float | None = None,
    window: int = SIGNATURE_WINDOW,
) -> bool:
    """For receivers: whether a webhook request was signed with `secret` within `window` seconds
    of `now` (unix time). The time bound makes a captured request useless for a replay later."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - sent_at) > window:
        return False
    if isinstance(body, str):
        body = body.encode()
    expected = sign(secret, timestamp, body).encode()
    return hmac.compare_digest(expected, (signature or "").encode("utf-8", "replace"))


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET without its body: count it as a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_webhook_opener = urllib.request.build_opener(_RefuseRedirects)


class WebhookSender:
    """POSTs the JSON body, signed; anything but a 2xx answer is a failure."""

    def send(self, delivery: Delivery) -> None:
        webhook = delivery.webhook
        if webhook is None or not webhook.is_active:
            raise DeliveryError("webhook: removed or switched off")
        body = delivery.body.encode()
        timestamp = int(time.time())
        request = urllib.request.Request(
            webhook.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Wangge-Webhook/1",
                "X-Wangge-Event": delivery.idempotency_key,
                "X-Wangge-Timestamp": str(timestamp),
                "X-Wangge-Signature": sign(webhook.secret, timestamp, body),
            },
        )
        try:
            with _webhook_opener.open(request, timeout=WEBHOOK_TIMEOUT) as response:
                status = response.status
        except urllib.error.HTTPError as error:  # before URLError: it is one
            raise DeliveryError(f"webhook: HTTP {error.code} {error.reason}") from error
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
            raise DeliveryError(f"webhook: {error}") from error
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook: HTTP {status}")


@dataclass(frozen=True)
class Sms:
    phone: str
    text: str
    event_key: str  # the idempotency key, for gateways that accept a client reference


class SmsGateway(Protocol):
    """An SMS provider's API. `send` raises DeliveryError when the provider refuses the message."""

    def send(self, sms: Sms) -> None: ...


class LoggingSmsGateway:
    """The default: no real gateway is reachable from a demo, so the message goes to the log."""

    def send(self, sms: Sms) -> None:
        logger.info("SMS to %s [%s]: %s", mask_phone(sms.phone), sms.event_key, sms.text)


class MemorySmsGateway:
    """In-process fake for tests: keeps every message in `MemorySmsGateway.sent` (as Django's
    locmem backend keeps mail in `mail.outbox`); tests empty it first."""

    sent: ClassVar[list[Sms]] = []

    def send(self, sms: Sms) -> None:
        self.sent.append(sms)


class SmsSender:
    def __init__(self, gateway: SmsGateway):
        self.gateway = gateway

    def send(self, delivery: Delivery) -> None:
        self.gateway.send(
            Sms(phone=delivery.recipient, text=delivery.body, event_key=delivery.idempotency_key)
        )


def sms_gateway() -> SmsGateway:
    """The gateway named by WANGGE_SMS_GATEWAY (a dotted path, as EMAIL_BACKEND is)."""
    return import_string(settings.WANGGE_SMS_GATEWAY)()


def senders() -> dict[Channel, Sender]:
    """The sender for each channel, built from the settings as they are now."""
    return {
        Channel.EMAIL: EmailSender(),
        Channel.WEBHOOK: WebhookSender(),
        Channel.SMS: SmsSender(sms_gateway()),
    }

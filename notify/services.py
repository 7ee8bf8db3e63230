"""Actions of the outbox: record what the case services did, work out who hears of it, send it.

    case service ──(same transaction)──▶ OutboxEvent ──on_commit──▶ huey: deliver_due()
    deliver_due: fan_out (receivers → Delivery rows) ─▶ claim (lease) ─▶ send ─▶ delivered / retry

A message leaves only for a step that was committed, at least once, and each carries the event's
idempotency key so that receivers can drop the repeats a retry may cause.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from cases.models import Status, TimelineEntry
from cases.selectors import may_see
from portal.selectors import follower_link, followers_with_contact

from .models import Channel, Delivery, DeliveryStatus, OutboxEvent
from .rendering import render_email, render_sms, render_webhook_body
from .selectors import events_to_fan_out, subscriptions_for, webhooks_for
from .senders import DeliveryError, Sender
from .senders import senders as configured_senders

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(seconds=60)  # longer than a webhook's timeout, so a live worker keeps its claim
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
BATCH = 100

# Steps that leave the status as it was but that a resident following the case hears of.
FOLLOWERS_ALSO_HEAR = {"merge_in"}

# 督办 concerns the department only once it holds the case; before dispatch the centre is late.
DEPARTMENT_SUPERVISED_STATUSES = {Status.DISPATCHED, Status.HANDLING, Status.EXTENSION_REQUESTED}


def record_case_event(entry: TimelineEntry) -> OutboxEvent:
    """Called by the case services, inside their transaction, for every timeline entry: the event
    commits or rolls back with the step it tells of. One INSERT; sending starts after commit."""
    event = OutboxEvent.objects.create(
        county_code=entry.county_code,
        case_id=entry.case_id,
        action=entry.action,
        from_status=entry.from_status,
        to_status=entry.to_status,
        department_id=entry.department_id,
        actor_id=entry.actor_id,
        note=entry.note,
        at=entry.at,
    )
    schedule_delivery()
    return event


def schedule_delivery() -> None:
    """Start a delivery run in the worker once the current transaction has committed.

    `robust`: by then the step is committed; if the queue cannot be reached the minute's sweep
    sends the messages, and the request that took the step must not fail for it.
    """
    transaction.on_commit(_enqueue_delivery_run, robust=True)


def _enqueue_delivery_run() -> None:
    from .tasks import deliver_messages  # here, not at the top: tasks.py imports this module

    deliver_messages()


# --- fan-out: who hears of an event --------------------------------------------------------------


def _department_hears(event: OutboxEvent) -> bool:
    if event.action == "dispatch":
        return True
    return event.action == "supervise" and event.to_status in DEPARTMENT_SUPERVISED_STATUSES


def deliveries_for(event: OutboxEvent, now: datetime) -> list[Delivery]:
    """One unsaved Delivery per receiver, rendered in its language; the first of two that reach
    the same address wins. `event` comes with its case, category, grid and department."""
    case = event.case
    wanted: dict[tuple[str, str], Delivery] = {}
    emails: dict[str, tuple[str, str]] = {}

    def email_in(language: str) -> tuple[str, str]:
        if language not in emails:
            rendered = render_email(event, language)
            emails[language] = (rendered.subject, rendered.body)
        return emails[language]

    def add(channel: Channel, recipient: str, language: str, **message) -> None:
        recipient = recipient.strip()
        if recipient and (channel, recipient) not in wanted:
            wanted[channel, recipient] = Delivery(
                county_code=event.county_code,
                event=event,
                channel=channel,
                recipient=recipient,
                language=language,
                next_attempt_at=now,
                created_at=now,
                **message,
            )

    language = settings.LANGUAGE_CODE
    if event.department and event.department.email and _department_hears(event):
        subject, body = email_in(language)
        add(Channel.EMAIL, event.department.email, language, subject=subject, body=body)
    # Residents following the case by their private link first: their message carries the link.
    if event.from_status != event.to_status or event.action in FOLLOWERS_ALSO_HEAR:
        for follower in followers_with_contact(case):
            link = follower_link(follower)
            if follower.phone:
                body = render_sms(event, follower.language, to_reporter=True, link=link)
                add(Channel.SMS, follower.phone, follower.language, body=body)
            if follower.email:
                email = render_email(event, follower.language, link=link)
                add(
                    Channel.EMAIL,
                    follower.email,
                    follower.language,
                    subject=email.subject,
                    body=email.body,
                )
    if case.reporter_phone and event.from_status != event.to_status:
        # The report itself is acknowledged with its case number; later, each change of status.
        body = render_sms(event, language, to_reporter=True)
        add(Channel.SMS, case.reporter_phone, language, body=body)
    for subscription in subscriptions_for(case):
        user, language = subscription.user, subscription.language
        if not may_see(user, case):
            continue  # a subscription never widens what its holder may read
        if subscription.channel == Channel.EMAIL:
            subject, body = email_in(language)
            add(Channel.EMAIL, user.email, language, subject=subject, body=body)
        else:
            body = render_sms(event, language, to_reporter=False)
            add(Channel.SMS, user.phone, language, body=body)
    webhooks = list(webhooks_for(case))
    if webhooks:
        body = render_webhook_body(event)
        for webhook in webhooks:
            add(Channel.WEBHOOK, f"webhook-{webhook.pk}", "", body=body, webhook=webhook)
    return list(wanted.values())


def fan_out(event: OutboxEvent, now: datetime | None = None) -> int:
    """Write a pending delivery for each receiver of an event and mark it fanned out; returns
    how many receivers it found.

    Receivers are worked out and rendered before the (short) write transaction. Safe to run
    twice or in two workers at once: the (event, channel, recipient) constraint drops repeats.
    """
    now = now or timezone.now()
    deliveries = deliveries_for(event, now)
    with transaction.atomic():
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        OutboxEvent.objects.filter(pk=event.pk, fanned_out_at__isnull=True).update(
            fanned_out_at=now
        )
    event.fanned_out_at = event.fanned_out_at or now
    return len(deliveries)


# --- sending ------------------------------------------------------------------------------------


@dataclass
class DeliveryRun:
    """What one `deliver_due` did."""

    fanned_out: int = 0  # events whose receivers were worked out
    delivered: int = 0
    retrying: int = 0  # failed this time; tried again after a pause
    failed: int = 0  # given up after MAX_ATTEMPTS
    more_waiting: bool = False  # the batch was full: run again

    @property
    def did_anything(self) -> bool:
        return bool(self.fanned_out or self.delivered or self.retrying or self.failed)


def retry_delay(attempts: int) -> timedelta:
    """30 s after the first failure, doubling each time, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def deliver_due(
    now: datetime | None = None,
    limit: int = BATCH,
    senders: Mapping[Channel, Sender] | None = None,
) -> DeliveryRun:
    """Fan out the events still waiting, then send what is due, each message under a lease.

    Must run outside a transaction: every claim and every result is its own short one, and the
    sending happens between them, so no database lock is held while a receiver is slow.
    """
    now = now or timezone.now()
    senders = senders if senders is not None else configured_senders()
    run = DeliveryRun()
    events = list(events_to_fan_out(limit))
    for event in events:
        try:
            fan_out(event, now)
        except Exception:
            # A fault of ours (a template, a bad row) in one event must not hold back every
            # message after it. It stays waiting, logged at each run, and goes out once fixed.
            logger.exception("could not work out the receivers of event %s", event.idempotency_key)
            continue
        run.fanned_out += 1
    run.failed += give_up_abandoned(now)
    claimed = 0
    while claimed < limit and (delivery := claim_next_due(now)) is not None:
        claimed += 1
        status = attempt(delivery, senders[delivery.channel], now)
        if status == DeliveryStatus.DELIVERED:
            run.delivered += 1
        elif status == DeliveryStatus.FAILED:
            run.failed += 1
        else:
            run.retrying += 1
    run.more_waiting = len(events) == limit or claimed == limit
    return run


def claim_next_due(now: datetime) -> Delivery | None:
    """Take the next due delivery for this worker: status sending, leased for a minute, one more
    attempt counted (so a message that kills its worker every time still ends as failed).

    Row locks with SKIP LOCKED keep PostgreSQL workers apart; SQLite has none (Django ignores
    select_for_update there) but its IMMEDIATE transactions queue the claims, and the guarded
    UPDATE refuses a row another worker took first.
    """
    due = Delivery.objects.due(now).filter(attempts__lt=MAX_ATTEMPTS)
    while due.exists():  # a plain read first: an idle sweep takes no write lock
        with transaction.atomic():
            pk = (
                due.select_for_update(skip_locked=True)
                .order_by("next_attempt_at", "id")
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                return None
            taken = due.filter(pk=pk).update(
                status=DeliveryStatus.SENDING,
                leased_until=now + LEASE,
                attempts=F("attempts") + 1,
            )
        if taken:
            return Delivery.objects.select_related("event", "webhook").get(pk=pk)
    return None


def _for_log(delivery: Delivery) -> str:
    """Logs name the message, not its receiver: a phone number or address is personal data."""
    return f"{delivery.idempotency_key} {delivery.channel} delivery {delivery.pk}"


def attempt(delivery: Delivery, sender: Sender, now: datetime) -> DeliveryStatus:
    """Send one claimed delivery and record the outcome. Only DeliveryError counts as the
    receiver's refusal; anything else is a fault of ours and leaves the claim to run out."""
    try:
        sender.send(delivery)
    except DeliveryError as error:
        return _record_failure(delivery, str(error), now)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED, delivered_at=now, leased_until=None
    )
    logger.info("delivered %s", _for_log(delivery))
    return DeliveryStatus.DELIVERED


def _record_failure(delivery: Delivery, error: str, now: datetime) -> DeliveryStatus:
    if delivery.attempts >= MAX_ATTEMPTS:
        status, next_attempt_at = DeliveryStatus.FAILED, delivery.next_attempt_at
    else:
        status, next_attempt_at = DeliveryStatus.PENDING, now + retry_delay(delivery.attempts)
    # Not over a success: a worker that took the row after our lease ran out may have sent it.
    Delivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.DELIVERED).update(
        status=status, next_attempt_at=next_attempt_at, leased_until=None, last_error=error[:2000]
    )
    logger.warning("attempt %s of %s failed: %s", delivery.attempts, _for_log(delivery), error)
    return status


def give_up_abandoned(now: datetime) -> int:
    """Messages whose last allowed attempt died with its worker are failed, not sent again."""
    return Delivery.objects.filter(
        status=DeliveryStatus.SENDING, leased_until__lt=now, attempts__gte=MAX_ATTEMPTS
    ).update(
        status=DeliveryStatus.FAILED,
        leased_until=None,
        last_error="worker stopped during the last attempt",
    )


@transaction.atomic
def retry_deliveries(deliveries: QuerySet[Delivery] | Iterable[Delivery], now=None) -> int:
    """重发: send pending or failed messages at once, with a fresh round of attempts (the admin's
    "retry now"). Delivered messages and those a worker is sending are left alone."""
    pks = [delivery.pk for delivery in deliveries]
    count = (
        Delivery.objects.filter(pk__in=pks)
        .filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
        .update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=now or timezone.now(),
            leased_until=None,
        )
    )
    schedule_delivery()
    return count

"""Issue, check and revoke credentials. A credential reads `wg_<prefix>_<secret>`: the prefix finds
the row, the secret is compared by its hash in constant time."""

import hashlib
import hmac
import secrets
from datetime import timedelta
from time import monotonic

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.errors import CaseError
from cases.models import Case, Source, Status
from cases.services import file_report, prepare_report, take_action

from .models import Credential, Intake, StepReceipt

PREFIX_BYTES = 6  # 8 url-safe characters
SECRET_BYTES = 24  # 32 url-safe characters
# last_used_at is written at most this often per credential: a busy system must not write a row
# on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


# A credential found is kept this long per process, so that a system posting many reports a
# second does not read its row and its user on every request. Revoking it or changing its user
# counts at once in the process that does it, and within CHECKED_SECONDS in the others.
CHECKED_SECONDS = 10.0
_checked: dict[str, tuple[float, Credential]] = {}  # by the SHA-256 of the whole text


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_credential(name: str, user=None) -> tuple[Credential, str]:
    """A new credential and its full text, which is shown this once and never stored."""
    prefix = secrets.token_urlsafe(PREFIX_BYTES).replace("_", "x").replace("-", "y")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    credential = Credential.objects.create(
        name=name.strip(), user=user, prefix=prefix, secret_hash=_hash(secret)
    )
    return credential, f"wg_{prefix}_{secret}"


def authenticate(text: str | None) -> Credential | None:
    """The active credential this text is, or None (unknown, malformed, revoked, user disabled)."""
    if not text or not text.startswith("wg_") or text.count("_") < 2:
        return None
    checked_key = _hash(text)
    kept = _checked.get(checked_key)
    if kept is not None and monotonic() - kept[0] < CHECKED_SECONDS:
        credential = kept[1]
    else:
        credential = _look_up(text)
        if credential is None:
            return None
        _checked[checked_key] = (monotonic(), credential)
    if not credential.is_active:
        return None
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > LAST_USED_RESOLUTION:
        Credential.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    return credential


def _look_up(text: str) -> Credential | None:
    prefix, secret = text[3:].split("_", 1)
    found = Credential.objects.select_related("user").filter(prefix=prefix)[:1]  # unique: no order
    credential = next(iter(found), None)
    if credential is None or not hmac.compare_digest(credential.secret_hash, _hash(secret)):
        return None
    return credential


@receiver([post_save, post_delete], sender=Credential)
@receiver([post_save, post_delete], sender=settings.AUTH_USER_MODEL)
def forget_checked_credentials(**kwargs) -> None:
    """A credential revoked or a user changed in this process counts at once here."""
    _checked.clear()


def revoke(credential: Credential) -> None:
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])


def replayed_case(credential: Credential, idempotency_key: str):
    """The case an earlier request of this credential with this key made, or None."""
    if not idempotency_key:
        return None
    # Asked on every report and almost always answered "none": one plain statement (the ORM
    # took longer to build it than the database to answer), on the partial unique index of keys,
    # whose condition it repeats so that the planner may use it; the case fetched only if found.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT case_id FROM {Intake._meta.db_table} WHERE credential_id = %s"
            " AND idempotency_key = %s AND NOT (idempotency_key = '') LIMIT 1",
            [credential.pk, idempotency_key],
        )
        found = cursor.fetchone()
    return Case.objects.get(pk=found[0]) if found is not None else None


def receive_report(
    credential: Credential, *, idempotency_key: str = "", media_url: str = "", **report
) -> tuple[Case, bool]:
    """A report sent through the machine interfaces (REST API, Open311): filed with the rules of
    the pages (`cases.services.report_case`), attributed to its system, at most once per
    idempotency key. Answers (case, created): a retried request gets the case it made before.

    `report` holds `report_case`'s arguments but the reporter and the source, which follow from
    the credential: a staff token reports as its user, a system's key as that system.
    """
    earlier = replayed_case(credential, idempotency_key)
    if earlier is not None:
        return earlier, False
    reporter = credential.user
    prepared = prepare_report(  # outside the transaction: checks, grid, route, photos decoded
        reporter=reporter,
        source=Source.GRID_WORKER if reporter and reporter.works_a_grid else Source.API,
        timeline_note=""
        if reporter
        else _("Reported through %(system)s") % {"system": credential.name},
        **report,
    )
    try:
        with transaction.atomic():
            case = file_report(prepared)
            case.intake = Intake.objects.create(
                county_code=case.county_code,
                credential=credential,
                case=case,
                idempotency_key=idempotency_key,
                token=secrets.token_urlsafe(9),
                media_url=media_url,
            )
    except IntegrityError:
        # The same key, sent twice at once: the other request made the case.
        earlier = replayed_case(credential, idempotency_key)
        if earlier is None:
            raise
        return earlier, False
    return case, True


class StepConflict(CaseError):
    """The case moved on since the caller saw it (a step queued on a phone without signal):
    nothing is done, and the caller is told what the case is now."""


def take_step(
    credential: Credential,
    case: Case,
    action: str,
    inputs: dict,
    *,
    idempotency_key: str = "",
    expected_status: str = "",
) -> tuple[Case, bool]:
    """A step through a staff token: at most once per idempotency key, and only on the case as the
    caller last saw it when `expected_status` is given. Answers (case, taken): a retry of a step
    already taken gets the case back, taken False."""
    earlier = (
        idempotency_key
        and StepReceipt.objects.filter(
            credential=credential, idempotency_key=idempotency_key
        ).first()
    )
    if earlier:
        return Case.objects.get(pk=earlier.case_id), False
    case = Case.objects.get(pk=case.pk)  # as it is now, not as the caller last read it
    if expected_status and case.status != expected_status:
        raise StepConflict(
            _("Not done: the case is now “%(now)s”, no longer “%(then)s” as when you saw it.")
            % {"now": case.get_status_display(), "then": Status(expected_status).label}
        )
    try:
        with transaction.atomic():
            case = take_action(case, credential.user, action, inputs)
            if idempotency_key:
                StepReceipt.objects.create(
                    county_code=case.county_code,
                    credential=credential,
                    idempotency_key=idempotency_key,
                    case=case,
                    action=action,
                )
    except (IntegrityError, CaseError):
        # The same key, sent twice at once: the other request took the step (this one then met
        # the key, or the case already moved by it).
        earlier = (
            idempotency_key
            and StepReceipt.objects.filter(
                credential=credential, idempotency_key=idempotency_key
            ).first()
        )
        if not earlier:
            raise
        return Case.objects.get(pk=earlier.case_id), False
    return case, True

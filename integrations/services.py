"""Issue, check and revoke credentials. A credential reads `wg_<prefix>_<secret>`: the prefix finds
the row, the secret is compared by its hash in constant time."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone

from .models import Credential

PREFIX_BYTES = 6  # 8 url-safe characters
SECRET_BYTES = 24  # 32 url-safe characters
# last_used_at is written at most this often per credential: a busy system must not write a row
# on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


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
    prefix, secret = text[3:].split("_", 1)
    credential = Credential.objects.select_related("user").filter(prefix=prefix).first()
    if credential is None or not hmac.compare_digest(credential.secret_hash, _hash(secret)):
        return None
    if not credential.is_active:
        return None
    now = timezone.now()
    if credential.last_used_at is None or now - credential.last_used_at > LAST_USED_RESOLUTION:
        Credential.objects.filter(pk=credential.pk).update(last_used_at=now)
        credential.last_used_at = now
    return credential


def revoke(credential: Credential) -> None:
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.save(update_fields=["revoked_at"])

"""What the field app sends when the signal returns: a report kept on the phone, filed once
whatever the number of tries, through the same service as the REST API."""

from integrations.models import Credential
from integrations.services import issue_credential

FIELD_APP = "网格通"


def field_credential(user) -> Credential:
    """The credential a worker's reports from the field app are attributed to, and whose
    idempotency keys they are filed under: made on first use. Its secret is never shown: the app
    sends with the worker's session, not a token kept on the phone."""
    found = Credential.objects.filter(user=user, name=FIELD_APP, revoked_at__isnull=True).first()
    if found is not None:
        return found
    credential, _secret = issue_credential(FIELD_APP, user=user)
    return credential

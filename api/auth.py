"""`Authorization: Bearer wg_…`: a staff member's token acts as them, with their role's scope; an
integrated system's key reports cases and reads the ones it reported. No session, no CSRF."""

from ninja.security import HttpBearer

from integrations.services import authenticate


class CredentialBearer(HttpBearer):
    def authenticate(self, request, token):
        credential = authenticate(token)
        if credential is not None:
            request.credential = credential
        return credential

"""A simple challenge for a sender near their limit (portal.limits): a sum to work out, its
answer carried in a signed, time-limited token, so that the server keeps nothing between the
question and the answer. Enough to stop a script that posts blindly, readable by anyone, and
no outside service (no internet at run time, no third party seeing residents)."""

import hmac
import secrets

from django.core import signing
from django.utils.translation import gettext as _

SALT = "portal.challenge"
MAX_AGE_SECONDS = 15 * 60


def new_challenge() -> tuple[str, str]:
    """(question, token): the question to show, the token to send back with the answer."""
    first, second = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"sum": first + second, "nonce": secrets.token_hex(4)}, salt=SALT)
    return _("How much is %(first)s + %(second)s?") % {"first": first, "second": second}, token


def answer_is_right(token: str, answer: str) -> bool:
    """True when the answer is the token's sum and the token is this site's and fresh."""
    try:
        expected = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)["sum"]
    except (signing.BadSignature, KeyError, TypeError):
        return False
    return hmac.compare_digest(str(expected), answer.strip())

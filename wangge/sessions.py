"""Sessions end after SESSION_COOKIE_AGE without a request (idle), not that long after login.

Django renews a session's expiry only when it saves the session, and saving it on every request
(SESSION_SAVE_EVERY_REQUEST) would add a database write (and a Redis write in production) to
every request, reports included, where intake is measured (docs/performance.md). So a signed-in
session is saved again at most every SESSION_REFRESH_INTERVAL seconds: it ends between
SESSION_COOKIE_AGE − SESSION_REFRESH_INTERVAL and SESSION_COOKIE_AGE after its last request.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

REFRESHED_AT = "_refreshed_at"


class IdleSessionMiddleware:
    """Renew a signed-in session's expiry when it was last renewed long enough ago."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view: a login's own save takes the mark along, and a logout leaves no key.
        # A request without a session cookie has no key either, and its session stays unread.
        session = request.session
        if session.session_key and SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_INTERVAL:
                session[REFRESHED_AT] = now  # marks the session modified: saved, with a new expiry
        return response

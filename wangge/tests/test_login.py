"""Logging in: lockout after failed passwords (django-axes), the shared-computer login, and each
user's own password page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from conftest import PASSWORD
from wangge.lockout import client_address

MONDAY_MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
OFFICE = "10.61.7.22"
ELSEWHERE = "10.61.9.40"


def log_in(client, username: str, password: str, address: str = OFFICE, **fields):
    return client.post(
        "/login/",
        {"username": username, "password": password, **fields},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_five_wrong_passwords_lock_the_account_from_every_address(client, people):
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        for _ in range(4):
            assert log_in(client, "grid_worker", "guess").status_code == 200
        fifth = log_in(client, "grid_worker", "guess")
        assert fifth.status_code == 429

        refused = log_in(client, "grid_worker", PASSWORD)
        assert refused.status_code == 429 and not logged_in(client)
        page = refused.content.decode()
        assert "this account or this computer&#x27;s address is locked for 15 minutes" in page
        assert 'name="username"' in page and 'value="grid_worker"' in page  # the login page again

        # The policy: the account is locked wherever the next try comes from ...
        assert log_in(client, "grid_worker", PASSWORD, address=ELSEWHERE).status_code == 429
        # ... while five failures do not lock the address for the others working there.
        assert log_in(client, "town_operator", PASSWORD).status_code == 302
        client.logout()

        clock.shift(timedelta(minutes=16))  # the cool-off has passed since the last try
        assert log_in(client, "grid_worker", PASSWORD).status_code == 302
        assert logged_in(client)


def test_twenty_failures_from_one_address_lock_it_for_every_account(client, people):
    with time_machine.travel(MONDAY_MORNING, tick=False):
        for number in range(20):
            log_in(client, f"guessed_name_{number}", "guess")

        refused = log_in(client, "town_operator", PASSWORD)
        assert refused.status_code == 429 and not logged_in(client)
        assert log_in(client, "town_operator", PASSWORD, address=ELSEWHERE).status_code == 302


def test_behind_nginx_the_address_counted_is_the_one_nginx_forwarded():
    factory = RequestFactory()
    proxied = factory.post(
        "/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.61.7.22"
    )
    assert client_address(proxied) == "10.61.7.22"  # what nginx saw; the left part is the client's
    direct = factory.post("/login/", REMOTE_ADDR="10.61.9.40", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_address(direct) == "10.61.9.40"  # not from a trusted proxy: the header is ignored


def test_a_login_on_a_shared_computer_ends_when_the_browser_closes(client, people):
    response = log_in(client, "grid_worker", PASSWORD, shared_computer="on")
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expire_at_browser_close()

    client.logout()
    response = log_in(client, "grid_worker", PASSWORD)
    assert response.cookies["sessionid"]["max-age"] == 8 * 3600
    assert not client.session.get_expire_at_browser_close()


def test_the_login_page_offers_the_shared_computer_login(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'type="checkbox" name="shared_computer"' in page
    assert "Shared computer" in page


def test_a_password_like_the_user_name_is_refused(people):
    with pytest.raises(ValidationError):
        validate_password("grid_worker1", user=people["grid_worker"])
    validate_password("rice-fields-of-hanzhong", user=people["grid_worker"])


def test_every_user_changes_their_own_password_from_the_top_bar(client, people):
    grid_worker = people["grid_worker"]
    client.force_login(grid_worker)
    assert 'href="/password/"' in client.get("/cases/").content.decode()
    assert client.get("/password/").status_code == 200

    refused = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "grid_worker1",
            "new_password2": "grid_worker1",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 200
    assert "too similar to the username" in refused.content.decode()

    changed = client.post(
        "/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "rice-fields-of-hanzhong",
            "new_password2": "rice-fields-of-hanzhong",
        },
    )
    assert changed.status_code == 302 and changed.url == "/cases/"
    grid_worker.refresh_from_db()
    assert grid_worker.check_password("rice-fields-of-hanzhong")
    assert client.get("/cases/").status_code == 200  # this session goes on


def test_the_password_page_needs_a_login(client):
    response = client.get("/password/")
    assert response.status_code == 302 and response.url.startswith("/login/")

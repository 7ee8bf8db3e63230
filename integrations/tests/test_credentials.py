"""Keys and tokens: shown once, stored hashed, checked in constant time, revocable."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from integrations import services
from integrations.models import Credential
from integrations.services import authenticate, issue_credential, revoke


def test_a_key_is_shown_once_stored_hashed_and_found_again(db):
    credential, key = issue_credential("12345 热线平台")
    assert key.startswith(f"wg_{credential.prefix}_")
    secret = key.split("_", 2)[2]
    stored = Credential.objects.get(pk=credential.pk)
    assert secret not in stored.secret_hash and len(stored.secret_hash) == 64
    assert authenticate(key) == credential and authenticate(key).is_system
    assert Credential.objects.get(pk=credential.pk).last_used_at is not None


@pytest.mark.parametrize("text", [None, "", "wg_", "wg_nope", "Bearer x", "wg_abc_def"])
def test_anything_else_is_not_a_credential(db, text):
    issue_credential("系统")
    assert authenticate(text) is None


def test_a_wrong_secret_with_a_right_prefix_is_refused(db):
    credential, key = issue_credential("系统")
    assert authenticate(key[:-1] + ("A" if key[-1] != "A" else "B")) is None


def test_a_revoked_key_or_a_disabled_users_token_no_longer_works(db, people):
    credential, key = issue_credential("系统")
    assert authenticate(key) == credential
    revoke(credential)
    assert authenticate(key) is None
    token_credential, token = issue_credential("手机", user=people["grid_worker"])
    assert authenticate(token).user == people["grid_worker"]
    people["grid_worker"].is_active = False
    people["grid_worker"].save()
    assert authenticate(token) is None


def test_the_commands_print_the_secret_once(db, people):
    out = io.StringIO()
    call_command("create_api_key", "12345 热线平台", stdout=out, stderr=io.StringIO())
    assert authenticate(out.getvalue().strip()).name == "12345 热线平台"
    out = io.StringIO()
    call_command("create_api_token", "grid_worker", stdout=out, stderr=io.StringIO())
    assert authenticate(out.getvalue().strip()).user.username == "grid_worker"
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", stdout=io.StringIO())


def test_a_key_revoked_by_another_process_stops_working_within_the_checked_time(db, monkeypatch):
    credential, key = issue_credential("系统")
    assert authenticate(key) == credential
    clock = services.monotonic() + services.CHECKED_SECONDS
    Credential.objects.filter(pk=credential.pk).update(revoked_at=timezone.now())  # no signal here
    assert authenticate(key) == credential  # this process's copy, for a few seconds more
    monkeypatch.setattr(services, "monotonic", lambda: clock)
    assert authenticate(key) is None

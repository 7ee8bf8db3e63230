"""Abuse control without accounts: limits per address and per phone, a challenge near them."""

import re
import time

import pytest
from django.core import signing
from django.core.cache import cache

from portal.challenge import answer_is_right, new_challenge
from portal.limits import ADDRESS, PHONE, Verdict, _key, count_send, verdict


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


NOW = 1_800_000_000.0  # a fixed moment at the start of both windows' arithmetic


def send_times(count: int, **sender) -> None:
    for _ in range(count):
        count_send(now=NOW, **sender)


def test_an_address_is_challenged_then_refused_within_its_window():
    sender = {"address": "203.0.113.7"}
    send_times(ADDRESS.challenge_after - 1, **sender)
    assert verdict(now=NOW, **sender) == Verdict.ALLOW
    send_times(1, **sender)
    assert verdict(now=NOW, **sender) == Verdict.CHALLENGE
    send_times(ADDRESS.refuse_after - ADDRESS.challenge_after, **sender)
    assert verdict(now=NOW, **sender) == Verdict.REFUSE
    # another address is not affected, and the next window starts afresh
    assert verdict(address="203.0.113.8", now=NOW) == Verdict.ALLOW
    assert verdict(now=NOW + ADDRESS.window_seconds, **sender) == Verdict.ALLOW


def test_a_phone_is_limited_across_addresses_and_the_strictest_limit_decides():
    for number in range(PHONE.refuse_after):
        count_send(address=f"198.51.100.{number}", phone="13800001111", now=NOW)
    assert verdict(address="198.51.100.99", phone="13800001111", now=NOW) == Verdict.REFUSE
    assert verdict(address="198.51.100.99", phone="13900002222", now=NOW) == Verdict.ALLOW
    assert verdict(address="198.51.100.99", now=NOW) == Verdict.ALLOW


def test_no_number_or_address_is_kept_in_clear():
    keys = [_key(PHONE, "13800001111", NOW), _key(ADDRESS, "203.0.113.7", NOW)]
    assert not any("13800001111" in key or "203.0.113.7" in key for key in keys)
    assert len(set(keys)) == 2


def test_a_challenge_is_answered_by_its_sum_only_with_a_fresh_token_of_this_site():
    question, token = new_challenge()
    first, second = (int(number) for number in re.findall(r"\d+", question))
    assert answer_is_right(token, f" {first + second} ")
    assert not answer_is_right(token, str(first + second + 1))
    assert not answer_is_right(token + "x", str(first + second))
    forged = signing.dumps({"sum": 2}, salt="another.salt")
    assert not answer_is_right(forged, "2")
    assert not answer_is_right("", "2")


def test_an_old_challenge_is_refused(monkeypatch):
    question, token = new_challenge()
    answer = sum(int(number) for number in re.findall(r"\d+", question))
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 16 * 60)
    assert not answer_is_right(token, str(answer))

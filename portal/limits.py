"""Abuse control without accounts: how often one address and one phone may send to the portal.

Each limit counts in fixed windows: past `challenge_after` sends in a window the sender must
answer a challenge (portal.challenge), past `refuse_after` they are refused until the window
ends. Counts live in the cache: Redis in the production profile, shared by every worker; the
demo's single process keeps its own. Keys hold a hash of the address or phone, never the number
itself, and expire with their window.
"""

import enum
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    window_seconds: int
    challenge_after: int
    refuse_after: int


ADDRESS = Limit("address", window_seconds=3600, challenge_after=3, refuse_after=10)
PHONE = Limit("phone", window_seconds=24 * 3600, challenge_after=2, refuse_after=5)


class Verdict(enum.IntEnum):
    """Ordered: the strictest limit decides."""

    ALLOW = 0
    CHALLENGE = 1
    REFUSE = 2


def _key(limit: Limit, value: str, now: float) -> str:
    window = int(now // limit.window_seconds)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{limit.name}:{value}".encode()).hexdigest()
    return f"portal-limit:{limit.name}:{digest[:32]}:{window}"


def _senders(address: str, phone: str) -> list[tuple[Limit, str]]:
    senders = [(ADDRESS, address)]
    if phone:
        senders.append((PHONE, phone))
    return senders


def verdict(*, address: str, phone: str = "", now: float | None = None) -> Verdict:
    """What the next send from this address (and phone, if given) meets."""
    now = time.time() if now is None else now
    strictest = Verdict.ALLOW
    for limit, value in _senders(address, phone):
        sent = cache.get(_key(limit, value, now), 0)
        if sent >= limit.refuse_after:
            strictest = max(strictest, Verdict.REFUSE)
        elif sent >= limit.challenge_after:
            strictest = max(strictest, Verdict.CHALLENGE)
    return strictest


def count_send(*, address: str, phone: str = "", now: float | None = None) -> None:
    """A send was accepted: count it against the address and the phone."""
    now = time.time() if now is None else now
    for limit, value in _senders(address, phone):
        key = _key(limit, value, now)
        if not cache.add(key, 1, timeout=limit.window_seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr: this send opens a new window
                cache.add(key, 1, timeout=limit.window_seconds)

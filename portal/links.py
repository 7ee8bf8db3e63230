"""The private link to follow a case: the follower's number signed with the site's key, so that
nothing secret is stored and every message can carry the link again."""

from django.core import signing

from .models import Follower

SALT = "portal.follow"


def follow_key(follower: Follower) -> str:
    return signing.Signer(salt=SALT).sign(str(follower.pk))


def follower_by_key(key: str) -> Follower | None:
    try:
        pk = signing.Signer(salt=SALT).unsign(key)
    except signing.BadSignature:
        return None
    return Follower.objects.select_related("case").filter(pk=pk).first()

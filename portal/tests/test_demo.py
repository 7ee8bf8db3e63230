"""`make demo` shows the residents' side at once: followed reports, one to rate, one held."""

import io

from django.core.management import call_command
from django.urls import resolve

from cases.models import Status
from portal.models import Follower, FollowReason, HeldReport


def test_the_demo_has_residents_reports_to_follow_rate_and_review(db, settings, client):
    settings.COUNTY_CODE = "610722"
    out = io.StringIO()
    call_command("load_demo", cases=30, stdout=out)

    links = [line.split()[-1] for line in out.getvalue().splitlines() if "/follow/" in line]
    assert len(links) == 2 and all(resolve(link).url_name == "follow" for link in links)
    handled = Follower.objects.get(reason=FollowReason.REPORTED, phone="10000000001").case
    assert handled.status == Status.DISPATCHED
    assert handled.followers.filter(reason=FollowReason.ME_TOO).count() == 1
    closed = Follower.objects.get(phone="10000000003").case
    assert closed.status == Status.CLOSED
    assert "问题已解决" in client.get(links[1]).content.decode()  # its note for the public
    assert "评价" in client.get(links[1]).content.decode()
    assert HeldReport.objects.filter(released_at__isnull=True).count() == 1

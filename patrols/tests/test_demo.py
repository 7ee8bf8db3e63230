"""The demo's eight weeks of check-ins keep the rules of check_in: own village, not in the future."""

import pytest
from django.utils import timezone

from patrols.demo import fill_patrols
from patrols.models import PatrolCheckIn

pytestmark = pytest.mark.django_db


def test_the_demo_patrols_follow_the_rules(crew):
    now = timezone.now()
    fill_patrols({"grid_worker": crew["grid_worker"]}, now)
    checkins = list(PatrolCheckIn.objects.select_related("user__region", "grid"))
    assert checkins
    for checkin in checkins:
        assert checkin.grid.parent_id == checkin.user.region.parent_id
        assert checkin.at <= now and (now - checkin.at).days < 8 * 7
    mine = [c for c in checkins if c.user == crew["grid_worker"]]
    assert any(timezone.localtime(c.at).date() == timezone.localdate(now) for c in mine)
    fill_patrols({}, now)  # a second load adds nothing
    assert PatrolCheckIn.objects.count() == len(checkins)

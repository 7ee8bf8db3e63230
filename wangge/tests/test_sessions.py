"""Sessions end after WANGGE_SESSION_IDLE_MINUTES (8 hours) without a request, and a request
writes its session at most every five minutes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.sessions.models import Session

from conftest import PASSWORD

MONDAY_MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_session_idle_longer_than_the_limit_is_logged_out(client, people):
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        client.post("/login/", {"username": "grid_worker", "password": PASSWORD})
        for _ in range(3):  # used every 7 hours: renewed each time, well past 8 hours from login
            clock.shift(timedelta(hours=7))
            assert client.get("/cases/").status_code == 200

        clock.shift(timedelta(hours=8, minutes=1))
        response = client.get("/cases/")
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_session_is_written_again_only_every_five_minutes(client, people):
    with time_machine.travel(MONDAY_MORNING, tick=False) as clock:
        client.post("/login/", {"username": "grid_worker", "password": PASSWORD})
        expires = Session.objects.get().expire_date
        assert expires == MONDAY_MORNING + timedelta(hours=8)

        clock.shift(timedelta(minutes=4))
        assert client.get("/cases/").status_code == 200
        assert Session.objects.get().expire_date == expires  # not written

        clock.shift(timedelta(minutes=2))
        assert client.get("/cases/").status_code == 200
        assert Session.objects.get().expire_date == MONDAY_MORNING + timedelta(hours=8, minutes=6)

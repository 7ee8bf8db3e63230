"""A merge keeps every reporter informed and the figures count the cluster once; residents'
contacts are forgotten 30 days after their case ends; the review queue and the call-back list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Status
from cases.selectors import overview_by_region
from cases.services import report_case, take_action
from notify.models import Channel, OutboxEvent
from notify.services import deliveries_for
from portal.models import Follower, FollowReason, HeldReport
from portal.selectors import satisfaction
from portal.services import rate
from privacy.retention import apply_retention
from rollup.selectors import counts_by_county_and_town

from .test_report import LAT, LON, close, follower_of, report_data, send

CALLER_PHONE = "13500005555"


@pytest.fixture
def merged(client, people, lamps):
    """Two residents' reports of one lamp (the first with an e-mail too) and a caller's report
    taken by staff; the second resident's and the caller's are merged into the first."""
    first = follower_of(send(client, report_data(lamps, email="first@example.cn"))).case
    second = follower_of(
        send(client, report_data(lamps, phone="13600006666", checked_nearby="1"), "10.0.0.2")
    ).case
    called_in = report_case(
        reporter=people["town_operator"],
        category=lamps,
        description="来电：路灯不亮",
        lon=LON,
        lat=LAT,
        reporter_phone=CALLER_PHONE,
    )
    for duplicate in (second, called_in):
        take_action(duplicate, people["town_operator"], "merge", {"into": first.code})
    return first, second, called_in


def test_a_merge_closes_the_duplicate_with_a_link_and_moves_its_reporters(merged):
    survivor, second, called_in = merged
    for duplicate in (second, called_in):
        duplicate.refresh_from_db()
        assert (duplicate.status, duplicate.merged_into) == (Status.MERGED, survivor)
    followers = Follower.objects.filter(case=survivor).order_by("pk")
    assert [(f.reason, f.phone) for f in followers] == [
        (FollowReason.REPORTED, "13700007777"),
        (FollowReason.REPORTED, "13600006666"),
        (FollowReason.MERGED, CALLER_PHONE),
    ]
    assert [entry.action for entry in survivor.timeline.order_by("pk")][-2:] == [
        "merge_in",
        "merge_in",
    ]


def test_every_reporter_hears_of_the_merge_with_their_own_link(merged):
    survivor = merged[0]
    event = OutboxEvent.objects.filter(case=survivor, action="merge_in").order_by("pk").last()
    deliveries = deliveries_for(event, timezone.now())

    by_recipient = {(d.channel, d.recipient): d for d in deliveries}
    assert set(by_recipient) >= {
        (Channel.SMS, "13700007777"),
        (Channel.EMAIL, "first@example.cn"),
        (Channel.SMS, "13600006666"),
        (Channel.SMS, CALLER_PHONE),
    }
    assert survivor.code in by_recipient[Channel.SMS, "13600006666"].body
    links = {
        by_recipient[Channel.SMS, phone].body.split("/follow/")[1]
        for phone in ("13700007777", "13600006666", CALLER_PHONE)
    }
    assert len(links) == 3  # each follower's own private link


def test_the_figures_count_a_merged_cluster_once(merged, people):
    counties = counts_by_county_and_town()
    assert sum(county.reported for county in counties) == 1
    assert sum(county.open for county in counties) == 1
    _rows, total = overview_by_region(people["county_operator"], timezone.now())
    assert total.open == 1


def test_a_followers_contact_is_forgotten_30_days_after_the_case_ends(client, people, lamps):
    follower = follower_of(send(client, report_data(lamps, email="me@example.cn")))
    case = close(follower.case, people)
    ended = case.closed_at

    assert apply_retention(now=ended + timedelta(days=29)).follower_contacts == 0
    follower.refresh_from_db()
    assert (follower.phone, follower.email) == ("13700007777", "me@example.cn")

    assert apply_retention(now=ended + timedelta(days=31)).follower_contacts == 1
    follower.refresh_from_db()
    assert (follower.phone, follower.email) == ("", "")
    assert Case.objects.get(pk=case.pk).reporter_phone == "13700007777"  # kept for its 3 years


def test_an_operator_makes_a_held_report_public(client, people, lamps):
    held = follower_of(send(client, report_data(lamps, description="办证 www.example.com"))).case
    track = reverse("portal:track", args=[held.code])
    assert client.get(track).status_code == 404

    client.force_login(people["housing_handler"])
    assert client.get(reverse("portal:review")).status_code == 403
    client.force_login(people["other_town_operator"])  # not their town
    assert held.code not in client.get(reverse("portal:review")).content.decode()
    hold = HeldReport.objects.get(case=held)
    release = reverse("portal:review_release", args=[hold.pk])
    assert client.post(release).status_code == 404

    client.force_login(people["town_operator"])
    assert held.code in client.get(reverse("portal:review")).content.decode()
    assert client.post(release).status_code == 302
    client.logout()
    assert client.get(track).status_code == 200


def test_the_call_back_list_has_unrated_cases_with_a_phone_closed_3_to_30_days_ago(
    client, people, lamps
):
    waiting = follower_of(send(client, report_data(lamps))).case
    rated = follower_of(
        send(client, report_data(lamps, phone="13600006666", checked_nearby="1"), "10.0.0.2")
    )
    no_phone = follower_of(
        send(client, report_data(lamps, phone="", checked_nearby="1"), "10.0.0.3")
    ).case
    for case in (waiting, rated.case, no_phone):
        close(case, people)
    rate(rated, "satisfied")
    Case.objects.update(closed_at=timezone.now() - timedelta(days=4))
    stale = close(
        follower_of(
            send(client, report_data(lamps, phone="13500005555", checked_nearby="1"), "10.0.0.5")
        ).case,
        people,
    )
    Case.objects.filter(pk=stale.pk).update(closed_at=timezone.now() - timedelta(days=31))
    fresh = close(
        follower_of(
            send(client, report_data(lamps, phone="", checked_nearby="1"), "10.0.0.4")
        ).case,
        people,
    )

    client.force_login(people["town_operator"])
    page = client.get(reverse("portal:callbacks")).content.decode()
    assert waiting.code in page
    assert rated.case.code not in page and no_phone.code not in page and fresh.code not in page
    assert stale.code not in page  # a month on, a call is no use
    assert "137****7777" in page and "13700007777" not in page
    assert "100.0 %" in page  # the one rating is 满意
    assert satisfaction(Case.objects.all()) == (1, 1)


def test_the_surviving_case_page_lists_what_was_merged_into_it(client, merged, people):
    survivor, second, called_in = merged
    client.force_login(people["town_operator"])
    page = client.get(reverse("cases:detail", args=[survivor.code])).content.decode()
    assert "合并到本案的重复案件" in page
    assert second.code in page and called_in.code in page
    duplicate_page = client.get(reverse("cases:detail", args=[second.code])).content.decode()
    assert "已合并到" in duplicate_page and survivor.code in duplicate_page

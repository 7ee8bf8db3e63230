"""The residents' side in the demo: a few reports made through the portal's own services, so
that the public pages, the review queue and a resident's private link show something at once."""

import json

import numpy as np
import shapely
from django.urls import reverse

from cases.demo import sample_points
from cases.models import Case, Category
from cases.services import take_action
from staff.models import Role, User

from .links import follow_key
from .models import Follower
from .services import Contact, add_me_too, hold_reason, report_as_resident

LAMP_ANSWERS = {"lamps_out": 1, "pole_number": "CG-1203"}


def _walk(case: Case, operator: User, grid_worker: User, *actions: str) -> Case:
    """The staff's steps, each by whoever takes it, with a word for the public where it helps."""
    handler = User.objects.filter(role=Role.HANDLER, department=case.department_id).first()
    takers = {"start": handler, "feed_back": handler, "verify": grid_worker}
    inputs = {
        "feed_back": {"note": "已处置", "public_note": "已更换灯泡，恢复照明。"},
        "close": {"public_note": "问题已解决，感谢您的反映。"},
    }
    for action in actions:
        case = take_action(case, takers.get(action, operator), action, inputs.get(action, {}))
    return case


def fill_portal_demo(logins: dict) -> dict[str, Follower]:
    """In the demo grid worker's grid: a lamp a resident reported and a neighbour joined with
    "me too", being handled; another lamp a resident reported, handled and closed, waiting for
    their rating; a report held for a look because it carries a link. Returns the residents'
    follows by what they show, for the command to print their private links."""
    grid_worker, operator = logins["grid_worker"], logins["town_operator"]
    polygon = shapely.geometry.shape(json.loads(grid_worker.region.boundary))
    points = iter(sample_points(polygon, 3, np.random.default_rng(7)))
    lamp, rubbish = (Category.objects.get(code=code) for code in ("C0103", "E0101"))

    def report(category, description, contact, answers=None):
        lon, lat = next(points)
        return report_as_resident(
            category=category,
            description=description,
            lon=float(lon),
            lat=float(lat),
            contact=contact,
            attributes=answers,
            held_because=hold_reason(description, challenged=False),
        )

    lamp_case, lamp_reporter = report(
        lamp, "学校门口的路灯三个晚上不亮了", Contact(phone="10000000001"), LAMP_ANSWERS
    )
    add_me_too(lamp_case, Contact(phone="10000000002"))
    _walk(lamp_case, operator, grid_worker, "accept", "dispatch")

    fixed_case, fixed_reporter = report(
        lamp, "菜市场东侧的路灯杆被车撞歪了", Contact(phone="10000000003"), LAMP_ANSWERS
    )
    _walk(
        fixed_case,
        operator,
        grid_worker,
        "accept",
        "dispatch",
        "start",
        "feed_back",
        "verify",
        "close",
    )
    report(rubbish, "办证刻章，详见 www.example.com", Contact())
    return {"being handled": lamp_reporter, "closed, to rate": fixed_reporter}


def private_links(follows: dict[str, Follower]) -> list[tuple[str, str]]:
    return [
        (what, reverse("portal:follow", args=[follow_key(follower)]))
        for what, follower in follows.items()
    ]

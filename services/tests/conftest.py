from datetime import datetime

import pytest

from cases.catalogue import forget_catalogue
from cases.services import install_categories
from cases.worktime import LOCAL
from conftest import make_user, region
from services.services import DATA, KIND, install_catalogue
from staff.models import Department, Role

# A Monday morning: the steps below fall in working hours.
MORNING = datetime(2026, 11, 2, 9, 0, tzinfo=LOCAL)


@pytest.fixture
def windows(county, departments):
    """The county's 政务服务中心, each town's 便民服务中心 and the departments items name."""
    found = {"county": Department.objects.create(code="zwfw", name="政务服务中心", region=county)}
    for town, name in (("610722001", "西镇便民服务中心"), ("610722002", "东镇便民服务中心")):
        found[town] = Department.objects.create(code=f"bmfw-{town}", name=name, region=region(town))
    for code, name in (("mzj", "民政局"), ("cl", "残联"), ("ybj", "医保局")):
        Department.objects.create(code=code, name=name, region=county)
    return found


@pytest.fixture
def service_categories(categories, windows, county):
    """The shipped service categories and catalogue over the small county."""
    install_categories((DATA / "categories.csv").read_text(encoding="utf-8"), case_kind=KIND)
    install_catalogue(county)
    forget_catalogue()
    return categories


@pytest.fixture
def clerk(windows, people):
    """The west town's window clerk."""
    return make_user("west_window", Role.HANDLER, department=windows["610722001"])


@pytest.fixture
def counsellor(windows, people):
    """A handler named as a counsellor of the social-psychological service."""
    from services.models import Counsellor

    user = make_user("counsellor", Role.HANDLER, department=Department.objects.get(code="mzj"))
    Counsellor.objects.create(user=user, qualification="心理咨询师")
    return user

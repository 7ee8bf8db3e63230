import pytest
from django.core.cache import cache

from cases.models import Category, Kind, RoutingRule
from cases.tests.test_browser import browser, emptied_timeline  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True)
def fresh_limits():
    """The portal's counts per address and phone live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lamps(categories, departments, county):
    """部件 · 公用设施 · 路灯, handled by 住建局 at the town's level."""
    facilities = Category.objects.create(code="C01", name="公用设施", kind=Kind.COMPONENT)
    lamp = Category.objects.create(
        code="C0103", name="路灯", kind=Kind.COMPONENT, parent=facilities
    )
    RoutingRule.objects.create(
        category=facilities, region=county, department=departments["housing"], level="town"
    )
    return lamp

import importlib

import pytest
from django.apps import apps

from cases.tests.test_browser import browser, emptied_timeline  # noqa: F401  (shared fixtures)
from command.models import Indicator, ScoreComponent
from command.tests.month import month  # noqa: F401  (the hand-counted November)


@pytest.fixture
def shipped_indicators(transactional_db):
    """A live-server test runs after others have emptied every table, the migrations' shipped
    rows too: put the indicators and the composite score back as the migrations ship them."""
    for model, migration in (
        (Indicator, "0002_gbt_indicators"),
        (ScoreComponent, "0003_score_components"),
    ):
        if not model.objects.exists():
            importlib.import_module(f"command.migrations.{migration}").ship(apps, None)

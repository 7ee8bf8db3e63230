"""The street kind's own figures count only street cases, split into events and components."""

from cases.kinds import get_kind, kind_figures
from cases.models import Case, Category, Kind, Source
from cases.services import report_case
from conftest import IN_FIRST_GRID


def test_street_figures_split_events_from_components_and_count_rounds(people, categories):
    lamps = Category.objects.create(
        code="C0103", name="路灯", kind=Kind.COMPONENT, case_kind="street"
    )
    categories["rubbish"].case_kind = "street"
    categories["rubbish"].save()
    lon, lat = IN_FIRST_GRID

    def report(category, reporter, source):
        report_case(
            reporter=reporter, category=category, description="x", lon=lon, lat=lat, source=source
        )

    report(lamps, people["grid_worker"], Source.GRID_WORKER)
    report(lamps, people["town_operator"], Source.HOTLINE)
    report(categories["rubbish"], people["grid_worker"], Source.GRID_WORKER)
    report(categories["neighbours"], people["grid_worker"], Source.GRID_WORKER)  # no kind

    figures = {
        figure.code: value for figure, value in kind_figures(get_kind("street"), Case.objects.all())
    }
    assert figures == {"events": 1, "components": 2, "components_found_on_rounds": 50.0}

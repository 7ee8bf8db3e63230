"""Safe-unit creation on the small county: every shipped department, the hazard categories with
their routing, the ten sectors and "十有十没有"; a school in the first grid, a bank in the east."""

from datetime import datetime
from pathlib import Path

import pytest

from cases.catalogue import forget_catalogue
from cases.services import install_categories
from cases.worktime import LOCAL
from conftest import IN_FIRST_GRID, make_user
from safety.selectors import checklist_items
from safety.services import Answer, install_safety, register_unit
from staff.models import Department, Role
from staff.services import install_departments

ROOT = Path(__file__).resolve().parents[2]
# A Monday morning: the hazards' deadlines fall in the same week.
MORNING = datetime(2026, 11, 2, 9, 0, tzinfo=LOCAL)
IN_EAST_TOWN = (107.25, 33.15)  # grid 610722002001001


@pytest.fixture
def sectors(people, departments):
    """The sectors by code, their categories routed as shipped (学校 → jyj, 金融网点 → each town's
    派出所 …)."""
    install_departments((ROOT / "staff" / "data" / "departments.csv").read_text(encoding="utf-8"))
    text = (ROOT / "safety" / "data" / "categories.csv").read_text(encoding="utf-8")
    install_categories(text, case_kind="hazard")
    forget_catalogue()
    return {sector.code: sector for sector in install_safety()}


@pytest.fixture
def staff(people, sectors):
    """The story's people, with the handlers of the education bureau and the west town's police."""
    education = Department.objects.get(code="jyj")
    police = Department.objects.get(code="pcs-610722001")
    return people | {
        "education_handler": make_user("education_handler", Role.HANDLER, department=education),
        "police_handler": make_user("police_handler", Role.HANDLER, department=police),
    }


def add_unit(staff, sectors, name="城固县第一中学（示例）", sector="school", place=IN_FIRST_GRID):
    lon, lat = place
    return register_unit(
        staff["county_operator"], name=name, sector=sectors[sector], lon=lon, lat=lat, at=MORNING
    )


@pytest.fixture
def school(staff, sectors):
    return add_unit(staff, sectors)


def answers(unit, *failing: str, notes: dict[str, str] | None = None, photos=None) -> dict:
    """Every item of the unit's checklist passed but those named (by their text)."""
    notes, photos = notes or {}, photos or {}
    return {
        item.pk: Answer(
            passed=item.text not in failing,
            note=notes.get(item.text, ""),
            photos=photos.get(item.text, ()),
        )
        for item in checklist_items(unit)
    }


def item_named(unit, text: str):
    return next(item for item in checklist_items(unit) if item.text == text)

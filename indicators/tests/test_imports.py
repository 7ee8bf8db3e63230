"""The county's import of grid counts: all rows or none, every error named by its line."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook

from indicators.imports import ImportRefused, import_figures
from indicators.models import Action, DataValue, HistoryEntry, Report, Status
from indicators.selectors import basic_counts
from indicators.services import approve_all

HEADER = "网格编码,网格名称,户数,常住人口,单位数,服务独居老人,服务留守儿童,服务残疾人,服务低保户"


def csv_file(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join([HEADER, *lines]) + "\n").encode("utf-8")


GOOD = [
    "610722001001001,第1网格,400,1150,9,14,20,70,12",
    "610722001001002,第2网格,350,1000,5,10,15,60,9",
]

pytestmark = pytest.mark.django_db


def test_a_good_file_is_imported_submitted_and_approved_by_someone_else(sets, people, county):
    summary = import_figures(
        sets["grid_basics"], "2026", people["admin"], "grids.csv", csv_file(*GOOD)
    )
    assert (summary.created, summary.updated) == (2, 0)
    assert set(Report.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert HistoryEntry.objects.filter(action=Action.IMPORT).count() == 14
    assert basic_counts(county, 2026).households is None  # not approved yet
    assert approve_all(sets["grid_basics"], "2026", county, people["county_operator"]) == 2
    assert basic_counts(county, 2026).households == 750


def test_one_bad_row_refuses_the_whole_file_with_line_numbers(sets, people):
    bad = [
        *GOOD,
        "610722001001001,重复,1,1,0,0,0,0,0",
        "610722009999999,不存在,1,1,0,0,0,0,0",
        "610722002001001,东镇,500,400,1,1,1,1,1",
        "610722002001002,东镇,-3,abc,1,1,1,1,",
    ]
    with pytest.raises(ImportRefused) as refused:
        import_figures(sets["grid_basics"], "2026", people["admin"], "grids.csv", csv_file(*bad))
    errors = refused.value.errors
    assert any(e.startswith("第 4 行") and "第 2 行" in e for e in errors)  # the repeat
    assert any(e.startswith("第 5 行") and "610722009999999" in e for e in errors)
    assert any(e.startswith("第 6 行") and "户数不能多于常住人口" in e for e in errors)
    assert any(e.startswith("第 7 行") and "常住人口" in e and "abc" in e for e in errors)
    assert any(e.startswith("第 7 行") and "服务低保户" in e for e in errors)
    assert not Report.objects.exists() and not DataValue.objects.exists()


def test_a_header_without_a_figure_is_refused(sets, people):
    data = "网格编码,户数\n610722001001001,400\n".encode()
    with pytest.raises(ImportRefused) as refused:
        import_figures(sets["grid_basics"], "2026", people["admin"], "grids.csv", data)
    assert refused.value.errors[0].startswith("第 1 行") and "常住人口" in refused.value.errors[0]


def test_an_excel_file_imports_like_a_csv(sets, people):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([610722001001001, "第1网格", 400, 1150, 9, 14, 20, 70, 12])
    buffer = io.BytesIO()
    book.save(buffer)
    import_figures(sets["grid_basics"], "2026", people["admin"], "grids.xlsx", buffer.getvalue())
    assert DataValue.objects.get(element__code="grid_population").value == Decimal(1150)


def test_approved_figures_are_not_overwritten_by_an_import(sets, people, county):
    import_figures(sets["grid_basics"], "2026", people["admin"], "a.csv", csv_file(GOOD[0]))
    approve_all(sets["grid_basics"], "2026", county, people["county_operator"])
    with pytest.raises(ImportRefused) as refused:
        import_figures(sets["grid_basics"], "2026", people["admin"], "b.csv", csv_file(GOOD[0]))
    assert "第 2 行" in refused.value.errors[0]


def test_only_the_county_centre_imports(sets, people):
    with pytest.raises(PermissionDenied):
        import_figures(
            sets["grid_basics"], "2026", people["town_operator"], "a.csv", csv_file(*GOOD)
        )

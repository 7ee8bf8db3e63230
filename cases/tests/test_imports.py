"""Historical cases from CSV: located to their grid, routed, all rows or none."""

import io

import pytest
from django.utils import translation

from cases.imports import CaseImportError, import_case_history
from cases.models import Case, Source, Status

HEADER = "code,reported_at,category,description,lon,lat,status,closed_at,rating\n"


def history(*rows: str) -> io.StringIO:
    return io.StringIO(HEADER + "".join(row + "\n" for row in rows))


def test_history_lands_in_grids_with_routing_and_one_timeline_entry(categories, departments):
    result = import_case_history(
        history(
            "A1,2024-03-01 09:30,E0101,垃圾,107.05,33.15,evaluated,2024-03-01 15:00,5",
            "A2,2024-03-02 10:00,G0101,纠纷,107.35,33.05,rejected,,",
        ),
        source_name="old.csv",
    )
    assert result.imported == 2
    first, second = Case.objects.get(code="A1"), Case.objects.get(code="A2")
    assert (first.grid.code, first.department, first.status, first.rating) == (
        "610722001001001",
        departments["urban"],
        Status.EVALUATED,
        5,
    )
    assert (second.grid.code, second.department, second.status) == (
        "610722002101002",
        departments["justice_east"],
        Status.REJECTED,
    )
    assert first.source == Source.IMPORT
    assert [entry.action for entry in first.timeline.all()] == ["import"]
    # The reserved ids leave the sequence in order for the next case.
    assert (
        Case.objects.create(
            **{
                f.name: getattr(first, f.name)
                for f in Case._meta.concrete_fields
                if f.name not in ("id", "code")
            },
            code="B1",
        ).pk
        > second.pk
    )


def test_one_bad_row_means_nothing_is_written_and_every_bad_row_is_named(categories):
    rows = history(
        "A1,2024-03-01 09:30,E0101,垃圾,107.05,33.15,evaluated,2024-03-01 15:00,5",
        "A2,yesterday,E0101,垃圾,107.05,33.15,closed,2024-03-01 15:00,",
        "A3,2024-03-01 09:30,E01,垃圾,107.05,33.15,closed,2024-03-01 15:00,",
        "A4,2024-03-01 09:30,E0101,垃圾,116.4,39.9,closed,2024-03-01 15:00,",
        "A1,2024-03-01 09:30,E0101,垃圾,107.05,33.15,handling,,9",
    )
    with translation.override("en"), pytest.raises(CaseImportError) as raised:
        import_case_history(rows, source_name="bad.csv")
    text = str(raised.value)
    assert "line 3, reported_at/closed_at" in text
    assert "line 4, category" in text
    assert "line 5, lon/lat" in text and "outside every grid" in text
    assert "line 6, code" in text and "line 6, status" in text and "line 6, rating" in text
    assert not Case.objects.exists()


def test_import_errors_read_in_chinese_by_default(categories):
    rows = history(
        "A1,yesterday,E0101,垃圾,107.05,33.15,closed,2024-03-01 15:00,",
        "A2,2024-03-01 09:30,E0101,垃圾,107.05,33.15,closed,2024-03-01 15:00,9",
    )
    with pytest.raises(CaseImportError) as raised:
        import_case_history(rows, source_name="bad.csv")
    assert str(raised.value).splitlines() == [
        "第2行，reported_at/closed_at：应为日期和时间，格式如2025-03-01 09:30",
        "第3行，rating：应为1至5或留空",
    ]
    assert not Case.objects.exists()


def test_a_case_number_already_in_the_database_is_refused(categories):
    import_case_history(
        history("A1,2024-03-01 09:30,E0101,垃圾,107.05,33.15,closed,2024-03-01 15:00,"),
        source_name="a.csv",
    )
    with pytest.raises(CaseImportError):
        import_case_history(
            history("A1,2024-03-01 09:30,E0101,垃圾,107.05,33.15,closed,2024-03-01 15:00,"),
            source_name="a.csv",
        )
    assert Case.objects.count() == 1


def test_a_file_without_the_columns_is_refused_before_reading_rows(categories):
    with translation.override("en"), pytest.raises(CaseImportError, match="missing column"):
        import_case_history(io.StringIO("code,when\nA1,2024\n"), source_name="x.csv")

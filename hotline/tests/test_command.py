"""`manage.py import_hotline FILE.xlsx [--user USERNAME]`: the same import, its report printed."""

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, Source
from hotline.models import ImportBatch

from .conftest import order, write_workbook


def test_the_command_imports_and_prints_each_failed_row(tmp_path, people, capsys):
    path = write_workbook(
        tmp_path / "12345.xlsx", [order("S1"), order("S2", 诉求分类="X99"), order("S3")]
    )

    with pytest.raises(CommandError, match="1"):  # some rows failed: a script must notice
        call_command("import_hotline", str(path), "--user", "county_operator")

    out = capsys.readouterr().out
    assert "第3行，诉求分类：" in out and "X99" in out
    assert "3" in out.splitlines()[-1]
    assert Case.objects.filter(source=Source.HOTLINE).count() == 2
    assert set(Case.objects.values_list("reporter__username", flat=True)) == {"county_operator"}
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.created, batch.failed) == ("12345.xlsx", 2, 1)


def test_a_clean_file_and_its_repeat(tmp_path, people, capsys):
    path = write_workbook(tmp_path / "12345.xlsx", [order("T1"), order("T2")])

    call_command("import_hotline", str(path))
    call_command("import_hotline", str(path))

    assert Case.objects.count() == 2
    first, again = ImportBatch.objects.order_by("pk")
    assert (first.created, first.skipped) == (2, 0)
    assert (again.created, again.skipped) == (0, 2)


def test_a_bad_file_is_one_error_and_nothing_written(tmp_path, people):
    path = tmp_path / "orders.xlsx"
    path.write_text("工单编号,诉求分类\n1,E0101\n", encoding="utf-8")

    with pytest.raises(CommandError, match="orders.xlsx"):
        call_command("import_hotline", str(path))

    assert not ImportBatch.objects.exists() and not Case.objects.exists()


def test_an_unknown_user_is_refused(tmp_path, people):
    path = write_workbook(tmp_path / "orders.xlsx", [order("U1")])
    with pytest.raises(CommandError, match="nobody"):
        call_command("import_hotline", str(path), "--user", "nobody")
    assert not Case.objects.exists()

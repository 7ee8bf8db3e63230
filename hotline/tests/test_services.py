"""Importing work orders: each row on its own, repeats skipped, failures written down and
nothing of a failed row left behind."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.models import Case, Priority, Source, TimelineEntry
from cases.worktime import LOCAL
from hotline.models import BatchState, HotlineOrder, RowError
from hotline.services import OrderChecker, create_batch, import_order, run_import

from .conftest import order, workbook_bytes


def run(tmp_path, orders, user=None, **options):
    batch = create_batch(
        file_name="orders.xlsx", data=workbook_bytes(tmp_path, orders, **options), user=user
    )
    return run_import(batch.pk)


def errors_of(batch) -> list[tuple[int, str, str]]:
    return [(error.line, error.column, error.message) for error in batch.row_errors.all()]


def test_orders_become_hotline_cases_with_the_callers_data_and_the_order_number(
    tmp_path, people, gazetteer
):
    batch = run(
        tmp_path,
        [order("GD2025030100017", 紧急程度="紧急", 事发地址="西镇北村阳光小区南门")],
        user=people["county_operator"],
    )

    assert (batch.state, batch.total_rows, batch.created, batch.failed) == ("done", 1, 1, 0)
    hotline_order = HotlineOrder.objects.select_related("case").get()
    case = hotline_order.case
    assert hotline_order.order_number == "GD2025030100017"
    assert hotline_order.batch == batch
    assert hotline_order.received_at == datetime(2025, 3, 1, 9, 30, tzinfo=LOCAL)
    assert case.source == Source.HOTLINE
    assert (case.reporter_name, case.reporter_phone) == ("王女士", "13800000000")
    assert case.reporter == people["county_operator"]
    assert case.priority == Priority.URGENT
    assert case.category.code == "E0101"
    assert case.grid.code == "610722001001001"
    assert case.address == "西镇北村阳光小区南门"
    assert "GD2025030100017" in case.timeline.get().note


def test_an_order_goes_in_without_answers_to_the_categorys_required_questions(
    tmp_path, people, rubbish_questions
):
    # The hotline asked the caller its own questions, not ours: the order is kept unanswered.
    batch = run(tmp_path, [order("GD1")], user=people["county_operator"])

    assert (batch.created, batch.failed) == (1, 0)
    assert Case.objects.get().attributes == {}


def test_an_address_alone_is_placed_by_the_gazetteer(tmp_path, people, gazetteer):
    batch = run(tmp_path, [order("G1", 经度=None, 纬度=None, 事发地址="城固县东关小学北侧路口")])

    assert batch.created == 1
    case = Case.objects.get()
    assert (case.lon, case.lat) == (107.25, 33.15)
    assert case.town.code == "610722002"


def test_counts_of_created_skipped_and_failed_rows(tmp_path, people, gazetteer):
    orders = [
        order("H1"),
        order("H2", 诉求分类="暴露垃圾"),  # by name
        order("H3", 诉求分类="城市管理/市容环境/暴露垃圾"),  # the hotline's path
        order("H1"),  # the same order twice in one export: a repeat
        order("H4", 诉求分类="X99"),
        order("H5", 经度=None, 纬度=None, 事发地址="某某大街100号"),
        order("H6", 经度=None, 纬度=None, 事发地址=None),
        order("H7", 经度=108.5, 纬度=34.0),
    ]
    batch = run(tmp_path, orders)

    assert (batch.total_rows, batch.done_rows) == (8, 8)
    assert (batch.created, batch.skipped, batch.failed) == (3, 1, 4)
    assert Case.objects.count() == 3
    assert sorted(HotlineOrder.objects.values_list("order_number", flat=True)) == [
        "H1",
        "H2",
        "H3",
    ]
    # Excel's line numbers (the header is line 1) and the columns as the file heads them.
    assert [(line, column) for line, column, _message in errors_of(batch)] == [
        (6, "诉求分类"),
        (7, "事发地址"),
        (8, "事发地址"),
        (9, "经度/纬度"),
    ]


def test_row_errors_are_in_chinese_by_default(tmp_path, people):
    batch = run(tmp_path, [order("I1", 诉求内容=" ", 经度="东经107度")])

    assert errors_of(batch) == [
        (2, "诉求内容", "为空"),
        (2, "经度/纬度", "必须是数字（WGS-84经纬度）"),
    ]


def test_a_row_with_several_problems_counts_once_and_names_each(tmp_path, people):
    batch = run(
        tmp_path,
        [order("J1", 诉求分类="X9", 紧急程度="十万火急", 受理时间="昨天下午", 来电号码="请回电")],
    )

    assert batch.failed == 1
    assert {column for _line, column, _message in errors_of(batch)} == {
        "诉求分类",
        "紧急程度",
        "受理时间",
        "来电号码",
    }
    assert not any("请回电" in message for *_where, message in errors_of(batch))


def test_a_failing_row_leaves_nothing_written_and_the_next_row_goes_in(tmp_path, people):
    batch = run(tmp_path, [order("K1", 诉求分类="X99"), order("K2")])

    assert (batch.created, batch.failed) == (1, 1)
    case = Case.objects.get()
    assert case.hotline_order.order_number == "K2"
    assert TimelineEntry.objects.count() == 1


def test_a_case_whose_order_cannot_be_stored_is_rolled_back(tmp_path, people):
    """The case and its order number are one transaction: the order failing takes the case
    (and its timeline row) with it."""
    batch = create_batch(file_name="x.xlsx", data=b"")
    work_order = OrderChecker().check(2, {"order_number": "L1", "category": "E0101",
                                          "description": "垃圾", "lon": 107.05, "lat": 33.15})  # fmt: skip
    broken = type(work_order)(**{**work_order.__dict__, "received_at": "not a time"})

    with pytest.raises(ValidationError):
        import_order(broken, batch=batch, reporter=None)

    assert not Case.objects.exists()
    assert not TimelineEntry.objects.exists()
    assert not HotlineOrder.objects.exists()


def test_importing_the_file_again_skips_what_went_in_and_takes_the_fixed_rows(tmp_path, people):
    first = run(tmp_path, [order("M1"), order("M2", 诉求分类="X99")])
    assert (first.created, first.skipped, first.failed) == (1, 0, 1)

    again = run(tmp_path, [order("M1"), order("M2", 诉求分类="E0101")])

    assert (again.created, again.skipped, again.failed) == (1, 1, 0)
    assert Case.objects.count() == 2
    # A repeat is skipped before its cells are judged: the office may have edited the row since.
    third = run(tmp_path, [order("M1", 诉求分类="X99"), order("M2")])
    assert (third.created, third.skipped, third.failed) == (0, 2, 0)


def test_a_bad_file_is_refused_whole(tmp_path, people):
    batch = run_import(create_batch(file_name="orders.xlsx", data=b"not a workbook").pk)

    assert batch.state == BatchState.REFUSED
    assert batch.file_error
    assert batch.workbook is None
    assert (batch.total_rows, batch.created, batch.failed) == (0, 0, 0)
    assert not Case.objects.exists() and not RowError.objects.exists()


def test_the_workbook_is_dropped_once_imported_and_a_batch_runs_once(tmp_path, people):
    batch = run(tmp_path, [order("N1")])
    assert batch.workbook is None and batch.finished_at is not None

    assert run_import(batch.pk).created == 1
    assert Case.objects.count() == 1


def test_an_administrators_import_has_no_reporter(tmp_path, people):
    """Administrators do not report cases; the batch says who imported."""
    batch = run(tmp_path, [order("P1")], user=people["admin"])

    assert batch.created == 1 and batch.uploaded_by == people["admin"]
    assert Case.objects.get().reporter is None


def test_masked_phones_and_numbers_typed_as_numbers_are_kept_as_written(tmp_path, people):
    batch = run(
        tmp_path, [order(20250301001, 来电号码="138****0000"), order("Q2", 来电号码=13912345678)]
    )

    assert batch.created == 2
    assert set(Case.objects.values_list("reporter_phone", flat=True)) == {
        "138****0000",
        "13912345678",
    }
    assert HotlineOrder.objects.filter(order_number="20250301001").exists()


def test_an_ambiguous_address_is_an_error(tmp_path, people, gazetteer):
    gazetteer["school"].name = "阳光小学"
    gazetteer["school"].save()
    gazetteer["compound"].name = "阳光花园"
    gazetteer["compound"].save()

    batch = run(tmp_path, [order("R1", 经度=None, 纬度=None, 事发地址="阳光花园阳光小学之间")])

    assert batch.failed == 1
    ((line, column, message),) = errors_of(batch)
    assert (line, column) == (2, "事发地址")
    assert "阳光小学" in message and "阳光花园" in message


def test_an_order_without_a_category_takes_the_one_its_words_clearly_say(tmp_path, people):
    from suggest.models import SuggestionLog

    batch = run(
        tmp_path,
        [
            order("S1", 诉求分类="", 诉求内容="小区门口有人乱扔垃圾，袋子散了一地"),
            order("S2", 诉求分类="", 诉求内容="嗯"),
        ],
        user=people["county_operator"],
    )

    assert (batch.created, batch.failed) == (1, 1)
    case = Case.objects.get()
    assert case.category.code == "E0101"
    assert "类别由系统根据内容推荐" in case.timeline.get().note
    assert SuggestionLog.objects.get(case=case).chosen == "E0101"
    assert errors_of(batch) == [(3, "诉求分类", "为空，且内容不足以判断类别")]


def test_an_order_that_is_a_question_is_filed_for_the_centre_to_answer(tmp_path, people):
    """Not a case (enquiries/): the town centre answers it; nothing is dispatched."""
    from pathlib import Path

    from cases.catalogue import forget_catalogue
    from cases.services import install_categories

    csv_text = (Path(__file__).resolve().parents[2] / "enquiries/data/categories.csv").read_text()
    install_categories(csv_text, case_kind="enquiry")
    forget_catalogue()

    batch = run(
        tmp_path,
        [order("Q1", 诉求分类="", 诉求内容="请问办身份证要带什么材料，周六能办吗")],
        user=people["county_operator"],
    )

    assert batch.created == 1
    case = Case.objects.get()
    assert (case.category.code, case.case_kind, case.department) == ("N0101", "enquiry", None)

"""A category's own questions: one check for the report form, the API and Open311 alike."""

import pytest
from django.core.exceptions import ValidationError

from cases.attributes import answers_shown, clean_attributes
from cases.errors import CaseError, InputError
from cases.models import Case, CategoryField, FieldType, TimelineEntry
from cases.services import install_category_fields, report_case
from conftest import IN_FIRST_GRID

pytestmark = pytest.mark.django_db

REPORT = "/cases/report/"


def errors_of(category, answers) -> dict:
    with pytest.raises(InputError) as caught:
        clean_attributes(category, answers)
    return caught.value.errors


def test_answers_come_out_typed_and_trimmed(rubbish_questions):
    cleaned = clean_attributes(
        rubbish_questions,
        {
            "volume": "2.5",
            "spot": "  桥头东侧 ",
            "seen_at": "2026-12-01T08:30",
            "kind": "building",
            "near": ["river", "school", "river"],
            "smell": "",
        },
    )
    assert cleaned == {
        "volume": 2.5,
        "spot": "桥头东侧",
        "seen_at": "2026-12-01T08:30:00+08:00",
        "kind": "building",
        "near": ["river", "school"],
    }
    assert clean_attributes(rubbish_questions, {"volume": 3})["volume"] == 3
    assert clean_attributes(rubbish_questions, {"volume": "4", "near": "market"})["near"] == [
        "market"
    ]


@pytest.mark.parametrize(
    ("answers", "key"),
    [
        ({}, "attributes.volume"),  # required
        ({"volume": "  "}, "attributes.volume"),
        ({"volume": "a lot"}, "attributes.volume"),
        ({"volume": "nan"}, "attributes.volume"),
        ({"volume": True}, "attributes.volume"),
        ({"volume": [1, 2]}, "attributes.volume"),
        ({"volume": 1, "seen_at": "yesterday"}, "attributes.seen_at"),
        ({"volume": 1, "kind": "chemical"}, "attributes.kind"),
        ({"volume": 1, "near": ["river", "sea"]}, "attributes.near"),
        ({"volume": 1, "spot": "长" * 201}, "attributes.spot"),
        ({"volume": 1, "colour": "red"}, "attributes.colour"),  # not asked
    ],
)
def test_each_bad_answer_is_named(rubbish_questions, answers, key):
    assert key in errors_of(rubbish_questions, answers)


def test_answers_may_be_left_out_where_they_are_not_required_but_are_still_checked(
    rubbish_questions,
):
    assert clean_attributes(rubbish_questions, {}, require_answers=False) == {}
    with pytest.raises(InputError) as refused:
        clean_attributes(rubbish_questions, {"volume": "a lot"}, require_answers=False)
    assert "attributes.volume" in refused.value.errors


def test_a_category_without_questions_takes_no_answers(categories):
    assert clean_attributes(categories["neighbours"], {}) == {}
    assert "attributes.volume" in errors_of(categories["neighbours"], {"volume": 1})


def test_the_case_keeps_its_answers_and_a_refused_report_writes_nothing(rubbish_questions, people):
    case = report_case(
        reporter=people["grid_worker"],
        category=rubbish_questions,
        description="桥头堆了建筑垃圾",
        lon=IN_FIRST_GRID[0],
        lat=IN_FIRST_GRID[1],
        attributes={"volume": "3", "kind": "building"},
    )
    case.refresh_from_db()
    assert case.attributes == {"volume": 3, "kind": "building"}
    assert answers_shown(case) == [("估计数量（立方米）", "3"), ("垃圾种类", "建筑垃圾")]
    with pytest.raises(InputError):
        report_case(
            reporter=people["grid_worker"],
            category=rubbish_questions,
            description="又一处",
            lon=IN_FIRST_GRID[0],
            lat=IN_FIRST_GRID[1],
            attributes={"kind": "building"},
        )
    assert Case.objects.count() == 1
    assert TimelineEntry.objects.count() == 1


def test_the_report_form_asks_the_chosen_categorys_questions(client, rubbish_questions, people):
    client.force_login(people["grid_worker"])
    fragment = client.get("/cases/report/details/", {"category": rubbish_questions.pk})
    assert fragment.status_code == 200
    page = fragment.content.decode()
    for name in (
        "attr-volume",
        "attr-spot",
        "attr-smell",
        "attr-seen_at",
        "attr-kind",
        "attr-near",
    ):
        assert f'name="{name}"' in page
    assert "建筑垃圾" in page and 'type="datetime-local"' in page

    form = {
        "category": rubbish_questions.pk,
        "description": "桥头堆了建筑垃圾",
        "priority": "normal",
        "lon": IN_FIRST_GRID[0],
        "lat": IN_FIRST_GRID[1],
        "attr-volume": "很多",
        "attr-near": ["river"],
    }
    refused = client.post(REPORT, form)
    assert refused.status_code == 400
    assert refused.context["answers"].errors == {"volume": ["输入一个数字。"]}
    assert not Case.objects.exists()

    done = client.post(REPORT, {**form, "attr-volume": "2"})
    assert done.status_code == 302
    case = Case.objects.get()
    assert case.attributes == {"volume": 2, "near": ["river"]}
    page = client.get(done.url).content.decode()
    assert "估计数量（立方米）" in page and "河道" in page


def test_a_list_question_needs_its_choices(categories):
    field = CategoryField(
        category=categories["rubbish"], code="kind", label="种类", datatype=FieldType.SINGLE
    )
    with pytest.raises(ValidationError) as caught:
        field.full_clean()
    assert "choices" in caught.value.message_dict
    field.choices = "a|甲\na|乙"
    with pytest.raises(ValidationError):
        field.full_clean()
    field.choices = "a|甲\nb|乙"
    field.full_clean()


def test_questions_install_from_csv_and_bad_rows_are_named(categories):
    header = "category_code,code,label,label_en,datatype,required,choices,order\n"
    installed = install_category_fields(
        header
        + "E0101,kind,垃圾种类,Kind,singlevaluelist,yes,household|生活垃圾;building|建筑垃圾,1\n"
    )
    assert [(f.code, f.required, f.choices) for f in installed] == [
        ("kind", True, "household|生活垃圾\nbuilding|建筑垃圾")
    ]
    with pytest.raises(CaseError) as caught:
        install_category_fields(
            header + "X9,kind,种类,,string,no,,1\nE0101,size,大小,,colour,no,,2\n"
        )
    assert "第2行" in str(caught.value) and "第3行" in str(caught.value)
    assert CategoryField.objects.count() == 1

"""Validation rules refuse inconsistent figures and accept consistent ones, the article's too."""

from decimal import Decimal

import pytest

from conftest import region
from indicators.install import install_data_sets
from indicators.models import DataValue, HistoryEntry, Report
from indicators.services import FiguresRefused, save_figures

from .conftest import ARTICLE, GRID_FIGURES, values

pytestmark = pytest.mark.django_db


def test_the_articles_figures_pass_every_rule(sets, police, county):
    report = save_figures(sets["saohei"], county, "2026", police, values(ARTICLE))
    stored = {v.element.code: v.value for v in report.values.select_related("element")}
    assert stored["sh_prosecuted"] == 231 and stored["sh_arrested"] == 206  # 231 > 206: allowed
    assert stored["sh_assets_seized"] == Decimal("4302.22")


def test_more_arrests_than_detentions_is_refused_naming_the_figures(sets, police, county):
    figures = values({**ARTICLE, "sh_arrested": 300})
    with pytest.raises(FiguresRefused) as refused:
        save_figures(sets["saohei"], county, "2026", police, figures)
    message = refused.value.errors["sh_arrested"][0]
    assert "逮捕人数不能多于刑事拘留人数" in message
    assert "逮捕 300" in message and "刑事拘留 294" in message
    assert refused.value.errors["sh_detained"] == [message]
    assert not Report.objects.filter(values__isnull=False).exists()
    assert not HistoryEntry.objects.exists()


@pytest.mark.parametrize(
    ("changes", "broken"),
    [
        ({"sh_disciplined": 34}, "党纪政务处分人数不能多于处理人数"),
        ({"sh_referred": 40}, "移送司法机关人数不能多于处理人数"),
        ({"sh_umbrella_people": 34, "sh_umbrella_cases": 3}, "“保护伞”人数不能多于处理人数"),
        ({"sh_umbrella_cases": 25, "sh_umbrella_people": 30}, "“保护伞”案件不能多于查处的腐败问题"),
        ({"sh_umbrella_cases": 7}, "每起“保护伞”案件至少涉及一人"),
    ],
)
def test_each_rule_refuses_what_breaks_it(sets, police, county, changes, broken):
    with pytest.raises(FiguresRefused) as refused:
        save_figures(sets["saohei"], county, "2026", police, values({**ARTICLE, **changes}))
    assert any(broken in message for message in refused.value.errors[""])


def test_a_rule_waits_for_its_figures_not_entered_is_not_zero(sets, police, county):
    report = save_figures(sets["saohei"], county, "2026", police, values({"sh_arrested": 206}))
    assert report.values.count() == 1  # the detentions are not entered: no rule can judge yet
    with pytest.raises(FiguresRefused):
        save_figures(sets["saohei"], county, "2026", police, values({"sh_detained": 200}))


def test_negative_and_fractional_counts_are_refused(sets, police, county):
    with pytest.raises(FiguresRefused) as refused:
        save_figures(
            sets["saohei"], county, "2026", police,
            {"sh_cases": Decimal(-1), "sh_detained": Decimal("2.5")},
        )  # fmt: skip
    assert refused.value.errors["sh_cases"] == ["侦破涉黑涉恶案件不能为负数。"]
    assert refused.value.errors["sh_detained"] == ["刑事拘留须为整数。"]
    assert not DataValue.objects.exists()


def test_grid_households_cannot_exceed_residents(sets, people):
    grid = region("610722001001001")
    with pytest.raises(FiguresRefused) as refused:
        save_figures(
            sets["grid_basics"], grid, "2026", people["grid_worker"],
            values({**GRID_FIGURES, "grid_population": 399}),
        )  # fmt: skip
    assert "户数不能多于常住人口" in refused.value.errors["grid_households"][0]
    save_figures(sets["grid_basics"], grid, "2026", people["grid_worker"], values(GRID_FIGURES))


def test_installing_twice_changes_nothing(sets):
    before = {s.code: (s.pk, s.rules.count(), s.members.count()) for s in sets.values()}
    again = {
        s.code: (s.pk, s.rules.count(), s.members.count()) for s in install_data_sets("610722")
    }
    assert again == before
    assert before["saohei"][1:] == (6, 15)


def test_a_rule_may_name_only_elements_of_its_own_set(sets):
    from django.core.exceptions import ValidationError

    from indicators.models import ValidationRule

    rule = ValidationRule(
        data_set=sets["xueliang"], code="x", left="xl_class1", operator="<=",
        right="sh_cases", message="不能",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        rule.clean()
    rule.right = "xl_cameras + 10"
    rule.clean()

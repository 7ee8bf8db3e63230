"""Validation rules as data: each side a sum of element codes or a constant, compared by an
operator. A rule with a figure not entered is not checked yet (not entered is not zero); a report
is submitted only with every figure entered, so every rule holds for what is approved."""

import operator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import DataElement, Operator, ValidationRule, ValueType

COMPARE = {
    Operator.LE: operator.le,
    Operator.LT: operator.lt,
    Operator.EQ: operator.eq,
    Operator.GE: operator.ge,
    Operator.GT: operator.gt,
}


@dataclass(frozen=True)
class Term:
    code: str | None  # an element's code, or None for a constant
    constant: Decimal = Decimal(0)


def parse_side(text: str) -> tuple[Term, ...]:
    """ "a + b + 3" → its terms; ValueError for an empty term."""
    terms = []
    for part in text.split("+"):
        part = part.strip()
        if not part:
            raise ValueError(f"empty term in {text!r}")
        try:
            terms.append(Term(None, Decimal(part)))
        except InvalidOperation:
            terms.append(Term(part))
    return tuple(terms)


def codes_of(rule: ValidationRule) -> list[str]:
    return [t.code for t in parse_side(rule.left) + parse_side(rule.right) if t.code]


def format_value(value: Decimal | None, value_type: str = ValueType.WHOLE) -> str:
    if value is None:
        return _("not entered")
    if value_type == ValueType.DECIMAL or value != value.to_integral_value():
        return f"{value:.2f}"
    return f"{int(value)}"


@dataclass(frozen=True)
class Breach:
    rule: ValidationRule
    codes: tuple[str, ...]  # the figures it names, to show the message beside them
    message: str


def _side(terms, values, elements) -> tuple[Decimal, str]:
    total = sum((values[t.code] if t.code else t.constant for t in terms), Decimal(0))
    named = " + ".join(
        f"{elements[t.code].label} {format_value(values[t.code], elements[t.code].value_type)}"
        if t.code
        else format_value(t.constant)
        for t in terms
    )
    return total, named


def check_rules(
    rules: list[ValidationRule],
    values: dict[str, Decimal | None],
    elements: dict[str, DataElement],
) -> list[Breach]:
    """The rules these figures break, each with its message naming the figures."""
    breaches = []
    for rule in rules:
        left, right = parse_side(rule.left), parse_side(rule.right)
        codes = tuple(t.code for t in left + right if t.code)
        if any(values.get(code) is None for code in codes):
            continue
        left_total, left_named = _side(left, values, elements)
        right_total, right_named = _side(right, values, elements)
        if not COMPARE[rule.operator](left_total, right_total):
            message = _("%(rule)s: %(left)s, %(right)s.") % {
                "rule": rule.text,
                "left": left_named,
                "right": right_named,
            }
            breaches.append(Breach(rule, codes, message))
    return breaches

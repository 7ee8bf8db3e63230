"""Indicators a kind of case ships with its migrations, as data (version 1, in force from the
start). Used by migrations with the historical `apps`, so it imports no model."""

from datetime import UTC, datetime

FROM = datetime(2000, 1, 1, tzinfo=UTC)


def ship_indicators(apps, rows, *, categories: list[str], first_order: int) -> None:
    """Each (code, name, numerator, denominator, rule, extra) not shipped yet, kept to the
    kind's category classes."""
    Indicator = apps.get_model("command", "Indicator")
    for order, (code, name, numerator, denominator, definition, extra) in enumerate(rows):
        if Indicator.objects.filter(code=code).exists():
            continue
        Indicator.objects.create(
            code=code,
            name=name,
            numerator=numerator,
            denominator=denominator,
            definition=definition,
            valid_from=FROM,
            order=first_order + order,
            categories=categories,
            **extra,
        )


def unship_indicators(apps, rows) -> None:
    codes = [code for code, *_rest in rows]
    apps.get_model("command", "Indicator").objects.filter(code__in=codes).delete()

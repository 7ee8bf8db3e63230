"""The shipped data sets, their elements and rules (indicators/data/data_sets.json), installed
for this instance's county; run again, it updates what changed and adds what is new."""

import json
from pathlib import Path

from django.db import transaction

from territory.models import Level
from wangge.county import instance_county_code

from .models import DataElement, DataSet, DataSetElement, Operator, PeriodType, ValidationRule
from .rules import parse_side

DATA = Path(__file__).resolve().parent / "data" / "data_sets.json"


class BadDefinition(ValueError):
    pass


def _check(definition: dict) -> None:
    """Every set's elements and rules name known elements, known levels and operators."""
    elements = {element["code"] for element in definition["elements"]}
    for data_set in definition["data_sets"]:
        where = data_set["code"]
        if data_set["period_type"] not in PeriodType.values:
            raise BadDefinition(f"{where}: unknown period type {data_set['period_type']}")
        if data_set["level"] not in Level.values:
            raise BadDefinition(f"{where}: unknown level {data_set['level']}")
        unknown = set(data_set["elements"]) - elements
        if unknown:
            raise BadDefinition(f"{where}: unknown elements {sorted(unknown)}")
        for rule in data_set["rules"]:
            if rule["operator"] not in Operator.values:
                raise BadDefinition(f"{where}.{rule['code']}: unknown operator")
            for side in (rule["left"], rule["right"]):
                for term in parse_side(side):
                    if term.code and term.code not in data_set["elements"]:
                        raise BadDefinition(f"{where}.{rule['code']}: {term.code} not in the set")


@transaction.atomic
def install_data_sets(county_code: str | None = None, path: Path = DATA) -> list[DataSet]:
    county = county_code or instance_county_code()
    definition = json.loads(path.read_text(encoding="utf-8"))
    _check(definition)
    elements = {}
    for element in definition["elements"]:
        elements[element["code"]], _created = DataElement.objects.update_or_create(
            county_code=county,
            code=element["code"],
            defaults={
                "name": element["name"],
                "name_en": element.get("name_en", ""),
                "unit": element["unit"],
                "value_type": element.get("value_type", "whole"),
            },
        )
    installed = []
    for spec in definition["data_sets"]:
        data_set, _created = DataSet.objects.update_or_create(
            county_code=county,
            code=spec["code"],
            defaults={
                key: spec.get(key, "")
                for key in (
                    "name",
                    "name_en",
                    "period_type",
                    "level",
                    "office",
                    "entry_role",
                    "approval_level",
                    "source",
                )
            },  # fmt: skip
        )
        for order, code in enumerate(spec["elements"], start=1):
            DataSetElement.objects.update_or_create(
                data_set=data_set,
                element=elements[code],
                defaults={"county_code": county, "order": order},
            )
        for rule in spec["rules"]:
            ValidationRule.objects.update_or_create(
                data_set=data_set,
                code=rule["code"],
                defaults={
                    "county_code": county,
                    "left": rule["left"],
                    "operator": rule["operator"],
                    "right": rule["right"],
                    "message": rule["message"],
                    "message_en": rule.get("message_en", ""),
                },
            )
        installed.append(data_set)
    return installed

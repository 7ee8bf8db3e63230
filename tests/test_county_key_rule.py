"""The rule for new tables (docs/architecture.md): every table of ours carries the county code in
a key, so that rows of two counties never collide in a city or province database. A new table
that forgets it fails here, from its first migration."""

from django.apps import apps

# Tables of ours that are keyed otherwise, and why.
KEYED_OTHERWISE = {
    "cases.CaseCodeCounter": "one row per county and day: (county_code, day) is its key",
    "cases.CalendarDay": "the national working calendar, the same for every county",
}
THIRD_PARTY = {"admin", "auth", "contenttypes", "sessions", "auditlog", "axes", "rollup"}


def test_every_table_of_ours_carries_the_county_in_a_key():
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label in THIRD_PARTY or label in KEYED_OTHERWISE:
            continue
        columns = {field.column for field in model._meta.concrete_fields}
        assert "county_code" in columns, f"{label} has no county_code"
        keys = [
            tuple(constraint.fields)
            for constraint in model._meta.constraints
            if getattr(constraint, "fields", None)
        ]
        assert ("county_code", "id") in keys, f"{label}: (county_code, id) is not unique"


def test_the_exceptions_still_exist_and_are_keyed_as_they_say():
    counter = apps.get_model("cases.CaseCodeCounter")
    assert ("county_code", "day") in [tuple(c.fields) for c in counter._meta.constraints]
    assert apps.get_model("cases.CalendarDay")._meta.get_field("date").unique

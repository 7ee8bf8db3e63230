"""The county in every key (docs/architecture.md, "Rule for new tables"): the column and the
constraint every table that grows with a county's work declares.

An instance serves one county, but its rows must never collide with another county's when both
are rolled up into a city database (each county's ids start at 1): so every such table carries
`county_code`, and (county_code, id) is unique. The city's copies (the `rollup` app) use exactly
that pair as their primary key, and a county publishes it as the replica identity.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def instance_county_code() -> str:
    """The default county code of a new row: this instance's county. A callable, so that
    migrations name the setting instead of freezing one county's code into them."""
    return settings.COUNTY_CODE


def county_code_field() -> models.CharField:
    return models.CharField(_("county code"), max_length=12, default=instance_county_code)


def county_id_unique(model: str) -> models.UniqueConstraint:
    """Ids stay unique with the county code beside them when counties are rolled up into one
    city database; also the replica identity a county publishes (rollup.publication)."""
    return models.UniqueConstraint(
        fields=["county_code", "id"], name=f"{model}_id_unique_in_county"
    )


def county_code_default_in_state(*models_names: str):
    """The migration operation that gives existing `county_code` columns the callable default:
    in the migration state only, since a Python default never reaches the database (so no table
    is rebuilt on SQLite, and no trigger on it is lost)."""
    from django.db import migrations

    return migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(model_name=name, name="county_code", field=county_code_field())
            for name in models_names
        ]
    )

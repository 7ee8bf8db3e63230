"""The county in every key (docs/architecture.md, "Rule for new tables"): the column and the
constraint every table that grows with a county's work declares."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def county_code_field() -> models.CharField:
    return models.CharField(_("county code"), max_length=12, default=settings.COUNTY_CODE)


def county_id_unique(model: str) -> models.UniqueConstraint:
    """Ids stay unique with the county code beside them when counties are rolled up into one
    city database (each county's ids start at 1)."""
    return models.UniqueConstraint(
        fields=["county_code", "id"], name=f"{model}_id_unique_in_county"
    )

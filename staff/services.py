"""Actions on staff: installing the departments a county works with."""

import csv
import io

from django.db import transaction
from django.utils.translation import gettext as _

from territory.models import Level, Region

from .models import Department

SERVES = {"county", "each_town"}


class StaffImportError(Exception):
    pass


def town_department_code(code: str, town: Region) -> str:
    """A town's own office of a kind (派出所, 司法所 …): the kind's code and the town's code."""
    return f"{code}-{town.code}"


@transaction.atomic
def install_departments(text: str) -> list[Department]:
    """Create or update departments from a CSV (code,name,serves); `each_town` makes one per town."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    errors = []
    for number, row in enumerate(rows, start=2):
        if not (row.get("code") or "").strip() or not (row.get("name") or "").strip():
            errors.append(_("line %(number)s: code and name are required") % {"number": number})
        if row.get("serves") not in SERVES:
            errors.append(
                _("line %(number)s: serves must be county or each_town") % {"number": number}
            )
    if errors:
        raise StaffImportError("\n".join(errors))
    county = Region.objects.get(level=Level.COUNTY)
    towns = list(Region.objects.filter(level=Level.TOWN))
    departments = []
    for row in rows:
        code, name = row["code"].strip(), row["name"].strip()
        targets = (
            [(code, name, county)]
            if row["serves"] == "county"
            else [(town_department_code(code, town), f"{town.name}{name}", town) for town in towns]
        )
        for target_code, target_name, region in targets:
            department, _created = Department.objects.update_or_create(
                code=target_code,
                defaults={"name": target_name, "region": region, "county_code": county.code},
            )
            departments.append(department)
    return departments

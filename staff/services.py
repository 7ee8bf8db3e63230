"""Actions on staff: installing the departments a county works with."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from territory.counties import instance_county
from territory.models import Level, Region
from wangge.csvtext import csv_reader

from .models import Department

SERVES = {"county", "each_town"}


class StaffImportError(Exception):
    pass


def town_department_code(code: str, town: Region) -> str:
    """A town's own office of a kind (派出所, 司法所 …): the kind's code and the town's code."""
    return f"{code}-{town.code}"


def department_email(template: str, code: str) -> str:
    """A department's address from the CSV's email column, where `{code}` stands for the
    department's code: one line gives every town's office its own (pcs-610722101@…)."""
    return template.strip().replace("{code}", code)


@transaction.atomic
def install_departments(text: str) -> list[Department]:
    """Create or update this instance's county's departments from a CSV (code,name,serves[,email]);
    `each_town` makes one per town. Without an email column, addresses kept in the admin stay as they are."""
    reader = csv_reader(text)
    rows = list(reader)
    has_email = "email" in (reader.fieldnames or [])
    errors = []
    for number, row in enumerate(rows, start=2):
        if not (row.get("code") or "").strip() or not (row.get("name") or "").strip():
            errors.append(_("line %(number)s: code and name are required") % {"number": number})
        if row.get("serves") not in SERVES:
            errors.append(
                _("line %(number)s: serves must be county or each_town") % {"number": number}
            )
        email = department_email(row.get("email") or "", (row.get("code") or "").strip())
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    _("line %(number)s: %(email)s is not a valid e-mail address")
                    % {"number": number, "email": email}
                )
    if errors:
        raise StaffImportError("\n".join(errors))
    county = instance_county()
    towns = list(Region.objects.filter(level=Level.TOWN, parent=county).order_by("code"))
    departments = []
    for row in rows:
        code, name = row["code"].strip(), row["name"].strip()
        targets = (
            [(code, name, county)]
            if row["serves"] == "county"
            else [(town_department_code(code, town), f"{town.name}{name}", town) for town in towns]
        )
        for target_code, target_name, region in targets:
            defaults = {"name": target_name, "region": region, "county_code": county.code}
            if has_email:
                defaults["email"] = department_email(row["email"] or "", target_code)
            department, _created = Department.objects.update_or_create(
                county_code=county.code, code=target_code, defaults=defaults
            )
            departments.append(department)
    return departments

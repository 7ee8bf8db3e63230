"""The audit of configuration (django-auditlog): every change to the data that decides who does
what — categories, routing rules, departments, users and their roles, the territory — is kept
with its before and after, who made it and when. The admin lists them ("Log entries").

Password hashes and login times are left out; a region's boundary (a large GeoJSON text) is
recorded as changed without its text.
"""

from auditlog.registry import auditlog
from django.apps import apps

AUDITED: dict[str, dict] = {
    "cases.Category": {},
    "cases.RoutingRule": {},
    "staff.Department": {},
    "staff.User": {"exclude_fields": ["password", "last_login"]},
    "territory.Region": {"mask_fields": ["boundary"], "exclude_fields": ["updated_at"]},
}


def register_audited_models() -> None:
    for label, options in AUDITED.items():
        auditlog.register(apps.get_model(label), **options)

"""GeoReport v2 (http://wiki.open311.org/GeoReport_v2): discovery and the service list, read by
anyone, in JSON or XML. A service is a leaf category a resident may report; governance
categories (disputes, security) are not offered here."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases.forms import leaf_categories
from cases.models import Kind

from .formats import answer, error

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
PUBLIC_KINDS = (Kind.EVENT, Kind.COMPONENT)


def public_services():
    return leaf_categories().filter(kind__in=PUBLIC_KINDS)


def service(category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.name,
        "metadata": False,  # no per-category fields yet: nothing to ask beyond the description
        "type": "realtime",
        "keywords": "",
        "group": category.parent.name if category.parent else "",
    }


def _jurisdiction_refused(request, fmt):
    jurisdiction = request.GET.get("jurisdiction_id")
    if jurisdiction and jurisdiction != settings.COUNTY_CODE:
        return error(
            fmt, 404, _("Unknown jurisdiction_id %(value)s.") % {"value": jurisdiction[:20]}
        )
    return None


@require_GET
def discovery(request, fmt: str):
    base = request.build_absolute_uri(reverse("open311:discovery", args=[fmt])).rsplit("/", 1)[0]
    data = {
        "changeset": "2026-12-01T00:00:00+08:00",
        "contact": _("The county's grid governance centre"),
        "key_service": _("Keys are issued by the county's administrators."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base,
                "changeset": "2026-12-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return answer(data, fmt, root="discovery", item=None)


@require_GET
def services(request, fmt: str):
    refused = _jurisdiction_refused(request, fmt)
    if refused:
        return refused
    listed = [service(category) for category in public_services()]
    return answer(listed, fmt, root="services", item="service")


@require_GET
def service_definition(request, code: str, fmt: str):
    refused = _jurisdiction_refused(request, fmt)
    if refused:
        return refused
    if not public_services().filter(code=code).exists():
        return error(fmt, 404, _("No service with the code %(code)s.") % {"code": code[:20]})
    return answer(
        {"service_code": code, "attributes": []}, fmt, root="service_definition", item=None
    )

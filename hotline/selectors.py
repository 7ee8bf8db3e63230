"""Reads of hotline imports: who may import, the recent imports, one import fetched with access
checked, and its row errors."""

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from staff.models import Role

from .models import ImportBatch, RowError

IMPORTING_ROLES = (Role.OPERATOR, Role.ADMIN)
RECENT_IMPORTS = 20


def may_import(user) -> bool:
    """Centre operators take the hotline's orders in; administrators may too."""
    return user.is_authenticated and user.role in IMPORTING_ROLES


def recent_imports(limit: int = RECENT_IMPORTS) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(county_code=settings.COUNTY_CODE)
        .select_related("uploaded_by")
        .defer("workbook")
        .order_by("-created_at", "-id")[:limit]
    )


def get_import_for(user, batch_id: int) -> ImportBatch:
    """The import, if this user may follow imports; 404 otherwise (as for any page out of reach)."""
    if not may_import(user):
        raise Http404
    try:
        return (
            ImportBatch.objects.defer("workbook")
            .select_related("uploaded_by")
            .get(pk=batch_id, county_code=settings.COUNTY_CODE)
        )
    except ImportBatch.DoesNotExist:
        raise Http404 from None


def row_errors(batch: ImportBatch) -> QuerySet[RowError]:
    return batch.row_errors.order_by("line", "id")

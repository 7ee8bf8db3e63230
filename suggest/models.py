"""Every suggestion made, and what the person filing the report chose in the end: so that the
suggester's accuracy in production is measured, and it is retrained from the corrections. The
words themselves are not kept here: a filed report's are its case's description."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from wangge.county import county_code_field, county_id_unique


class SuggestionLog(models.Model):
    county_code = county_code_field()
    at = models.DateTimeField(_("at"), auto_now_add=True)
    version = models.CharField(_("model version"), max_length=16)
    channel = models.CharField(_("channel"), max_length=16)  # api, report form, portal, hotline
    offered = models.JSONField(_("offered"))  # [[code, score], …] best first
    not_a_case = models.BooleanField(_("not a case"), default=False)
    case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestion"
    )
    chosen = models.CharField(_("category chosen"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        constraints = [county_id_unique("suggestionlog")]

    def __str__(self):
        return f"{self.pk} {self.suggested or '-'} → {self.chosen or '?'}"

    @property
    def suggested(self) -> str:
        return self.offered[0][0] if self.offered else ""

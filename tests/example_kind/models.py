from django.db import models

from cases.models import Case
from wangge.county import county_code_field, county_id_unique


class NoiseDetail(models.Model):
    county_code = county_code_field()
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="noise")
    decibels = models.PositiveSmallIntegerField("measured dB(A)")
    at_night = models.BooleanField("at night (22:00–06:00)", default=False)
    outcome = models.CharField("outcome", max_length=200, blank=True)

    class Meta:
        constraints = [county_id_unique("noisedetail")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.decibels} dB(A)"

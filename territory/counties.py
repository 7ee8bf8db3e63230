"""The counties this project ships reference data for (divisions, outline, seats).

An instance serves one county (``settings.COUNTY_CODE``); a city database may hold several. Each
county's real data lives in ``territory/data/<folder>/`` with its provenance README; its grids are
synthesized (``territory/synthesis.py``), their number chosen here (see ``docs/territory.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class County:
    code: str
    name: str
    folder: str
    #: How many grids to synthesize (Chenggu: 1,624, about 6 per village; others in proportion).
    grids: int

    @property
    def data(self) -> Path:
        return DATA / self.folder

    @property
    def divisions_csv(self) -> Path:
        return self.data / "divisions.csv"

    @property
    def outline_geojson(self) -> Path:
        return self.data / "county.geojson"

    @property
    def seats_csv(self) -> Path:
        return self.data / "seats.csv"

    @property
    def seed(self) -> int:
        """The synthesis seed: the county code (Chenggu's grids were always seeded 610722)."""
        return int(self.code)


#: Chenggu's 1,624 grids over its 272 villages (5.97 a village); Yangxian's 287 villages at the
#: same rate make 287 × 1,624 / 272 = 1,713.6 → 1,714.
COUNTIES: dict[str, County] = {
    county.code: county
    for county in (
        County("610722", "城固县", "chenggu", 1624),
        County("610723", "洋县", "yangxian", 1714),
    )
}


class UnknownCounty(LookupError):
    pass


def known_counties() -> str:
    return ", ".join(f"{county.code} {county.name}" for county in COUNTIES.values())


def get_county(code: str) -> County:
    """The shipped county of this code, or an error naming the known ones."""
    try:
        return COUNTIES[code]
    except KeyError:
        raise UnknownCounty(
            _("No data is shipped for county “%(code)s”; the known counties are: %(known)s")
            % {"code": code, "known": known_counties()}
        ) from None


def instance_county():
    """This instance's county region (``settings.COUNTY_CODE``): a database may hold several."""
    from django.conf import settings

    from .models import Level, Region

    return Region.objects.get(level=Level.COUNTY, code=settings.COUNTY_CODE)

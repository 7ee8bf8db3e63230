"""An address as the hotline writes it (城固县博望街道阳光小区3号楼) → a point, by the gazetteer.

The gazetteer's names are looked for inside the address, not the address inside a name: the
hotline writes the whole address and a county lists places. The longest name found wins, as the
most specific (阳光小区 over 阳光); two different places of that length make the address ambiguous.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from territory.models import GazetteerEntry

MIN_NAME_LENGTH = 2  # a one-character name (桥, 站) is inside too many addresses to tell anything


class AddressNotResolved(ValueError):
    """The address names no gazetteer place, or two equally specific ones."""


@dataclass(frozen=True)
class Place:
    name: str
    lon: float
    lat: float


class AddressBook:
    """The county's gazetteer, loaded once for one import, longest names first."""

    def __init__(self, county_code: str | None = None):
        entries = GazetteerEntry.objects.filter(
            county_code=county_code or settings.COUNTY_CODE
        ).values_list("name", "lon", "lat")
        places = {
            (name, lon, lat): Place(name, lon, lat)
            for name, lon, lat in entries
            if len(name) >= MIN_NAME_LENGTH
        }
        self.places = sorted(places.values(), key=lambda place: (-len(place.name), place.name))

    def resolve(self, address: str) -> Place:
        """The place the address names; AddressNotResolved, saying why, if none or not one."""
        text = "".join(address.split())
        found: list[Place] = []
        for place in self.places:
            if found and len(place.name) < len(found[0].name):
                break  # only the longest names found count
            if place.name in text:
                found.append(place)
        points = {(place.lon, place.lat) for place in found}
        if not found:
            raise AddressNotResolved(
                _("names no place in the gazetteer: give the longitude and latitude")
            )
        if len(points) > 1:
            raise AddressNotResolved(
                _("could be any of %(places)s: give the longitude and latitude")
                % {"places": "、".join(sorted({place.name for place in found}))}
            )
        return found[0]

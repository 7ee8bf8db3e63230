"""What the pages' map elements carry besides URLs: the county's name in the message about a point
outside it, and the optional base layer (WANGGE_TILE_URL)."""

from dataclasses import dataclass

from django import template
from django.conf import settings

from territory.selectors import instance_county_name, outside_county_message

register = template.Library()


@dataclass(frozen=True)
class MapOptions:
    county_name: str
    outside_message: str  # the server's words for a point outside the county, said in the page
    tile_url: str  # an XYZ template on the county's intranet, or "" (no base layer)


@register.simple_tag
def map_options() -> MapOptions:
    name = instance_county_name()
    return MapOptions(name, outside_county_message(name), settings.WANGGE_TILE_URL)

"""Reads of the territory: the county's name, and the places a search on the maps finds.

The maps' own data (places, a person's grids, a town's grids) is built in `maps.py`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .counties import COUNTIES
from .maps import map_data
from .models import LEVEL_ORDER, GazetteerEntry, Level, PlaceKind, Region

MAX_TREE_DEPTH = len(LEVEL_ORDER) - 1  # from the county down to its grids
SEARCH_LIMIT = 12
SEARCH_CANDIDATES = 200  # per source, ranked in Python: enough for a one-character query
LEVEL_RANK = {Level.TOWN: 0, Level.VILLAGE: 1, Level.GRID: 2}


def instance_county_name() -> str:
    """The name of this instance's county (城固县), for messages that say where a point is not."""
    name = (
        Region.objects.filter(level=Level.COUNTY, code=settings.COUNTY_CODE)
        .values_list("name", flat=True)
        .first()
    )
    shipped = COUNTIES.get(settings.COUNTY_CODE)
    return name or (shipped.name if shipped else settings.COUNTY_CODE)


def outside_county_message(county_name: str | None = None) -> str:
    """What a person is told about a point outside the county: its name, not coordinates."""
    return _("This place is not in %(county)s. Pick a point inside a grid.") % {
        "county": county_name or instance_county_name()
    }


@dataclass(frozen=True)
class PlaceHit:
    """One place a search found: a town, village or grid, or a gazetteer entry (kind `place`)."""

    kind: str
    kind_label: str
    name: str
    code: str
    context: str  # where it is: the town, or the village and town
    lon: float
    lat: float
    bbox: tuple[float, float, float, float] | None  # west, south, east, north
    grid: str = ""  # the grid it lies in (a grid: itself), whose town the map loads
    example: bool = False

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "kind_label": self.kind_label,
            "name": self.name,
            "code": self.code,
            "context": self.context,
            "lon": self.lon,
            "lat": self.lat,
            "bbox": list(self.bbox) if self.bbox else None,
            "grid": self.grid,
            "example": self.example,
        }


def _match_rank(query: str, name: str, code: str) -> int:
    """0: the name or code itself, 1: it begins so, 2: somewhere inside."""
    name = name.casefold()
    if query in (name, code):
        return 0
    return 1 if name.startswith(query) or code.startswith(query) else 2


def search_places(query: str, limit: int = SEARCH_LIMIT) -> list[PlaceHit]:
    """Towns, villages, grids (by name, or code prefix) and gazetteer entries (by name) of this
    instance's county whose name holds the query: exact matches first, then prefixes, then the
    rest; towns before villages before grids before gazetteer entries."""
    query = " ".join(query.split())[:50]
    if not query:
        return []
    folded = query.casefold()
    data = map_data()
    matches = Q(name__icontains=query)
    if query.isdigit():
        matches |= Q(code__startswith=query)
    regions = (
        Region.objects.filter(matches, county_code=settings.COUNTY_CODE, level__in=LEVEL_RANK)
        .order_by("code")
        .values(
            "code",
            "name",
            "level",
            "centroid_lon",
            "centroid_lat",
            "parent__name",
            "parent__parent__name",
        )[:SEARCH_CANDIDATES]
    )
    ranked: list[tuple[tuple, PlaceHit]] = []
    for region in regions:
        level = region["level"]
        lon, lat = data.labels.get(region["code"], (region["centroid_lon"], region["centroid_lat"]))
        if lon is None or lat is None:
            continue  # a division without a boundary yet: nowhere to move the map
        context = {
            Level.TOWN: "",
            Level.VILLAGE: region["parent__name"],
            Level.GRID: f"{region['parent__name']} · {region['parent__parent__name']}",
        }[level]
        hit = PlaceHit(
            kind=level,
            kind_label=str(Level(level).label),
            name=region["name"],
            code=region["code"],
            context=context,
            lon=lon,
            lat=lat,
            bbox=data.bounds.get(region["code"]),
            grid=region["code"] if level == Level.GRID else "",
        )
        rank = (_match_rank(folded, region["name"], region["code"]), LEVEL_RANK[level])
        ranked.append(((*rank, len(hit.name), hit.code), hit))
    entries = (
        GazetteerEntry.objects.filter(county_code=settings.COUNTY_CODE, name__icontains=query)
        .order_by("name")
        .values(
            "name",
            "kind",
            "lon",
            "lat",
            "address",
            "example",
            "grid__code",
            "grid__parent__name",
            "grid__parent__parent__name",
        )[:SEARCH_CANDIDATES]
    )
    for entry in entries:
        village, town = entry["grid__parent__name"], entry["grid__parent__parent__name"]
        address = entry["address"] if entry["address"] not in (village, town) else ""
        hit = PlaceHit(
            kind="place",
            kind_label=str(PlaceKind(entry["kind"]).label),
            name=entry["name"],
            code="",
            context=" · ".join(part for part in (address, village, town) if part),
            lon=entry["lon"],
            lat=entry["lat"],
            bbox=None,
            grid=entry["grid__code"],
            example=entry["example"],
        )
        rank = (_match_rank(folded, entry["name"], ""), len(LEVEL_RANK))
        ranked.append(((*rank, len(hit.name), hit.name), hit))
    ranked.sort(key=lambda item: item[0])
    return [hit for _key, hit in ranked[:limit]]


def get_region(code: str) -> Region | None:
    """One region of this instance's county by its code (None when there is none), with its
    parent and its number of children."""
    return (
        Region.objects.filter(county_code=settings.COUNTY_CODE, code=code)
        .select_related("parent")
        .only("code", "name", "level", "path", "parent__code")
        .annotate(child_count=Count("children"))
        .first()
    )


def region_descendants(
    region: Region, depth: int, after: Region | None = None, limit: int = 100
) -> list[dict]:
    """Up to `limit` regions under `region`, down to `depth` levels below it, in tree order (each
    followed by its own children) after `after`: dicts of code, name, level, parent, child_count.

    Child counts come from a second grouped query over the page's ids, not from an annotation
    with the parent joined, which would group by every column of both rows."""
    levels = LEVEL_ORDER[region.depth + 1 : region.depth + 1 + depth]
    regions = Region.objects.subtree(region).filter(level__in=levels)
    if after is not None:
        regions = regions.filter(path__gt=after.path)
    rows = list(
        regions.order_by("path").values("id", "code", "name", "level", "parent__code")[:limit]
    )
    counts = dict(
        Region.objects.filter(parent_id__in=[row["id"] for row in rows])
        .values_list("parent_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    return [
        {
            "code": row["code"],
            "name": row["name"],
            "level": row["level"],
            "parent": row["parent__code"],
            "child_count": counts.get(row["id"], 0),
        }
        for row in rows
    ]

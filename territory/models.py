"""The territory tree: county → town (镇/街道) → village/community (村/社区) → grid (网格)."""

import json

from django.db import models
from django.utils.translation import gettext_lazy as _

from wangge.county import county_code_field, county_id_unique


class Level(models.TextChoices):
    COUNTY = "county", _("County")
    TOWN = "town", _("Town / sub-district")
    VILLAGE = "village", _("Village / community")
    GRID = "grid", _("Grid")


LEVEL_ORDER = [Level.COUNTY, Level.TOWN, Level.VILLAGE, Level.GRID]


def level_above(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index - 1] if index > 0 else None


def level_below(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


class CodeScheme(models.TextChoices):
    STATISTICS = "stats", _("Statistics bureau division code")
    CIVIL_AFFAIRS = "civil", _("Civil-affairs place-name code")
    SYNTHETIC = "synthetic", _("Synthetic (village code + serial)")


class RegionQuerySet(models.QuerySet):
    def subtree(self, region: "Region") -> "RegionQuerySet":
        """The region and everything under it (one indexed prefix match on the path)."""
        return self.filter(path__startswith=region.path)

    def grids(self) -> "RegionQuerySet":
        return self.filter(level=Level.GRID)


class RegionPath:
    """What a region's path tells, for a region here and for the city's copy of one (rollup)."""

    path: str

    def ancestor_codes(self) -> list[str]:
        return [code for code in self.path.split("/") if code]

    def contains(self, other: "RegionPath") -> bool:
        return other.path.startswith(self.path)


class Region(RegionPath, models.Model):
    # The county the region lies in (its path's first code); the tree itself is keyed by the
    # national codes, unique across counties.
    county_code = county_code_field()
    code = models.CharField(_("code"), max_length=24, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Codes of every ancestor and itself, "/"-terminated: a subtree is one prefix match.
    path = models.CharField(_("path"), max_length=200, unique=True)
    code_scheme = models.CharField(
        _("code scheme"), max_length=10, choices=CodeScheme.choices, default=CodeScheme.STATISTICS
    )
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS-84, stored as text: no GIS database needed.
    boundary = models.TextField(_("boundary (GeoJSON)"), blank=True)
    centroid_lon = models.FloatField(_("centroid longitude"), null=True, blank=True)
    centroid_lat = models.FloatField(_("centroid latitude"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated, not surveyed: boundary is made up.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "path"], name="region_level_path")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="county") | models.Q(parent__isnull=False),
                name="region_parent_required_below_county",
            ),
            county_id_unique("region"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return LEVEL_ORDER.index(self.level)

    @property
    def boundary_geojson(self) -> dict | None:
        return json.loads(self.boundary) if self.boundary else None


class PlaceKind(models.TextChoices):
    """Kinds of gazetteer entries (地名): the places people name when they say where something is."""

    COMPOUND = "compound", _("Residential compound")  # 小区
    SCHOOL = "school", _("School")  # 学校
    ROAD = "road", _("Road or street")  # 路、街
    ORGANISATION = "organisation", _("Organisation or office")  # 单位
    HOSPITAL = "hospital", _("Hospital or clinic")  # 医院、卫生院
    MARKET = "market", _("Market")  # 市场
    LANDMARK = "landmark", _("Landmark")  # 地标、景点
    OTHER = "other", _("Other place")


class GazetteerEntry(models.Model):
    """A named place the county imports (a compound, a school, a road, an office): one point, found
    by name on the maps' search. Not a region: it bounds nothing and routes nothing."""

    # The county of the grid the point lies in (every entry is checked to lie in one).
    county_code = county_code_field()
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid = models.ForeignKey(
        Region,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="gazetteer_entries",
        limit_choices_to={"level": Level.GRID},
    )
    example = models.BooleanField(
        _("example"),
        default=False,
        help_text=_("Example data shipped with the project, not the county's own list."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("gazetteer entry")
        verbose_name_plural = _("gazetteer entries")
        ordering = ["name"]
        constraints = [
            # What a re-import matches on: one place of a kind per name in a county.
            models.UniqueConstraint(
                fields=["county_code", "kind", "name"], name="gazetteerentry_name_unique_per_kind"
            ),
            county_id_unique("gazetteerentry"),
        ]

    def __str__(self) -> str:
        return self.name

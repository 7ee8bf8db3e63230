"""The territory and the departments through the REST API: a region and the regions under it, the
grids under a region as GeoJSON (gzipped, with an ETag, like the pages' maps), the departments.

Names and codes only: no person, no contact, no e-mail address is ever in these answers."""

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from cases.errors import InputError
from staff.selectors import active_departments
from territory.maps import grid_collection
from territory.models import Level, Region
from territory.selectors import MAX_TREE_DEPTH, get_region, region_descendants
from territory.views import map_response

from .schemas import Problem

router = Router()
MAX_REGIONS = 500  # a page of a subtree; the whole county is ~1,900 regions


class RegionOut(Schema):
    code: str
    name: str
    level: Level
    parent: str | None = Field(description="the parent region's code; null for the county")
    child_count: int = Field(description="regions directly under this one")


class RegionTree(Schema):
    region: RegionOut
    descendants: list[RegionOut] = Field(
        description="the regions under it down to `depth` levels, in tree order: each followed by "
        "its own children"
    )
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page")


class TreeParams(Schema):
    depth: int = Field(1, ge=1, le=MAX_TREE_DEPTH, description="levels below the region")
    limit: int = Field(100, ge=1, le=MAX_REGIONS)
    cursor: str | None = Field(None, max_length=24, description="the last code of the page before")


class DepartmentOut(Schema):
    code: str
    name: str
    region: str = Field(description="the code of the region it serves")
    region_name: str
    level: Level = Field(description="the level of that region: county or town")


def region_not_found() -> Status:
    return Status(404, {"detail": _("No such region in this county."), "errors": {}})


def region_out(region: Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent.code if region.parent else None,
        "child_count": region.child_count,
    }


TREE_RESPONSES = {200: RegionTree, 400: Problem, 404: Problem}


@router.get("/territory/regions", response=TREE_RESPONSES, summary="The county and its towns")
def county_tree(request, params: Query[TreeParams]):
    """The county's own region, the top of the tree; `depth` and pages as for any region."""
    return region_tree(request, settings.COUNTY_CODE, params)


@router.get(
    "/territory/regions/{code}",
    response=TREE_RESPONSES,
    summary="A region and the regions under it",
)
def region_tree(request, code: str, params: Query[TreeParams]):
    """Its children by default; `depth=2` adds theirs, and so on down to the grids. Pages of at
    most `limit` regions: pass the answer's `next_cursor` as `cursor` for the next one."""
    region = get_region(code)
    if region is None:
        return region_not_found()
    after = None
    if params.cursor is not None:
        after = get_region(params.cursor)
        if after is None or not region.contains(after) or after == region:
            raise InputError({"cursor": [_("Not a region under this one.")]})
    rows = region_descendants(region, params.depth, after=after, limit=params.limit + 1)
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    return {
        "region": region_out(region),
        "descendants": rows,
        "next_cursor": rows[-1]["code"] if more else None,
    }


FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "properties", "geometry"],
                "properties": {
                    "type": {"const": "Feature"},
                    "properties": {
                        "type": "object",
                        "required": ["code", "name", "village", "town"],
                        "properties": {
                            name: {"type": "string"} for name in ("code", "name", "village", "town")
                        },
                    },
                    "geometry": {
                        "type": "object",
                        "required": ["type", "coordinates"],
                        "properties": {
                            "type": {"enum": ["Polygon", "MultiPolygon"]},
                            "coordinates": {"type": "array"},
                        },
                    },
                },
            },
        },
    },
}


@router.get(
    "/territory/regions/{code}/grids.geojson",
    response={304: None, 404: Problem},
    summary="The grids under a region, as GeoJSON",
    description="A FeatureCollection of the grids' polygons (WGS-84) with their code, name, "
    "village and town; a grid's code gives that grid alone. Gzipped when the client accepts it; "
    "with `If-None-Match` set to the ETag of the copy it holds, the answer is 304 until a grid "
    "changes.",
    openapi_extra={
        "responses": {
            200: {
                "description": "OK",
                "content": {"application/geo+json": {"schema": FEATURE_COLLECTION}},
            }
        }
    },
)
def region_grids(request, code: str):
    region = get_region(code)
    if region is None:
        return region_not_found()
    return map_response(request, grid_collection(region))


@router.get(
    "/departments",
    response=list[DepartmentOut],
    summary="The departments cases go to",
)
def departments(request):
    return [
        {
            "code": department.code,
            "name": department.name,
            "region": department.region.code,
            "region_name": department.region.name,
            "level": department.region.level,
        }
        for department in active_departments()
    ]

"""Synthetic grid polygons (网格) for a county (城固县, 洋县 …).

No public source has town, village or grid polygons for these counties, so this module builds
them: a deterministic, hierarchical, clipped Voronoi partition of the real county outline,
anchored on the real seats of the towns and villages we know (see ``data/*/README.md``). A town
without a seat of its own takes its first known village's; a town with no point at all gets a
synthetic seat (``_town_seats``).

    county ─► town cells ─► village cells in each town ─► grid cells in each village

Every level is computed in floating point in a local kilometre plane (so that Voronoi distances
are isotropic). The output must carry coordinates rounded to 6 decimals; rounding each polygon
on its own would open slivers between neighbours, so the final step nodes the boundaries of all
grids together once on the 1e-6° precision grid and rebuilds every grid from the resulting faces.
Neighbouring grids then share identical vertices and tile the county without gaps or overlaps.

Pure functions on shapely 2 and numpy; no Django here.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon, shape

#: Output coordinate precision in degrees (GeoJSON rounded to 6 decimals, about 0.1 m).
PRECISION = 1e-6
#: Target size of one grid; the 2,000-odd households of a village make about six grids.
HOUSEHOLDS_PER_GRID = 400
#: Every grid's households stay within this range (service-size norm for 网格).
GRID_HOUSEHOLDS_RANGE = (300, 500)
#: Urban sub-districts (街道), whose communities are larger and denser, end their name so.
SUB_DISTRICT_SUFFIX = "街道"
#: Parts smaller than one output pixel (1e-6° ≈ 0.1 m, squared) cannot survive the final
#: snapping anyway, so float-level repairs drop them instead of merging them (km²).
MICRO_AREA_KM2 = 1e-8

_KM_PER_DEG_LAT = 110.574
_KM_PER_DEG_LON_EQUATOR = 111.320
_VILLAGE_SUFFIXES = ("村委会", "居委会")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str
    parent_code: str

    @property
    def is_community(self) -> bool:
        """Urban communities (社区/居委会) as opposed to rural villages (村委会)."""
        return self.name.endswith("居委会")

    @property
    def short_name(self) -> str:
        """The name without its 村委会/居委会 suffix, e.g. 钟楼街居委会 → 钟楼街."""
        for suffix in _VILLAGE_SUFFIXES:
            if self.name.endswith(suffix):
                return self.name[: -len(suffix)]
        return self.name


class _Plane:
    """Equirectangular projection around a point: lon/lat degrees ⇄ km.

    Affine, so straight edges stay straight both ways; its distortion across the county's
    100 km is under 1 %, plenty for placing synthetic Voronoi seeds.
    """

    def __init__(self, lon0: float, lat0: float):
        self.origin = np.array([lon0, lat0])
        self.scale = np.array(
            [_KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0)), _KM_PER_DEG_LAT]
        )

    def to_km(self, lonlat: np.ndarray) -> np.ndarray:
        return (np.asarray(lonlat, dtype=float) - self.origin) * self.scale

    def to_lonlat(self, xy: np.ndarray) -> np.ndarray:
        return np.asarray(xy, dtype=float) / self.scale + self.origin

    def geometry_to_km(self, geometry):
        return shapely.transform(geometry, self.to_km)

    def geometry_to_lonlat(self, geometry):
        return shapely.transform(geometry, self.to_lonlat)


# --------------------------------------------------------------------------------------------
# Inputs


def read_divisions(path: Path) -> list[Division]:
    """All rows of ``divisions.csv`` (county, towns, villages) in file order."""
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Division(r["code"], r["name"], r["level"], r["parent_code"]) for r in csv.DictReader(f)
        ]


def read_seats(path: Path) -> dict[str, tuple[float, float]]:
    """Known seat points, code → (lon, lat)."""
    with path.open(encoding="utf-8", newline="") as f:
        return {r["code"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(f)}


def _read_outline(path: Path) -> Polygon:
    collection = json.loads(path.read_text(encoding="utf-8"))
    outline = shapely.union_all([shape(f["geometry"]) for f in collection["features"]])
    if outline.geom_type != "Polygon":
        raise ValueError(f"{path}: expected a single-part county outline, got {outline.geom_type}")
    return outline


# --------------------------------------------------------------------------------------------
# Partition of one parent polygon


def _polygon_parts(geometry) -> list[Polygon]:
    """Non-empty polygons of any geometry (overlays may also return lines and points)."""
    return [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon" and g.area > 0]


def _partition(
    parent: Polygon, seeds: np.ndarray, owners: Sequence[int], n_cells: int
) -> list[Polygon]:
    """Split ``parent`` into ``n_cells`` single polygons: cell k = Voronoi cells of the seeds with
    ``owners[i] == k``, clipped to the parent, repaired so that each cell is one polygon that
    still holds all its seeds. The cells tile the parent (up to float noise)."""
    if n_cells == 1:
        return [parent]
    points = shapely.points(seeds)
    # extend_to: the cells must cover the parent's envelope, not just the seeds' one.
    voronoi = shapely.get_parts(shapely.voronoi_polygons(MultiPoint(points), extend_to=parent))
    # GEOS does not promise its output in seed order: match cells to seeds by containment.
    seed_index, cell_index = shapely.STRtree(voronoi).query(points, predicate="within")
    if len(seed_index) != len(seeds):
        raise ValueError("every seed must lie inside exactly one Voronoi cell (duplicate seeds?)")
    cell_of_seed = np.empty(len(seeds), dtype=int)
    cell_of_seed[seed_index] = cell_index
    owners = np.asarray(owners)
    cells = [
        shapely.intersection(shapely.union_all(voronoi[cell_of_seed[owners == k]]), parent)
        for k in range(n_cells)
    ]
    anchors = [points[owners == k] for k in range(n_cells)]
    # Boundaries within 1 mm of each other count as shared (float noise is far smaller).
    return _make_single(cells, anchors, eps=1e-6, micro_area=MICRO_AREA_KM2)


def _make_single(
    cells: list,
    anchors: Sequence[Sequence[Point]],
    *,
    eps: float,
    micro_area: float,
    groups: Sequence[str] | None = None,
    grid_size: float | None = None,
) -> list[Polygon]:
    """Make every cell a single polygon without changing what the cells cover together.

    Clipping a convex Voronoi cell to a non-convex parent can cut it into pieces. Each cell keeps
    the part holding its anchors (its seeds; else its largest part), and every other part joins
    the neighbouring cell it shares the longest boundary with — in the same ``group`` if there is
    one. ``eps`` is the distance within which two boundaries count as shared; parts under
    ``micro_area`` are float dust and are dropped.
    """
    cells = list(cells)
    for _ in range(10):
        split = [i for i, cell in enumerate(cells) if cell.geom_type != "Polygon"]
        if not split:
            return cells
        tree = shapely.STRtree(cells)
        for i in split:
            parts = sorted(_polygon_parts(cells[i]), key=lambda p: -p.area)
            if not parts:
                raise RuntimeError(f"cell {i} is empty")
            anchored = [p for p in parts if any(p.covers(a) for a in anchors[i])]
            if len(anchored) > 1:
                raise ValueError(f"cell {i}: its seeds ended up in separate parts")
            keep = anchored[0] if anchored else parts[0]
            cells[i] = keep
            for part in parts:
                if part is keep or part.area < micro_area:
                    continue
                j = _best_neighbour(part, i, cells, tree, eps, groups)
                cells[j] = _as_polygonal(shapely.union(cells[j], part, grid_size=grid_size))
    raise RuntimeError("multipart repair did not converge")


def _best_neighbour(
    part: Polygon,
    i: int,
    cells: list,
    tree: shapely.STRtree,
    eps: float,
    groups: Sequence[str] | None,
) -> int:
    """Index of the cell (≠ i) sharing the longest boundary with ``part``."""
    near = part.buffer(eps)
    best, best_key = -1, None
    for j in tree.query(near):
        if j == i:
            continue
        shared = shapely.intersection(cells[j].boundary, near).length
        if shared <= 4 * eps:  # touching at a point is not sharing a boundary
            continue
        key = (groups is None or groups[j] == groups[i], shared)
        if best_key is None or key > best_key:
            best, best_key = j, key
    if best < 0:
        raise RuntimeError(f"cell {i}: a detached part has no neighbour to merge into")
    return best


def _as_polygonal(geometry):
    """Drop stray lines/points an overlay may return; a single part comes back as a Polygon."""
    parts = _polygon_parts(geometry)
    return parts[0] if len(parts) == 1 else shapely.multipolygons(parts)


# --------------------------------------------------------------------------------------------
# Seeds


def _sample_points(
    polygon: Polygon,
    n: int,
    rng: np.random.Generator,
    density: Callable[[np.ndarray], np.ndarray] | None = None,
) -> np.ndarray:
    """``n`` random points inside ``polygon``: uniform, or with probability ∝ ``density``
    (values in [0, 1]) by rejection."""
    minx, miny, maxx, maxy = polygon.bounds
    shapely.prepare(polygon)
    batches, found = [], 0
    while found < n:
        xy = rng.uniform([minx, miny], [maxx, maxy], size=(max(256, 4 * (n - found)), 2))
        keep = shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])
        if density is not None:
            keep &= rng.random(len(xy)) < density(xy)
        batches.append(xy[keep])
        found += int(keep.sum())
    return np.concatenate(batches)[:n]


def _relax(
    polygon: Polygon, seeds: np.ndarray, movable: np.ndarray, samples: np.ndarray, steps: int
) -> np.ndarray:
    """Lloyd relaxation on a point sample of the polygon: each movable seed moves to the mean of
    the samples nearest to it. Samples drawn from a density give its weighted centroids, so
    relaxed seeds keep the density's concentration but lose the clumping of random draws."""
    seeds = seeds.copy()
    for _ in range(steps):
        nearest = np.argmin(((samples[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2), axis=1)
        for i in np.flatnonzero(movable):
            members = samples[nearest == i]
            if len(members) == 0:
                continue
            mean = members.mean(axis=0)
            if not shapely.contains_xy(polygon, *mean):
                # A non-convex cell's centroid may lie outside it; stay on its own nearest sample.
                mean = members[np.argmin(((members - mean) ** 2).sum(axis=1))]
            seeds[i] = mean
    return seeds


def _gaussian_density(centre: np.ndarray, sigma: float, floor: float):
    """A Gaussian bump around ``centre`` on top of a uniform floor, peak 1."""

    def density(xy: np.ndarray) -> np.ndarray:
        d2 = ((xy - centre) ** 2).sum(axis=1)
        return floor + (1 - floor) * np.exp(-d2 / (2 * sigma**2))

    return density


# --------------------------------------------------------------------------------------------
# Households and grid counts


def _largest_remainder(quotas: np.ndarray, total: int, minimum: int = 0) -> np.ndarray:
    """Integers close to ``quotas`` (each ≥ minimum) summing exactly to ``total``."""
    counts = np.maximum(np.floor(quotas).astype(int), minimum)
    remainders = quotas - counts
    shortfall = total - int(counts.sum())
    # Ties are broken by position (stable sort), which keeps the result deterministic.
    if shortfall > 0:
        counts[np.argsort(-remainders, kind="stable")[:shortfall]] += 1
    elif shortfall < 0:
        order = [i for i in np.argsort(remainders, kind="stable") if counts[i] > minimum]
        if len(order) < -shortfall:
            raise ValueError(f"cannot fit {total} with at least {minimum} each")
        counts[order[:-shortfall]] -= 1
    return counts


def _village_households(
    villages: Sequence[Division],
    total_grids: int,
    rng: np.random.Generator,
    sub_districts: frozenset[str] = frozenset(),
) -> tuple[np.ndarray, np.ndarray]:
    """Synthetic households per village and the number of grids per village (≥ 1, summing to
    ``total_grids``); communities, above all those of the sub-districts, are larger."""
    if total_grids < len(villages):
        raise ValueError(f"{total_grids} grids cannot give each of {len(villages)} villages one")
    weight = rng.lognormal(mean=0.0, sigma=0.3, size=len(villages))
    for k, village in enumerate(villages):
        if village.is_community:
            weight[k] *= 1.8 if village.parent_code in sub_districts else 1.3
    households = np.rint(weight / weight.sum() * total_grids * HOUSEHOLDS_PER_GRID).astype(int)
    grids = _largest_remainder(households / HOUSEHOLDS_PER_GRID, total_grids, minimum=1)
    return households, grids


def _split_households(households: int, n: int, rng: np.random.Generator) -> list[int]:
    """Split a village's households over its ``n`` grids with ±15 % variation, clamped to
    ``GRID_HOUSEHOLDS_RANGE`` (the clamp only bites where the village mean is near its ends)."""
    shares = rng.uniform(0.85, 1.15, size=n)
    parts = _largest_remainder(households * shares / shares.sum(), households)
    return [int(h) for h in np.clip(parts, *GRID_HOUSEHOLDS_RANGE)]


# --------------------------------------------------------------------------------------------
# The three levels


def _town_seats(
    county: Polygon, towns: Sequence[Division], villages: Sequence[Division], seats_km: dict
) -> tuple[dict, set[str]]:
    """Every town's seat (km) and the codes of the towns whose seat is a village's.

    A town without a seat of its own takes its first known village's (洋县's 纸坊街道 → 田岭).
    A town with no known point at all gets a synthetic one: of a 0.5 km lattice over the
    county, the point farthest from every seat known so far and from the outline (the centre
    of the largest empty circle, so its town lies where no known seat claims the land)."""
    seats, borrowed = {}, set()
    for town in towns:
        if town.code in seats_km:
            seats[town.code] = seats_km[town.code]
            continue
        own = [v.code for v in villages if v.parent_code == town.code and v.code in seats_km]
        if own:
            seats[town.code] = seats_km[min(own)]
            borrowed.add(town.code)
    missing = [town for town in towns if town.code not in seats]
    if missing:
        minx, miny, maxx, maxy = county.bounds
        xs, ys = np.meshgrid(np.arange(minx, maxx, 0.5), np.arange(miny, maxy, 0.5))
        lattice = np.column_stack([xs.ravel(), ys.ravel()])
        lattice = lattice[shapely.contains_xy(county, lattice[:, 0], lattice[:, 1])]
        edge = shapely.distance(county.boundary, shapely.points(lattice))
        for town in missing:
            known = np.array([*seats.values(), *(seats_km[c] for c in sorted(seats_km))])
            nearest = np.sqrt(((lattice[:, None, :] - known[None, :, :]) ** 2).sum(axis=2)).min(1)
            seats[town.code] = lattice[int(np.argmax(np.minimum(nearest, edge)))]
    return seats, borrowed


def _town_cells(
    county: Polygon,
    towns: Sequence[Division],
    villages: Sequence[Division],
    seats_km: dict,
    town_seats: dict,
    borrowed: set[str],
) -> list[Polygon]:
    """Towns as clipped Voronoi regions of their seats. A village seat we know also counts
    as a seed of its town: 小西关 (莲花街道), for instance, is nearer to the 博望街道 seat than to
    its own, and would otherwise fall into the wrong town. A seat borrowed from a village is
    already among the village seeds and is not counted twice."""
    town_index = {t.code: k for k, t in enumerate(towns)}
    seeds = [(town_seats[t.code], k) for k, t in enumerate(towns) if t.code not in borrowed]
    seeds += [(seats_km[v.code], town_index[v.parent_code]) for v in villages if v.code in seats_km]
    return _partition(
        county, np.array([s for s, _ in seeds]), [k for _, k in seeds], n_cells=len(towns)
    )


def _village_cells(
    town_cell: Polygon,
    town_seat: np.ndarray,
    villages: Sequence[Division],
    seats_km: dict,
    rng: np.random.Generator,
) -> list[Polygon]:
    """Villages of one town: known seats stay put, the others are seeded around the town seat
    (a Gaussian of half the town's equivalent radius over a uniform floor) and relaxed."""
    density = _gaussian_density(town_seat, 0.5 * math.sqrt(town_cell.area / math.pi), floor=0.1)
    unknown = [v for v in villages if v.code not in seats_km]
    drawn = _sample_points(town_cell, len(unknown), rng, density)
    # Communities are the built-up centre: they get the synthetic seeds nearest to the seat.
    drawn = drawn[np.argsort(((drawn - town_seat) ** 2).sum(axis=1), kind="stable")]
    unknown.sort(key=lambda v: (not v.is_community, v.code))
    position = {v.code: drawn[k] for k, v in enumerate(unknown)}
    position.update({v.code: seats_km[v.code] for v in villages if v.code in seats_km})

    seeds = np.array([position[v.code] for v in villages])
    movable = np.array([v.code not in seats_km for v in villages])
    samples = _sample_points(town_cell, 400 * len(villages), rng, density)
    seeds = _relax(town_cell, seeds, movable, samples, steps=3)
    return _partition(town_cell, seeds, range(len(villages)), n_cells=len(villages))


def _grid_cells(
    village_cell: Polygon, n: int, rng: np.random.Generator
) -> tuple[list[Polygon], np.ndarray]:
    """``n`` grids of about equal area in one village, and their seeds."""
    seeds = _sample_points(village_cell, n, rng)
    if n > 1:
        samples = _sample_points(village_cell, 300 * n, rng)
        seeds = _relax(village_cell, seeds, np.ones(n, dtype=bool), samples, steps=10)
    return _partition(village_cell, seeds, range(n), n_cells=n), seeds


# --------------------------------------------------------------------------------------------
# Snapping to the output precision


def _snap_to_output_grid(
    cells: list[Polygon], outline: Polygon, anchors: np.ndarray, groups: Sequence[str]
) -> list[Polygon]:
    """Rebuild ``cells`` (lon/lat, float), which tile ``outline``, on the 1e-6° grid so that
    they tile it exactly.

    All boundaries, the outline's too, are noded together in one snap-rounding overlay, then
    polygonized: each face is a piece of one cell, and neighbours share identical vertices.
    Each face goes to the cell holding its interior point; the odd face caught between cells
    (float dust wider than a pixel) goes to the cell it overlaps most, or else the nearest one.
    """
    boundaries = [*shapely.boundary(cells), outline.boundary]
    linework = shapely.union_all(boundaries, grid_size=PRECISION)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
    tree = shapely.STRtree(cells)
    face_index, cell_index = tree.query(shapely.point_on_surface(faces), predicate="within")
    hits = np.bincount(face_index, minlength=len(faces))
    owner = np.full(len(faces), -1)
    unique = hits[face_index] == 1
    owner[face_index[unique]] = cell_index[unique]
    for f in np.flatnonzero(owner < 0):
        candidates = tree.query(faces[f])
        if len(candidates) == 0:
            candidates = [tree.nearest(faces[f])]
        overlap = shapely.area(shapely.intersection(np.asarray(cells)[candidates], faces[f]))
        owner[f] = candidates[int(np.argmax(overlap))]

    snapped = [shapely.union_all(faces[owner == k], grid_size=PRECISION) for k in range(len(cells))]
    if any(s.is_empty for s in snapped):
        raise RuntimeError("a grid vanished when snapping to the output precision")
    return _make_single(
        snapped,
        [[Point(a)] for a in anchors],
        eps=PRECISION / 10,
        micro_area=0.0,
        groups=groups,
        grid_size=PRECISION,
    )


def _north_to_south_west_to_east(polygon: Polygon) -> tuple[float, float]:
    """Sort key for serial numbers: by representative point, north first, then west first."""
    point = polygon.representative_point()
    return -point.y, point.x


def _rounded_coordinates(polygon: Polygon) -> list[list[list[float]]]:
    """GeoJSON rings (exterior counter-clockwise, RFC 7946), 6 decimals."""
    polygon = shapely.orient_polygons(polygon)
    return [
        [[round(x, 6), round(y, 6)] for x, y in ring.coords]
        for ring in (polygon.exterior, *polygon.interiors)
    ]


# --------------------------------------------------------------------------------------------
# Entry points


def synthesize_grids(
    county_geojson: Path,
    divisions_csv: Path,
    seats_csv: Path,
    total_grids: int = 1624,
    seed: int = 610722,
) -> dict:
    """Return a GeoJSON FeatureCollection (a plain dict) of the synthetic grids."""
    outline = _read_outline(county_geojson)
    divisions = read_divisions(divisions_csv)
    seats = read_seats(seats_csv)
    towns = sorted((d for d in divisions if d.level == "town"), key=lambda d: d.code)
    villages = sorted((d for d in divisions if d.level == "village"), key=lambda d: d.code)

    plane = _Plane(*outline.centroid.coords[0])
    county = plane.geometry_to_km(outline)
    seats_km = {code: plane.to_km(lonlat) for code, lonlat in seats.items()}

    sub_districts = frozenset(t.code for t in towns if t.name.endswith(SUB_DISTRICT_SUFFIX))
    households, grid_counts = _village_households(
        villages, total_grids, np.random.default_rng([seed, 0]), sub_districts
    )
    town_seats, borrowed = _town_seats(county, towns, villages, seats_km)
    n_grids = dict(zip((v.code for v in villages), grid_counts, strict=True))
    village_households = dict(zip((v.code for v in villages), households, strict=True))

    cells, cell_seeds, cell_villages = [], [], []
    town_cells = _town_cells(county, towns, villages, seats_km, town_seats, borrowed)
    for town, town_cell in zip(towns, town_cells, strict=True):
        members = [v for v in villages if v.parent_code == town.code]
        town_rng = np.random.default_rng([seed, 1, int(town.code)])
        village_cells = _village_cells(
            town_cell, town_seats[town.code], members, seats_km, town_rng
        )
        for village, village_cell in zip(members, village_cells, strict=True):
            village_rng = np.random.default_rng([seed, 2, int(village.code)])
            grids, grid_seeds = _grid_cells(village_cell, n_grids[village.code], village_rng)
            cells += grids
            cell_seeds.append(grid_seeds)
            cell_villages += [village.code] * len(grids)

    lonlat_cells = [plane.geometry_to_lonlat(c) for c in cells]
    anchors = plane.to_lonlat(np.concatenate(cell_seeds))
    grids = _snap_to_output_grid(lonlat_cells, outline, anchors, cell_villages)

    grids_of = defaultdict(list)
    for grid, village_code in zip(grids, cell_villages, strict=True):
        grids_of[village_code].append(grid)

    features = []
    for village in villages:
        own = sorted(grids_of[village.code], key=_north_to_south_west_to_east)
        rng = np.random.default_rng([seed, 3, int(village.code)])
        split = _split_households(int(village_households[village.code]), len(own), rng)
        for serial, (grid, grid_households) in enumerate(zip(own, split, strict=True), start=1):
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "code": f"{village.code}{serial:03d}",
                        "name": f"{village.short_name}第{serial}网格",
                        "village_code": village.code,
                        "households": grid_households,
                        "synthetic": True,
                    },
                    "geometry": {"type": "Polygon", "coordinates": _rounded_coordinates(grid)},
                }
            )
    features.sort(key=lambda f: f["properties"]["code"])
    return {"type": "FeatureCollection", "features": features}


def write_grids_geojson(collection: dict, path: Path) -> None:
    """Write compact UTF-8 GeoJSON (Chinese names kept readable, no spaces)."""
    path.write_text(
        json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )

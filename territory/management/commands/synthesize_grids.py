import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territory.synthesis import synthesize_grids, write_grids_geojson

DATA = Path(__file__).resolve().parents[2] / "data" / "chenggu"


class Command(BaseCommand):
    help = "Write the synthetic grid polygons (网格) of 城固县 as GeoJSON (deterministic per seed)."

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=Path("var/chenggu_grids.geojson"))
        parser.add_argument("--total", type=int, default=1624, help="number of grids")
        parser.add_argument("--seed", type=int, default=610722)
        parser.add_argument("--county", type=Path, default=DATA / "county.geojson")
        parser.add_argument("--divisions", type=Path, default=DATA / "divisions.csv")
        parser.add_argument("--seats", type=Path, default=DATA / "seats.csv")

    def handle(self, *args, out: Path, total: int, seed: int, **options):
        started = time.perf_counter()
        try:
            collection = synthesize_grids(
                options["county"], options["divisions"], options["seats"], total, seed
            )
        except (OSError, ValueError) as error:  # unreadable input, or too few grids to go round
            raise CommandError(str(error)) from error
        out.parent.mkdir(parents=True, exist_ok=True)
        write_grids_geojson(collection, out)
        villages = {f["properties"]["village_code"] for f in collection["features"]}
        self.stdout.write(
            f"{len(collection['features'])} grids in {len(villages)} villages "
            f"in {time.perf_counter() - started:.1f} s → {out}"
        )

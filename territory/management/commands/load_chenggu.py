import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from territory.services import import_grids, set_boundary
from territory.synthesis import synthesize_grids

DATA = Path(__file__).resolve().parents[2] / "data" / "chenggu"


class Command(BaseCommand):
    help = "Load 城固县: divisions, the county outline and the 1,624 synthetic grids."

    def handle(self, *args, **options):
        call_command("import_divisions", DATA / "divisions.csv", stdout=self.stdout)
        outline = json.loads((DATA / "county.geojson").read_text(encoding="utf-8"))
        set_boundary("610722", outline["features"][0]["geometry"])
        grids = synthesize_grids(
            DATA / "county.geojson", DATA / "divisions.csv", DATA / "seats.csv"
        )
        summary = import_grids(grids)
        self.stdout.write(f"grids: {summary.created} created, {summary.updated} updated")

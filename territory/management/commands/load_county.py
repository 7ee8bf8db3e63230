import json

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from territory.counties import UnknownCounty, get_county
from territory.services import import_grids, set_boundary
from territory.synthesis import synthesize_grids


class Command(BaseCommand):
    help = (
        "Load a county the project ships data for: divisions, the outline and its synthetic grids "
        "(deterministic). Default: this instance's county (WANGGE_COUNTY_CODE)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--county", default=None, help="county code, e.g. 610722 (城固县) or 610723 (洋县)"
        )

    def handle(self, *args, county: str | None, **options):
        try:
            shipped = get_county(county or settings.COUNTY_CODE)
        except UnknownCounty as error:
            raise CommandError(str(error)) from error
        call_command("import_divisions", shipped.divisions_csv, stdout=self.stdout)
        outline = json.loads(shipped.outline_geojson.read_text(encoding="utf-8"))
        set_boundary(shipped.code, outline["features"][0]["geometry"])
        grids = synthesize_grids(
            shipped.outline_geojson,
            shipped.divisions_csv,
            shipped.seats_csv,
            total_grids=shipped.grids,
            seed=shipped.seed,
        )
        summary = import_grids(grids)
        self.stdout.write(
            f"{shipped.name} grids: {summary.created} created, {summary.updated} updated"
        )

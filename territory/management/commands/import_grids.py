import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territory.services import TerritoryImportError, import_grids


class Command(BaseCommand):
    help = "Import grid polygons from a GeoJSON FeatureCollection (code, name, village_code)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            collection = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}: not JSON (line {error.lineno}: {error.msg})") from error
        try:
            summary = import_grids(collection)
        except TerritoryImportError as error:
            raise CommandError(f"{path}: nothing imported, fix these features:\n{error}") from error
        self.stdout.write(f"grids: {summary.created} created, {summary.updated} updated")

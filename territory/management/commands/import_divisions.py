from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from territory.services import TerritoryImportError, import_divisions


class Command(BaseCommand):
    help = "Import the county, towns and villages from a CSV (code,name,level,parent_code)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            summary = import_divisions(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        except TerritoryImportError as error:
            raise CommandError(f"{path}: nothing imported, fix these rows:\n{error}") from error
        self.stdout.write(f"divisions: {summary.created} created, {summary.updated} updated")

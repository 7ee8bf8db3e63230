import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.imports import CaseImportError, import_case_history


class Command(BaseCommand):
    help = "Import closed historical cases from a CSV (code,reported_at,category,description,lon,lat,status,closed_at,rating)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        started = time.monotonic()
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                result = import_case_history(stream, source_name=path.name)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        except CaseImportError as error:
            raise CommandError(f"{path}: nothing imported, fix these rows:\n{error}") from error
        self.stdout.write(f"imported {result.imported} cases in {time.monotonic() - started:.1f} s")

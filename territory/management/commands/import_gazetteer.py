from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from territory.services import TerritoryImportError, import_gazetteer


class Command(BaseCommand):
    help = (
        "Import the county's gazetteer (named places to find on the maps) from a CSV: "
        "name,kind,lon,lat and optionally address,example. All rows or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            summary = import_gazetteer(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from error
        except TerritoryImportError as error:
            raise CommandError(
                _("%(path)s: nothing imported, fix these rows:\n%(errors)s")
                % {"path": path, "errors": error}
            ) from error
        self.stdout.write(
            _("gazetteer: %(created)s created, %(updated)s updated")
            % {"created": summary.created, "updated": summary.updated}
        )

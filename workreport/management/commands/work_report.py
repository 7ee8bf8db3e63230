from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from territory.counties import instance_county
from workreport.docx import report_document
from workreport.selectors import work_report


class Command(BaseCommand):
    help = "Write this county's annual work report, generated from the data, as a .docx file."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="the year (default: this one)")
        parser.add_argument("--output", required=True, help="the .docx file to write")

    def handle(self, *args, year: int | None, output: str, **options):
        year = year or timezone.localdate().year
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"--year {year}: give a year from 2000 to this one.")
        path = Path(output)
        if path.suffix.lower() != ".docx":
            raise CommandError(f"--output {output}: the file must end in .docx.")
        if not path.parent.exists():
            raise CommandError(f"--output {output}: no folder {path.parent}.")
        path.write_bytes(report_document(work_report(instance_county(), year)))
        self.stdout.write(f"wrote {path} ({year})")

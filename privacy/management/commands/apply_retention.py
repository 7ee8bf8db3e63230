from django.core.management.base import BaseCommand

from privacy.retention import apply_retention


class Command(BaseCommand):
    help = "Remove the personal data of cases past their retention period (the nightly task)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="only list the cases that would be anonymised"
        )

    def handle(self, *args, dry_run: bool, **options):
        run = apply_retention(dry_run=dry_run)
        verb = "would anonymise" if dry_run else "anonymised"
        self.stdout.write(f"{verb} {run.cases} case(s)")
        for code in run.codes:
            self.stdout.write(f"  {code}")

from django.core.management.base import BaseCommand

from patrols.services import RETENTION_DAYS, fold_old_checkins


class Command(BaseCommand):
    help = (
        f"Fold patrol check-ins older than {RETENTION_DAYS} days into anonymous counts per grid "
        "and week, and delete them (the nightly task does it too)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be folded"
        )

    def handle(self, *args, dry_run: bool, **options):
        run = fold_old_checkins(dry_run=dry_run)
        verb = "would fold" if dry_run else "folded"
        self.stdout.write(f"{verb} {run.checkins} check-in(s) into {run.weeks} grid-week(s)")

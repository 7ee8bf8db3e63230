from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rollup.publication import publish


class Command(BaseCommand):
    help = (
        "Publish this county's non-personal columns for the city roll-up (PostgreSQL), and grant "
        "the city's replication role SELECT on exactly those columns. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, help="the city's replication role (exists)")

    def handle(self, *args, role: str, **options):
        try:
            with transaction.atomic():
                statements = publish(settings.COUNTY_CODE, role)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        for statement in statements:
            self.stdout.write(statement + ";")

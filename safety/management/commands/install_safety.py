from django.core.management.base import BaseCommand, CommandError

from cases.errors import CaseError
from safety.services import install_safety


class Command(BaseCommand):
    help = (
        "Install the shipped checklist (十有十没有) and the ten sectors of safe-unit creation "
        "(safety/data); run after the kinds' categories are installed. Safe to run again."
    )

    def handle(self, *args, **options):
        try:
            sectors = install_safety()
        except CaseError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{len(sectors)} sectors installed")

from django.core.management.base import BaseCommand, CommandError

from integrations.services import issue_credential


class Command(BaseCommand):
    help = "Issue a key for an integrated system (Open311, the REST API); prints it once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the system, e.g. '12345 热线平台'")

    def handle(self, *args, name: str, **options):
        if not name.strip():
            raise CommandError("Give the system's name.")
        credential, key = issue_credential(name)
        self.stdout.write(key)
        self.stderr.write(f"issued to {credential.name}; store it now, it is not shown again")

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integrations.services import issue_credential


class Command(BaseCommand):
    help = (
        "Issue an API token that acts as a staff member, with their role's scope; prints it once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user {username!r}.")
        credential, token = issue_credential(name or f"token of {username}", user=user)
        self.stdout.write(token)
        self.stderr.write(f"issued to {credential.name}; store it now, it is not shown again")

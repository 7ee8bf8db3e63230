from django.core.management.base import BaseCommand

from cases.services import supervise_overdue


class Command(BaseCommand):
    help = "Put open cases past their deadline under supervision (督办)."

    def handle(self, *args, **options):
        self.stdout.write(f"{supervise_overdue()} cases put under supervision")

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load 城固县 (an alias of `load_county --county 610722`)."

    def handle(self, *args, **options):
        call_command("load_county", county="610722", stdout=self.stdout)

from django.core.management.base import BaseCommand

from indicators.install import install_data_sets


class Command(BaseCommand):
    help = "Install or update the shipped data sets of figures (indicators/data/data_sets.json)."

    def handle(self, *args, **options):
        for data_set in install_data_sets():
            self.stdout.write(f"{data_set.code}: {data_set.name}")

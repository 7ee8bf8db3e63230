from django.core.management.base import BaseCommand

from safety.services import lose_lapsed_units


class Command(BaseCommand):
    help = "Withdraw 平安单位 from units with a hazard case past its deadline (the worker does it too)."

    def handle(self, *args, **options):
        self.stdout.write(f"{lose_lapsed_units()} units lost 平安单位")

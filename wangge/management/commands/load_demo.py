import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.demo import fill_demo_queues, generate_demo_cases
from cases.imports import refresh_planner_statistics
from cases.kinds import registered_kinds
from cases.models import Case
from cases.services import install_kind_categories
from notify.demo import create_demo_receivers
from portal.demo import fill_portal_demo, private_links
from staff.demo import DEMO_PASSWORD, create_demo_staff
from staff.models import Role, User
from staff.services import install_departments
from territory.counties import UnknownCounty, get_county
from territory.models import Level, Region
from wangge.demo import demo_fillers

STAFF_DATA = Path(__file__).resolve().parents[3] / "staff" / "data"


class Command(BaseCommand):
    help = (
        "Load this instance's county (WANGGE_COUNTY_CODE: 610722 城固县, 610723 洋县) as a demo: "
        "territory, departments, categories, routing, staff and a year of cases."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases", type=int, default=50_000, help="how many simulated cases (default 50,000)"
        )

    def handle(self, *args, cases: int, **options):
        started = time.monotonic()
        try:
            county = get_county(settings.COUNTY_CODE)
        except UnknownCounty as error:
            raise CommandError(str(error)) from error
        call_command("load_county", county=county.code, stdout=self.stdout)
        install_departments((STAFF_DATA / "departments.csv").read_text(encoding="utf-8"))
        install_kind_categories()
        logins = create_demo_staff()
        create_demo_receivers()  # before the fresh cases below, so their steps reach them
        resident_links = []
        existing = Case.objects.filter(county_code=county.code).count()
        if existing:
            self.stdout.write(f"cases: {existing} already loaded, none added")
        elif cases > 0:
            self.stdout.write(f"cases: simulating {cases} …")
            generate_demo_cases(cases)
            fill_demo_queues(logins)
            for kind in registered_kinds():
                if kind.demo is not None:
                    kind.demo(logins, timezone.now(), cases)
            for filler in demo_fillers():
                filler.fill(logins, timezone.now(), cases)
            resident_links = private_links(fill_portal_demo(logins))
            refresh_planner_statistics()
        region = Region.objects.get(code=county.code)
        within = Region.objects.subtree(region)
        grid_staff = User.objects.filter(
            role__in=[Role.GRID_WORKER, Role.INFORMANT], region__path__startswith=region.path
        ).count()
        self.stdout.write(
            f"loaded {county.name}: {within.filter(level=Level.TOWN).count()} towns, "
            f"{within.filter(level=Level.VILLAGE).count()} villages, "
            f"{within.grids().count()} grids, {grid_staff} grid workers and informants, "
            f"{Case.objects.filter(county_code=county.code).count()} cases "
            f"in {time.monotonic() - started:.0f} s"
        )
        self.stdout.write(f"\nDemo logins (password {DEMO_PASSWORD}):")
        for username, user in logins.items():
            where = user.region or user.department or ""
            self.stdout.write(f"  {username:<18} {user.get_role_display()} {where}")
        self.stdout.write(
            "\nThe command centre (leader, county_operator …): /command/, "
            "on a wall screen /command/?screen=wall"
        )
        if resident_links:
            self.stdout.write("\nResidents' private links (report anew at /, no login):")
            for what, link in resident_links:
                self.stdout.write(f"  {what:<18} {link}")

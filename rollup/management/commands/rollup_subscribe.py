from django.core.management.base import BaseCommand, CommandError

from rollup.subscription import (
    SubscriptionError,
    subscribe,
    subscription_status,
    unsubscribe,
)


class Command(BaseCommand):
    help = (
        "On the city instance: subscribe the roll-up database to a county's publications "
        "(rollup_publish, run at the county), drop a county, or show every county's state."
    )

    def add_arguments(self, parser):
        parser.add_argument("--county", help="the county's code, e.g. 610722")
        parser.add_argument(
            "--dsn",
            help="how the city reaches the county's database, as the city's replication role: "
            "'host=… port=5432 dbname=wangge user=city_reader sslmode=verify-full'",
        )
        parser.add_argument(
            "--no-copy",
            action="store_true",
            help="only changes from now on, no initial copy (re-subscribing rows already here)",
        )
        parser.add_argument(
            "--drop", action="store_true", help="drop the county's subscription and its rows here"
        )
        parser.add_argument(
            "--keep-rows", action="store_true", help="with --drop: keep the county's rows here"
        )
        parser.add_argument("--status", action="store_true", help="show every subscription")

    def handle(self, *args, county, dsn, no_copy, drop, keep_rows, status, **options):
        try:
            if status:
                for row in subscription_status():
                    self.stdout.write(
                        "{name}\tenabled={enabled}\treceived={received_lsn}\t"
                        "latest={latest_end_time}\tapply_errors={apply_errors}\t"
                        "sync_errors={sync_errors}".format(**row)
                    )
                return
            if not county:
                raise CommandError("--county is required (e.g. --county 610722).")
            if drop:
                for statement in unsubscribe(county, keep_rows=keep_rows):
                    self.stdout.write(statement + ";")
                return
            if not dsn:
                raise CommandError("--dsn is required to subscribe a county.")
            self.stdout.write(subscribe(county, dsn, copy_data=not no_copy) + ";")
        except SubscriptionError as error:
            raise CommandError(str(error)) from error

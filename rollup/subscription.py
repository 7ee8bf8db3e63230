"""The city's side of the roll-up: one subscription per county, to both of its publications
(rollup.publication), in the roll-up database (rollup.router)."""

import re

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _

from .publication import TABLES, publication_name
from .router import ROLLUP_DATABASE

COUNTY_CODE = re.compile(r"\d{6}")


class SubscriptionError(Exception):
    pass


def subscription_name(county_code: str) -> str:
    return f"county_{county_code}"


def _rollup_connection():
    if ROLLUP_DATABASE not in settings.DATABASES:
        raise SubscriptionError(
            _("This instance has no roll-up database: set WANGGE_ROLLUP_DATABASE_URL.")
        )
    connection = connections[ROLLUP_DATABASE]
    if connection.vendor != "postgresql":
        raise SubscriptionError(_("The roll-up database must be PostgreSQL (logical replication)."))
    return connection


def _check_county_code(county_code: str) -> None:
    if not COUNTY_CODE.fullmatch(county_code):
        raise SubscriptionError(
            _("“%(code)s” is not a county code (six digits, e.g. 610722).") % {"code": county_code}
        )


def subscribe(county_code: str, dsn: str, copy_data: bool = True) -> str:
    """Create the county's subscription; its rows start to arrive (after an initial copy of what
    is there, unless told otherwise). Returns the statement run, with the DSN's password hidden."""
    _check_county_code(county_code)
    connection = _rollup_connection()
    publications = sorted({publication_name(county_code, table.publish) for table in TABLES})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_subscription WHERE subname = %s", [subscription_name(county_code)]
        )
        if cursor.fetchone():
            raise SubscriptionError(
                _("County %(code)s is already subscribed; drop it first to subscribe again.")
                % {"code": county_code}
            )
    quote = connection.ops.quote_name
    template = (
        "CREATE SUBSCRIPTION {name} CONNECTION {dsn} PUBLICATION {publications} "
        "WITH (copy_data = {copy}, disable_on_error = true)"
    )
    values = {
        "name": quote(subscription_name(county_code)),
        "publications": ", ".join(quote(name) for name in publications),
        "copy": "true" if copy_data else "false",
    }
    connection.ensure_connection()
    # CREATE SUBSCRIPTION may not run inside a transaction: the connection is in autocommit here.
    with connection.cursor() as cursor:
        cursor.execute(template.format(dsn=_literal(connection, dsn), **values))
    return template.format(dsn=_literal(connection, _hide_password(dsn)), **values)


def unsubscribe(county_code: str, keep_rows: bool = False) -> list[str]:
    """Drop the county's subscription (and its slot at the county), then its rows, unless kept."""
    from django.apps import apps

    _check_county_code(county_code)
    connection = _rollup_connection()
    quote = connection.ops.quote_name
    statements = [f"DROP SUBSCRIPTION IF EXISTS {quote(subscription_name(county_code))}"]
    if not keep_rows:
        for table in reversed(TABLES):
            city_table = apps.get_model("rollup", table.model.split(".")[1])._meta.db_table
            statements.append(f"DELETE FROM {quote(city_table)} WHERE county_code = %s")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [county_code] if "%s" in statement else None)
    return [statement.replace("%s", f"'{county_code}'") for statement in statements]


def subscription_status() -> list[dict]:
    """Per county: whether its subscription is enabled, the last change received and applied,
    and the apply errors counted since the last reset (PostgreSQL 15)."""
    connection = _rollup_connection()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.subname, s.subenabled, st.received_lsn, st.latest_end_time,
                   COALESCE(e.apply_error_count, 0), COALESCE(e.sync_error_count, 0)
            FROM pg_subscription s
            LEFT JOIN pg_stat_subscription st ON st.subid = s.oid AND st.relid IS NULL
            LEFT JOIN pg_stat_subscription_stats e ON e.subid = s.oid
            ORDER BY s.subname
            """
        )
        columns = [
            "name",
            "enabled",
            "received_lsn",
            "latest_end_time",
            "apply_errors",
            "sync_errors",
        ]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _literal(connection, text: str) -> str:
    from psycopg import sql

    connection.ensure_connection()
    return sql.Literal(text).as_string(connection.connection)


def _hide_password(dsn: str) -> str:
    return re.sub(
        r"(password\s*=\s*)(\S+)", r"\1***", re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", dsn)
    )

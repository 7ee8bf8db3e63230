"""What a county publishes to the city by logical replication, as code (docs/deploy.md).

Each published table names the columns that never leave the county; everything else is
published, so a column added later is published only if nobody listed it here, and the test
`test_no_personal_field_is_published` holds the list against the privacy registry. The city's
role gets SELECT on exactly the published columns: a table-wide grant would let it read the
personal ones directly over its own connection.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import connection


@dataclass(frozen=True)
class PublishedTable:
    model: str  # app_label.ModelName
    left_out: tuple[str, ...] = ()  # column names that stay in the county
    publish: str = "insert, update, delete"

    @property
    def table(self) -> str:
        return apps.get_model(self.model)._meta.db_table

    @property
    def replica_identity(self) -> str:
        """The unique (county_code, id) index of wangge.county: a changed or deleted row is found
        at the city by the key it has there, unique across counties."""
        return f"{self.model.split('.')[1].lower()}_id_unique_in_county"

    def fields(self, model=None) -> list:
        """The published fields of the model (given, while the app registry is still loading)."""
        model = model or apps.get_model(self.model)
        return [field for field in model._meta.concrete_fields if field.column not in self.left_out]

    def columns(self) -> list[str]:
        return [field.column for field in self.fields()]


TABLES: tuple[PublishedTable, ...] = (
    PublishedTable(
        "cases.Case",
        left_out=(
            "reporter_name",  # a resident's identity
            "reporter_phone",
            "reporter_id",  # named staff: the city evaluates regions and departments
            "assignee_id",
            "description",  # free text: it carries names, phones, house addresses
            "address",
            "attributes",  # answers to questions a county defines: they may hold anything
            "lon",  # an exact point can single out a household; the grid is the finest place
            "lat",
            "anonymised_at",
        ),
    ),
    PublishedTable(
        "cases.TimelineEntry", left_out=("note", "public_note", "actor_id"), publish="insert"
    ),
    PublishedTable("territory.Region"),
    PublishedTable("staff.Department", left_out=("email",)),
    PublishedTable("cases.Category"),
    # Counts by day, grid, category, department, source, level and step, and by month and
    # village: no person in them. The nightly fold deletes and inserts rows (command.facts).
    PublishedTable("command.Fact"),
    PublishedTable("command.MonthFact"),
    PublishedTable("command.TownMonthFact"),
)


def published(model_label: str) -> PublishedTable:
    return next(table for table in TABLES if table.model == model_label)


def publication_name(county_code: str, publish: str) -> str:
    """county_610722 for rows that change, county_610722_inserts for the append-only timeline
    (a publication's `publish` applies to all its tables)."""
    return f"county_{county_code}" if "update" in publish else f"county_{county_code}_inserts"


def publication_statements(county_code: str, role: str, existing: set[str]) -> list[str]:
    """The SQL that creates (or brings up to date) the county's publications, the replica
    identities they need, and the city role's grants on exactly the published columns."""
    quote = connection.ops.quote_name
    statements: list[str] = []
    objects_by_publish: dict[str, list[str]] = {}
    for published in TABLES:
        table = quote(published.table)
        columns = ", ".join(quote(column) for column in published.columns())
        objects_by_publish.setdefault(published.publish, []).append(f"TABLE {table} ({columns})")
        index = quote(published.replica_identity)
        statements.append(f"ALTER TABLE {table} REPLICA IDENTITY USING INDEX {index}")
        statements.append(f"REVOKE ALL ON {table} FROM {quote(role)}")
        statements.append(f"GRANT SELECT ({columns}) ON {table} TO {quote(role)}")
    for publish, objects in objects_by_publish.items():
        name = publication_name(county_code, publish)
        if name in existing:
            statements.append(f"ALTER PUBLICATION {quote(name)} SET {', '.join(objects)}")
        else:
            statements.append(
                f"CREATE PUBLICATION {quote(name)} FOR {', '.join(objects)} "
                f"WITH (publish = '{publish}')"
            )
    return statements


def publish(county_code: str, role: str) -> list[str]:
    """Run the statements on this county's PostgreSQL database; the statements run."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The roll-up publishes from PostgreSQL only (logical replication).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pubname FROM pg_publication")
        existing = {row[0] for row in cursor.fetchall()}
        statements = publication_statements(county_code, role, existing)
        for statement in statements:
            cursor.execute(statement)
    return statements

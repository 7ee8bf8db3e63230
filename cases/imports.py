"""Bulk import of historical cases from CSV (e.g. the export of an older 数字城管 system).

The whole file goes in one transaction: every row is checked (and located to its grid in
vectorised batches); if any row is wrong nothing is written and the errors name line and field.
Rows are written with the database's own bulk path (COPY on PostgreSQL, executemany on SQLite),
because a million cases through the ORM's bulk_create would take many minutes.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import TextIO

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from territory.grid_index import get_grid_index
from territory.models import Region

from .errors import CaseError
from .models import Case, Category, Source, Status, TimelineEntry
from .selectors import RouteTable
from .services import case_row
from .signals import cases_added
from .worktime import LOCAL, deadline_after

HISTORY_COLUMNS = [
    "code",
    "reported_at",
    "category",
    "description",
    "lon",
    "lat",
    "status",
    "closed_at",
    "rating",
]
FINAL_STATUSES = {Status.CLOSED, Status.EVALUATED, Status.REJECTED}
DATETIME_COLUMNS = ["reported_at", "accept_deadline", "accepted_at", "closed_at"]
CHUNK_ROWS = 50_000
MAX_ERRORS = 200


class CaseImportError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[str] = field(default_factory=list)


def _chunks(reader: csv.DictReader) -> Iterator[list[tuple[int, dict]]]:
    chunk = []
    for row in reader:
        chunk.append((reader.line_num, row))
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL)


class _Importer:
    def __init__(self, source_name: str):
        self.source_name = source_name
        self.categories = {
            category.code: category for category in Category.objects.filter(children__isnull=True)
        }
        self.index = get_grid_index()
        self.grids = {grid.pk: grid for grid in Region.objects.grids().select_related("parent")}
        self.routes = RouteTable()
        self.deadlines: dict = {}
        self.seen_codes: set[str] = set()
        self.errors: list[str] = []
        self.now = timezone.now()
        self.case_columns = [
            "id", "county_code", "code", "kind", "case_kind", "category_id", "description", "address", "attributes", "lon", "lat", "grid_id",
            "village_id", "town_id", "source", "reporter_name", "reporter_phone", "priority", "status", "level",
            "department_id", "reported_at", "accept_deadline", "accepted_at", "closed_at", "rework_count", "rating",
            "updated_at",
        ]  # fmt: skip
        self.case_values = itemgetter(*self.case_columns)  # a row's values in column order
        self.timeline_columns = [
            "county_code",
            "case_id",
            "at",
            "action",
            "from_status",
            "to_status",
            "level",
            "department_id",
            "note",
        ]

    def error(self, line: int, column: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(
                _("line %(line)s, %(column)s: %(message)s")
                % {"line": line, "column": column, "message": message}
            )

    def parse(self, chunk: list[tuple[int, dict]]) -> list[tuple]:
        """Check a chunk of rows; the good ones come back with their grid located."""
        parsed = []
        for line, row in chunk:
            row = {key: (value or "").strip() for key, value in row.items() if key}
            code, status = row.get("code", ""), row.get("status", "")
            ok = True
            if not code or len(code) > 20:
                self.error(line, "code", _("is empty or longer than 20 characters"))
                ok = False
            elif code in self.seen_codes:
                self.error(line, "code", _("“%(value)s” appears twice") % {"value": code})
                ok = False
            self.seen_codes.add(code)
            category = self.categories.get(row.get("category", ""))
            if category is None:
                self.error(
                    line,
                    "category",
                    _("“%(value)s” is not a specific category code")
                    % {"value": row.get("category", "")},
                )
                ok = False
            if status not in FINAL_STATUSES:
                self.error(
                    line,
                    "status",
                    _("must be closed, evaluated or rejected, got “%(value)s”") % {"value": status},
                )
                ok = False
            try:
                reported_at = _parse_time(row.get("reported_at", ""))
                closed_at = _parse_time(row["closed_at"]) if row.get("closed_at") else None
            except ValueError:
                self.error(
                    line,
                    "reported_at/closed_at",
                    _("must be a date and time like 2025-03-01 09:30"),
                )
                ok = False
            else:
                if status in (Status.CLOSED, Status.EVALUATED) and (
                    closed_at is None or closed_at < reported_at
                ):
                    self.error(
                        line, "closed_at", _("a closed case needs a closing time after its report")
                    )
                    ok = False
            try:
                lon, lat = float(row.get("lon", "")), float(row.get("lat", ""))
            except ValueError:
                self.error(line, "lon/lat", _("must be numbers (WGS-84 degrees)"))
                ok = False
            rating = row.get("rating", "")
            if rating and rating not in {"1", "2", "3", "4", "5"}:
                self.error(line, "rating", _("must be 1 to 5 or empty"))
                ok = False
            if not row.get("description"):
                self.error(line, "description", _("is empty"))
                ok = False
            if ok:
                parsed.append(
                    (
                        line,
                        code,
                        category,
                        row["description"],
                        lon,
                        lat,
                        status,
                        reported_at,
                        closed_at,
                        int(rating) if rating else None,
                    )
                )
        if not parsed:
            return []
        positions = self.index.locate_many(
            np.array([row[4] for row in parsed]), np.array([row[5] for row in parsed])
        )
        located = []
        for row, position in zip(parsed, positions, strict=True):
            if position < 0:
                self.error(
                    row[0],
                    "lon/lat",
                    _("(%(lon)s, %(lat)s) is outside every grid of the county")
                    % {"lon": row[4], "lat": row[5]},
                )
            else:
                located.append((*row, int(self.index.ids[position])))
        return located

    def accept_deadline(self, category: Category, reported_at: datetime) -> datetime:
        key = (category.accept_limit, category.accept_unit, reported_at)
        if key not in self.deadlines:
            self.deadlines[key] = deadline_after(
                reported_at, category.accept_limit, category.accept_unit
            )
        return self.deadlines[key]

    def rows(self, located: list[tuple], first_id: int) -> tuple[list[tuple], list[tuple]]:
        """The rows to write, each case put together by `services.case_row` like a live one."""
        cases, entries = [], []
        adapt = connection.ops.adapt_datetimefield_value
        note = self.source_name  # the file: the timeline's action label says what happened
        now = adapt(self.now)
        for (
            line,
            code,
            category,
            description,
            lon,
            lat,
            status,
            reported_at,
            closed_at,
            rating,
            grid_id,
        ) in located:
            grid = self.grids[grid_id]
            try:
                row = case_row(
                    code=code,
                    category=category,
                    grid=grid,
                    route=self.routes.route(category, grid),
                    description=description,
                    lon=lon,
                    lat=lat,
                    reported_at=reported_at,
                    source=Source.IMPORT,
                    status=status,
                    accept_deadline=self.accept_deadline(category, reported_at),
                )
            except CaseError as error:
                self.error(line, "category/description", str(error))
                continue
            row["id"] = first_id + len(cases)
            row["accepted_at"] = None if status == Status.REJECTED else reported_at
            row["closed_at"] = closed_at
            row["rework_count"] = 0
            row["rating"] = rating
            for column in DATETIME_COLUMNS:
                row[column] = adapt(row[column])
            row["updated_at"] = now
            row["attributes"] = (
                "{}"  # a history row answers no questions; JSON text for the raw insert
            )
            cases.append(self.case_values(row))
            entries.append(
                (
                    row["county_code"],
                    row["id"],
                    now,
                    "import",
                    "",
                    status,
                    row["level"],
                    row["department_id"],
                    note,
                )
            )
        return cases, entries


def _reserve_ids(count: int) -> int:
    """The first of `count` new case ids, reserved for this import."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('cases_case', 'id')) FROM generate_series(1, %s)",
                [count],
            )
            ids = [row[0] for row in cursor.fetchall()]
            if ids != list(range(ids[0], ids[0] + count)):  # another writer took some: reserve anew
                return _reserve_ids(count)
            return ids[0]
        # SQLite: the IMMEDIATE transaction holds the write lock, so max(id) + 1 onwards is ours.
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM cases_case")
        return cursor.fetchone()[0] + 1


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", rows
            )


def import_case_history(stream: TextIO, source_name: str) -> ImportResult:
    """Import closed historical cases: all rows or none."""
    reader = csv.DictReader(stream)
    missing = [column for column in HISTORY_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise CaseImportError(
            [_("line 1: missing column(s) %(columns)s") % {"columns": ", ".join(missing)}]
        )
    importer = _Importer(source_name)
    existing = set(
        Case.objects.filter(county_code=settings.COUNTY_CODE)
        .values_list("code", flat=True)
        .iterator()
    )
    imported, case_ids = 0, []
    with transaction.atomic():
        for chunk in _chunks(reader):
            located = importer.parse(chunk)
            clashes = [row for row in located if row[1] in existing]
            for row in clashes:
                importer.error(row[0], "code", _("case %(code)s already exists") % {"code": row[1]})
            if importer.errors:
                continue  # keep checking the rest, write nothing
            first_id = _reserve_ids(len(located))
            cases, entries = importer.rows(located, first_id)
            _insert(Case._meta.db_table, importer.case_columns, cases)
            _insert(TimelineEntry._meta.db_table, importer.timeline_columns, entries)
            case_ids.extend(range(first_id, first_id + len(cases)))
            imported += len(cases)
        if importer.errors:
            raise CaseImportError(importer.errors)  # leaving the block rolls everything back
        cases_added.send(sender=Case, case_ids=case_ids)
    refresh_planner_statistics()
    return ImportResult(imported=imported)


def refresh_planner_statistics() -> None:
    """After a bulk load, let the query planner see the new sizes (SQLite keeps no statistics
    until ANALYZE runs: without them it walks the whole table for a queue of ten cases)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {Case._meta.db_table}, {TimelineEntry._meta.db_table}")

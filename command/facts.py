"""The command centre's aggregates (command.models.Fact), kept current in the transaction of each
step, folded nightly by `compact` and recounted in full by `manage.py rebuild_facts`.

A timeline entry adds its step once, on its day (an event fact: what it was, where, by which
department and at which level, never changed since the timeline is append-only). A case also
adds facts for what it is now (a state fact: due on its deadline's day, handled by its deadline,
closed on time, hours of handling): when it changes, the facts it added are taken back and its
new ones added, so that the aggregates always equal a recount of the timelines and the cases.

Counts are added as new rows, never by updating a key's row: an update would hold that row's
lock until the step's transaction ends, and every other report of the same grid, category and
day would queue behind it (PostgreSQL's lock timeout then refuses them).
"""

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Case as DbCase
from django.db.models import CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.dispatch import receiver

from cases.kinds import kind_counted_steps
from cases.models import Case, Source, Status, TimelineEntry
from cases.signals import case_recategorised, cases_added, timeline_appended
from cases.worktime import LOCAL, working_hours_between
from territory.cache import RebuiltOnChange
from territory.models import Level, Region

from .models import HOUR_BOUNDS, CaseState, Fact, MonthFact, Step, TownMonthFact

# The timeline's actions that count, and as what.
EVENT_STEPS = {
    "report": Step.REPORTED,
    "accept": Step.ACCEPTED,
    "reject": Step.REJECTED,
    "merge": Step.MERGED,
    "dispatch": Step.DISPATCHED,
    "feed_back": Step.HANDLED,
    "rework": Step.REWORKED,
    "resident_rework": Step.REWORKED,
    "approve_extension": Step.EXTENDED,
    "suspend": Step.SUSPENDED,
    "supervise": Step.SUPERVISED,
    "resident_supervise": Step.SUPERVISED,
    "escalate": Step.ESCALATED,
    "close": Step.CLOSED,
    "evaluate": Step.RATED,
    "resident_rating": Step.RATED,
}
RATINGS = {"evaluate", "resident_rating"}


def event_steps() -> dict[str, str]:
    """The core's counted actions and those the kinds of case count (cases.kinds.CountedStep)."""
    return EVENT_STEPS | {counted.action: counted.step for counted in kind_counted_steps()}


SATISFIED_FROM = 3  # 基本满意 and better, as the portal's satisfaction figure
HANDLED_STATUSES = {Status.FED_BACK, Status.VERIFIED, Status.CLOSED, Status.EVALUATED}
CLOSED_STATUSES = {Status.CLOSED, Status.EVALUATED}
NOT_DUE_STATUSES = {Status.REJECTED, Status.MERGED}

# One fact of a case: (step, day as ISO text, department id or 0, level, hours).
CaseFact = tuple[str, str, int, str, float]
Key = tuple  # Fact.KEY's values


def _day(moment) -> str:
    return moment.astimezone(LOCAL).date().isoformat()


def event_facts(action: str, at, department_id: int | None, level: str, rating) -> list[CaseFact]:
    """What one timeline entry counts (`rating`: the case's, for an evaluation)."""
    step = event_steps().get(action)
    if step is None:
        return []
    day, department = _day(at), department_id or 0
    facts = [(step, day, department, level, 0.0)]
    if action in RATINGS and rating is not None and rating >= SATISFIED_FROM:
        facts.append((Step.SATISFIED, day, department, level, 0.0))
    return facts


def state_facts(case: Case) -> list[CaseFact]:
    """What the case counts for now, apart from its steps."""
    department, level, deadline = case.department_id or 0, case.level, case.handle_deadline
    facts = []
    if deadline is not None and case.status not in NOT_DUE_STATUSES:
        facts.append((Step.DUE, _day(deadline), department, level, 0.0))
    handled = case.status in HANDLED_STATUSES and case.fed_back_at is not None
    if handled and case.dispatched_at is not None:
        hours = round(working_hours_between(case.dispatched_at, case.fed_back_at), 4)
        facts.append((Step.HANDLING_HOURS, _day(case.fed_back_at), department, level, hours))
    on_time = handled and deadline is not None and case.fed_back_at <= deadline
    if on_time:
        facts.append((Step.HANDLED_ON_TIME, _day(case.fed_back_at), department, level, 0.0))
        if case.status in CLOSED_STATUSES:
            # On its deadline's day, beside DUE: 按期结案率 is over the cases due in a period.
            facts.append((Step.CLOSED_ON_TIME, _day(deadline), department, level, 0.0))
    return facts


def hours_bucket(hours: float) -> int:
    """The histogram bucket of a handling time (command.models.HOUR_BOUNDS)."""
    return bisect_right(HOUR_BOUNDS, hours)


def _keyed(case: Case, facts: Iterable[CaseFact], sign: int) -> dict[Key, list[float]]:
    totals: dict[Key, list[float]] = defaultdict(lambda: [0, 0.0])
    for step, day, department, level, hours in facts:
        key = (case.county_code, day, case.grid_id, case.category_id, department, case.source)
        bucket = hours_bucket(hours) if step == Step.HANDLING_HOURS else 0
        total = totals[(*key, level, str(step), bucket)]
        total[0] += sign
        total[1] += sign * hours
    return totals


def _insert_sql(model) -> str:
    columns = ", ".join((*model.KEY, "count", "hours"))
    marks = ", ".join(["%s"] * (len(model.KEY) + 2))
    return f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks})"


def _village_of_grid() -> dict[int, int]:
    return dict(Region.objects.grids().values_list("pk", "parent_id"))


# Each grid's village, per process, built again when the territory changes.
villages_of_grids = RebuiltOnChange(_village_of_grid)


def _town_of_grid() -> dict[int, int]:
    town_of_village = dict(
        Region.objects.filter(level=Level.VILLAGE).values_list("pk", "parent_id")
    )
    return {grid: town_of_village[village] for grid, village in _village_of_grid().items()}


towns_of_grids = RebuiltOnChange(_town_of_grid)


def by_month(totals: dict[Key, list[float]]) -> dict[tuple, list[float]]:
    """The same counts by month and village only (command.models.MonthFact)."""
    village_of = villages_of_grids.get()
    months: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0])
    for (county, day, grid, _category, _department, _source, _level, step, bucket), (
        count,
        hours,
    ) in totals.items():
        total = months[(county, f"{day[:8]}01", village_of[grid], step, bucket)]
        total[0] += count
        total[1] += hours
    return months


def by_town_month(totals: dict[Key, list[float]]) -> dict[tuple, list[float]]:
    """The same counts by month, town, category and department (command.models.TownMonthFact)."""
    town_of = towns_of_grids.get()
    months: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0])
    for (county, day, grid, category, department, _source, _level, step, bucket), (
        count,
        hours,
    ) in totals.items():
        total = months[(county, f"{day[:8]}01", town_of[grid], category, department, step, bucket)]
        total[0] += count
        total[1] += hours
    return months


def add(totals: dict[Key, list[float]]) -> None:
    """Add these counts and hours to the aggregates, as new rows, by day and by month."""
    keyed_by_model = (
        (Fact, totals),
        (MonthFact, by_month(totals)),
        (TownMonthFact, by_town_month(totals)),
    )
    with connection.cursor() as cursor:
        for model, keyed in keyed_by_model:
            rows = [(*key, count, hours) for key, (count, hours) in keyed.items() if count or hours]
            if rows:
                cursor.executemany(_insert_sql(model), rows)


FACT_TABLES = (Fact, MonthFact, TownMonthFact)

# Rows whose counts and hours came back to nothing are dropped (hours are floats: a taken-back
# fact leaves a rounding residue).
KEEP = "HAVING SUM(count) <> 0 OR ABS(SUM(hours)) > 1e-6"


def _compact_statements(model, vendor: str) -> list[str]:
    table, columns = model._meta.db_table, ", ".join(model.KEY)
    if vendor == "postgresql":
        # One statement: what it deletes is exactly what it sums, even when a step with a
        # lower id commits while it runs.
        return [
            f"WITH gone AS (DELETE FROM {table} WHERE id <= %s RETURNING {columns}, count, hours) "
            f"INSERT INTO {table} ({columns}, count, hours) "
            f"SELECT {columns}, SUM(count), SUM(hours) FROM gone GROUP BY {columns} {KEEP}"
        ]
    # SQLite has one writer: from the first statement on, nothing else writes.
    return [
        f"INSERT INTO {table} ({columns}, count, hours) "
        f"SELECT {columns}, SUM(count), SUM(hours) FROM {table} WHERE id <= %s "
        f"GROUP BY {columns} {KEEP}",
        f"DELETE FROM {table} WHERE id <= %s",
    ]


@transaction.atomic
def compact() -> dict[str, tuple[int, int]]:
    """Fold the rows counted so far into one row per key (the nightly task); steps taken
    meanwhile add rows beside them and wait for nothing. Returns each table's rows before and
    after."""
    found = {}
    for model in FACT_TABLES:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        if last is None:
            found[model.__name__] = (0, 0)
            continue
        before = model.objects.count()
        with connection.cursor() as cursor:
            for statement in _compact_statements(model, connection.vendor):
                cursor.execute(statement, [last])
        found[model.__name__] = (before, model.objects.count())
    return found


def _replaced(
    before, old: Iterable[CaseFact], after, new: Iterable[CaseFact]
) -> dict[Key, list[float]]:
    """The rows that take back `old` (keyed as the case `before`) and add `new` (as `after`)."""
    totals = _keyed(before, old, -1)
    for key, (count, hours) in _keyed(after, new, +1).items():
        totals.setdefault(key, [0, 0.0])
        totals[key][0] += count
        totals[key][1] += hours
    return totals


def refresh_state(case: Case) -> None:
    """Take back the state facts the case added before and add the ones it has now."""
    now = [list(fact) for fact in state_facts(case)]
    kept, created = CaseState.objects.get_or_create(
        case_id=case.pk, defaults={"county_code": case.county_code, "facts": now}
    )
    if created:
        add(_keyed(case, state_facts(case), +1))
        return
    if kept.facts == now:
        return
    add(_replaced(case, (tuple(fact) for fact in kept.facts), case, state_facts(case)))
    kept.facts = now
    kept.save(update_fields=["facts"])


@receiver(timeline_appended)
def count_step(sender, entry: TimelineEntry, case: Case, **kwargs) -> None:
    """A step was taken (cases.services): count it, and what the case is now."""
    facts = event_facts(entry.action, entry.at, entry.department_id, entry.level, case.rating)
    add(_keyed(case, facts, +1))
    refresh_state(case)


@receiver(case_recategorised)
def move_facts(sender, case: Case, old_category_id: int, **kwargs) -> None:
    """改类: what the case counted so far (its steps, its state) moves from its old category to
    its new one, so that the aggregates still equal a recount (which reads the category now)."""
    counted = [
        fact
        for entry in TimelineEntry.objects.filter(case=case)
        for fact in event_facts(
            entry.action, entry.at, entry.department_id, entry.level, case.rating
        )
    ]
    kept = CaseState.objects.filter(case_id=case.pk).values_list("facts", flat=True).first()
    counted += [tuple(fact) for fact in kept or ()]
    before = SimpleNamespace(
        county_code=case.county_code,
        grid_id=case.grid_id,
        category_id=old_category_id,
        source=case.source,
    )
    add(_replaced(before, counted, case, counted))


# --- in full ----------------------------------------------------------------------------------

CASE_FIELDS = (
    "pk",
    "county_code",
    "grid_id",
    "category_id",
    "source",
    "department_id",
    "level",
    "status",
    "handle_deadline",
    "dispatched_at",
    "fed_back_at",
    "rating",
)
CHUNK = 20_000


class CaseRow(SimpleNamespace):
    """What state_facts and _keyed read of a case, from a values_list row (no model instance)."""


def _runs(ids: list[int]) -> Iterable[tuple[int, int]]:
    """Sorted ids as runs of consecutive ids (first, last), none longer than CHUNK."""
    first = previous = None
    for case_id in ids:
        if first is not None and (case_id != previous + 1 or case_id - first >= CHUNK):
            yield first, previous
            first = None
        if first is None:
            first = case_id
        previous = case_id
    if first is not None:
        yield first, previous


def _insert_from(model, rows: QuerySet) -> None:
    """INSERT … SELECT: the rows' columns must be the model's key, count and hours, in order."""
    sql, params = rows.query.sql_with_params()
    columns = ", ".join((*model.KEY, "count", "hours"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {model._meta.db_table} ({columns}) {sql}", params)


def _event_rows(first: int, last: int) -> QuerySet:
    """The event facts of cases first … last, grouped by Fact.KEY, in the database."""
    counted = event_steps()
    step = DbCase(
        *(When(action=action, then=Value(str(step))) for action, step in counted.items()),
        output_field=CharField(),
    )
    return _grouped(
        TimelineEntry.objects.filter(case_id__gte=first, case_id__lte=last, action__in=counted),
        step,
    )


def _satisfied_rows(first: int, last: int) -> QuerySet:
    """SATISFIED beside each rating of a case rated 基本满意 or better."""
    return _grouped(
        TimelineEntry.objects.filter(
            case_id__gte=first,
            case_id__lte=last,
            action__in=list(RATINGS),
            case__rating__gte=SATISFIED_FROM,
        ),
        Value(str(Step.SATISFIED), output_field=CharField()),
    )


# A case imported from history has one timeline entry ("import") and the moments it carries:
# those count as its steps. It has no deadline, dispatch or feedback: it counts in no on-time
# rate and no handling time.
IMPORTED_STEPS = (
    (Step.REPORTED, "reported_at", Q()),
    (Step.ACCEPTED, "accepted_at", Q(accepted_at__isnull=False)),
    (Step.REJECTED, "reported_at", Q(status=Status.REJECTED)),
    (Step.CLOSED, "closed_at", Q(closed_at__isnull=False)),
    (Step.RATED, "closed_at", Q(closed_at__isnull=False, rating__isnull=False)),
    (Step.SATISFIED, "closed_at", Q(closed_at__isnull=False, rating__gte=SATISFIED_FROM)),
)


def _imported_rows(first: int, last: int) -> Iterable[QuerySet]:
    """The steps of imported cases first … last, one query per step, grouped by Fact.KEY."""
    cases = Case.objects.filter(pk__gte=first, pk__lte=last, source=Source.IMPORT)
    for step, moment, condition in IMPORTED_STEPS:
        yield (
            cases.filter(condition)
            .annotate(
                k_day=TruncDate(moment, tzinfo=LOCAL),
                k_department=Coalesce("department_id", 0),
                k_step=Value(str(step), output_field=CharField()),
                k_bucket=Value(0),
            )
            .values(
                "county_code",
                "k_day",
                "grid_id",
                "category_id",
                "k_department",
                "source",
                "level",
                "k_step",
                "k_bucket",
            )
            .annotate(k_count=Count("pk"), k_hours=Value(0.0))
            .order_by()
        )


def _grouped(entries: QuerySet, step) -> QuerySet:
    return (
        entries.annotate(
            k_county=F("case__county_code"),
            k_day=TruncDate("at", tzinfo=LOCAL),
            k_grid=F("case__grid_id"),
            k_category=F("case__category_id"),
            k_department=Coalesce("department_id", 0),
            k_source=F("case__source"),
            k_level=F("level"),
            k_step=step,
            k_bucket=Value(0),
        )
        .values(
            "k_county",
            "k_day",
            "k_grid",
            "k_category",
            "k_department",
            "k_source",
            "k_level",
            "k_step",
            "k_bucket",
        )
        .annotate(k_count=Count("pk"), k_hours=Value(0.0))
        .order_by()
    )


def _add_months_of(first_fact: int) -> None:
    """Add the facts added from `first_fact` on to MonthFact, by month and village, and to
    TownMonthFact, by month, town, category and department."""
    month = (
        "CAST(date_trunc('month', fact.day) AS date)"
        if connection.vendor == "postgresql"
        else "substr(fact.day, 1, 8) || '01'"  # SQLite keeps a date as YYYY-MM-DD text
    )
    regions = Region._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {MonthFact._meta.db_table} "
            f"({', '.join((*MonthFact.KEY, 'count', 'hours'))}) "
            f"SELECT fact.county_code, {month}, grid.parent_id, fact.step, fact.bucket, "
            "SUM(fact.count), SUM(fact.hours) "
            f"FROM {Fact._meta.db_table} fact "
            f"JOIN {regions} grid ON grid.id = fact.grid_id "
            f"WHERE fact.id >= %s GROUP BY 1, 2, 3, 4, 5",
            [first_fact],
        )
        cursor.execute(
            f"INSERT INTO {TownMonthFact._meta.db_table} "
            f"({', '.join((*TownMonthFact.KEY, 'count', 'hours'))}) "
            f"SELECT fact.county_code, {month}, village.parent_id, fact.category_id, "
            "fact.department_id, fact.step, fact.bucket, SUM(fact.count), SUM(fact.hours) "
            f"FROM {Fact._meta.db_table} fact "
            f"JOIN {regions} grid ON grid.id = fact.grid_id "
            f"JOIN {regions} village ON village.id = grid.parent_id "
            f"WHERE fact.id >= %s GROUP BY 1, 2, 3, 4, 5, 6, 7",
            [first_fact],
        )


def _count_states(first: int, last: int) -> None:
    """The state facts of cases first … last, and what each case added (CaseState)."""
    totals: dict[Key, list[float]] = defaultdict(lambda: [0, 0.0])
    states = []
    rows = Case.objects.filter(pk__gte=first, pk__lte=last).values_list(*CASE_FIELDS)
    for values in rows:
        case = CaseRow(**dict(zip(CASE_FIELDS, values, strict=True)))
        facts = state_facts(case)
        for key, (count, hours) in _keyed(case, facts, +1).items():
            totals[key][0] += count
            totals[key][1] += hours
        if facts:  # none kept is none added (refresh_state): most imported cases have none
            states.append((case.county_code, case.pk, json.dumps([[*fact] for fact in facts])))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {CaseState._meta.db_table} (county_code, case_id, facts) "
            "VALUES (%s, %s, %s)",
            states,
        )
    rows = [(*key, count, hours) for key, (count, hours) in totals.items() if count or hours]
    with connection.cursor() as cursor:
        cursor.executemany(_insert_sql(Fact), rows)


def count_cases(ids: list[int]) -> int:
    """Add the facts of these cases and of their timelines, which must not be counted yet: after
    emptying the tables (a rebuild), or for cases written in bulk (an import). Events are
    counted by the database (INSERT … SELECT), states here (working hours need the calendar).
    Returns how many cases were counted."""
    first_fact = (Fact.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    for first, last in _runs(sorted(ids)):
        _insert_from(Fact, _event_rows(first, last))
        _insert_from(Fact, _satisfied_rows(first, last))
        for rows in _imported_rows(first, last):
            _insert_from(Fact, rows)
        _count_states(first, last)
    _add_months_of(first_fact)
    if len(ids) >= ANALYZE_AFTER:
        refresh_statistics()
    return len(ids)


ANALYZE_AFTER = 10_000  # cases counted at once: enough new rows to change the planner's mind


def refresh_statistics() -> None:
    """Let the planner see the aggregates' new size after a bulk count: with the statistics of
    an empty table PostgreSQL joins a town's grids to a month's facts by nested loop (1.7 s
    where a hash join takes 10 ms at a million cases)."""
    tables = ", ".join(model._meta.db_table for model in (*FACT_TABLES, CaseState))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {tables}")
        else:
            for model in (*FACT_TABLES, CaseState):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


@transaction.atomic
def rebuild() -> int:
    """Recount every fact from the cases and their timelines; returns how many cases."""
    for model in (*FACT_TABLES, CaseState):
        model.objects.all().delete()
    return count_cases(list(Case.objects.order_by("pk").values_list("pk", flat=True)))


@receiver(cases_added)
def count_added(sender, case_ids: list[int], **kwargs) -> None:
    """Cases written in bulk, with their timelines (cases.imports, the demo's year)."""
    count_cases(case_ids)

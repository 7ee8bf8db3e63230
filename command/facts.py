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

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.dispatch import receiver

from cases.models import Case, Status, TimelineEntry
from cases.signals import cases_added, timeline_appended
from cases.worktime import LOCAL, working_hours_between

from .models import HOUR_BOUNDS, CaseState, Fact, Step

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
    step = EVENT_STEPS.get(action)
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


COLUMNS = ", ".join(Fact.KEY)
INSERT = (
    f"INSERT INTO {Fact._meta.db_table} ({COLUMNS}, count, hours) "
    f"VALUES ({', '.join(['%s'] * len(Fact.KEY))}, %s, %s)"
)


def add(totals: dict[Key, list[float]]) -> None:
    """Add these counts and hours to the aggregates, as new rows."""
    rows = [(*key, count, hours) for key, (count, hours) in totals.items() if count or hours]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(INSERT, rows)


# Rows whose counts and hours came back to nothing are dropped (hours are floats: a taken-back
# fact leaves a rounding residue).
KEEP = "HAVING SUM(count) <> 0 OR ABS(SUM(hours)) > 1e-6"
COMPACT_POSTGRESQL = (
    f"WITH gone AS (DELETE FROM {Fact._meta.db_table} WHERE id <= %s "
    f"RETURNING {COLUMNS}, count, hours) "
    f"INSERT INTO {Fact._meta.db_table} ({COLUMNS}, count, hours) "
    f"SELECT {COLUMNS}, SUM(count), SUM(hours) FROM gone GROUP BY {COLUMNS} {KEEP}"
)
COMPACT_SQLITE = (
    f"INSERT INTO {Fact._meta.db_table} ({COLUMNS}, count, hours) "
    f"SELECT {COLUMNS}, SUM(count), SUM(hours) FROM {Fact._meta.db_table} WHERE id <= %s "
    f"GROUP BY {COLUMNS} {KEEP}",
    f"DELETE FROM {Fact._meta.db_table} WHERE id <= %s",
)


@transaction.atomic
def compact() -> tuple[int, int]:
    """Fold the rows counted so far into one row per key (the nightly task); steps taken
    meanwhile add rows beside them and wait for nothing. Returns the rows before and after."""
    last = Fact.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return 0, 0
    before = Fact.objects.filter(pk__lte=last).count()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: what it deletes is exactly what it sums, even when a step with a
            # lower id commits while it runs.
            cursor.execute(COMPACT_POSTGRESQL, [last])
        else:
            # SQLite has one writer: from the first statement on, nothing else writes.
            for statement in COMPACT_SQLITE:
                cursor.execute(statement, [last])
    return before, Fact.objects.filter(pk__gt=last).count()


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
    totals = _keyed(case, (tuple(fact) for fact in kept.facts), -1)
    for key, (count, hours) in _keyed(case, state_facts(case), +1).items():
        totals.setdefault(key, [0, 0.0])
        totals[key][0] += count
        totals[key][1] += hours
    add(totals)
    kept.facts = now
    kept.save(update_fields=["facts"])


@receiver(timeline_appended)
def count_step(sender, entry: TimelineEntry, case: Case, **kwargs) -> None:
    """A step was taken (cases.services): count it, and what the case is now."""
    facts = event_facts(entry.action, entry.at, entry.department_id, entry.level, case.rating)
    add(_keyed(case, facts, +1))
    refresh_state(case)


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
    "closed_at",
    "rating",
)
CHUNK = 5000


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def count_cases(ids: list[int]) -> int:
    """Add the facts of these cases and of their timelines, which must not be counted yet: after
    emptying the tables (a rebuild), or for cases written in bulk (an import). Returns how many
    cases were counted."""
    totals: dict[Key, list[float]] = defaultdict(lambda: [0, 0.0])

    def merge(more: dict[Key, list[float]]) -> None:
        for key, (count, hours) in more.items():
            totals[key][0] += count
            totals[key][1] += hours

    for chunk in _chunks(ids):
        by_pk, states = {}, []
        for values in Case.objects.filter(pk__in=chunk).values_list(*CASE_FIELDS):
            case = Case(**dict(zip(("id", *CASE_FIELDS[1:]), values, strict=True)))
            by_pk[case.pk] = case
            facts = state_facts(case)
            merge(_keyed(case, facts, +1))
            states.append(
                CaseState(county_code=case.county_code, case_id=case.pk, facts=[*map(list, facts)])
            )
        CaseState.objects.bulk_create(states)
        entries = TimelineEntry.objects.filter(case_id__in=chunk).values_list(
            "case_id", "action", "at", "department_id", "level"
        )
        for case_id, action, at, department_id, level in entries:
            case = by_pk[case_id]
            merge(_keyed(case, event_facts(action, at, department_id, level, case.rating), +1))
    add(totals)
    return len(ids)


@transaction.atomic
def rebuild() -> int:
    """Recount every fact from the cases and their timelines; returns how many cases."""
    Fact.objects.all().delete()
    CaseState.objects.all().delete()
    return count_cases(list(Case.objects.order_by("pk").values_list("pk", flat=True)))


@receiver(cases_added)
def count_added(sender, case_ids: list[int], **kwargs) -> None:
    """Cases written in bulk, with their timelines (cases.imports, the demo's year)."""
    count_cases(sorted(case_ids))

"""Importing 12345 work orders (热线工单) as cases: each row checked, then written in a transaction
of its own, so that a bad row leaves nothing behind and the rows after it still go in.

An import is an ImportBatch: the upload page and `manage.py import_hotline` both create one and
run it (the page in the background), and both read its progress, counts and row errors.
"""

import math
import time
from dataclasses import dataclass
from datetime import date, datetime

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from cases.models import Case, Category, Priority, Source
from cases.services import REPORTING_ROLES, CaseError, report_case
from cases.worktime import LOCAL
from territory.grid_index import PointOutsideCounty, get_grid_index

from .layout import Sheet, WorkbookRefused, is_blank, read_workbook
from .models import BatchState, HotlineOrder, ImportBatch, RowError
from .places import AddressBook, AddressNotResolved

PROGRESS_SECONDS = 0.5  # the batch's counters are written at most this often (and at the end)

MAX_ORDER_NUMBER = HotlineOrder._meta.get_field("order_number").max_length
MAX_NAME = Case._meta.get_field("reporter_name").max_length
MAX_PHONE = Case._meta.get_field("reporter_phone").max_length
MAX_ADDRESS = Case._meta.get_field("address").max_length
MAX_DESCRIPTION = Case._meta.get_field("description").max_length
PHONE_CHARACTERS = set("0123456789+-* ")  # hotlines mask some digits: 138****0000

URGENCY_WORDS = {
    "一般": Priority.NORMAL,
    "普通": Priority.NORMAL,
    "正常": Priority.NORMAL,
    "低": Priority.NORMAL,
    "中": Priority.NORMAL,
    "紧急": Priority.URGENT,
    "加急": Priority.URGENT,
    "特急": Priority.URGENT,
    "急": Priority.URGENT,
    "高": Priority.URGENT,
    Priority.NORMAL.value: Priority.NORMAL,
    Priority.URGENT.value: Priority.URGENT,
}
TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y年%m月%d日 %H:%M")
CATEGORY_SEPARATORS = ("/", "＞", ">", "→", "-")


@dataclass(frozen=True)
class Problem:
    """What is wrong in one cell: its column's key and why."""

    key: str
    message: str


@dataclass(frozen=True)
class WorkOrder:
    """One row, checked: everything a case needs, and where it lies."""

    line: int
    order_number: str
    category: Category
    description: str
    lon: float
    lat: float
    address: str
    caller_name: str
    caller_phone: str
    priority: str
    received_at: datetime | None
    suggestion_id: int | None = None  # the category was suggested from the words (suggest/)


def suggested_category(description: str) -> tuple[Category | None, int | None]:
    """An order with no category: the one the suggester is sure of from its words, if it is
    installed and sure (and the order is a case at all), with the suggestion's log number."""
    if not description or not apps.is_installed("suggest"):
        return None, None
    from suggest.selectors import suggest
    from suggest.services import log_suggestion

    found = suggest(description)
    log = log_suggestion(found, "hotline")
    return found.best, log.pk


class RowRejected(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(problem.message for problem in problems))


def text_of(value: object) -> str:
    """A cell as text: numbers as Excel shows them (an order number or a phone typed as a number
    has no “.0”), everything else trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip()


def _time_of(value: object) -> datetime:
    """受理时间 as a Date cell, an Excel serial number, or text such as 2025-03-01 09:30."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, datetime.min.time())
    elif isinstance(value, int | float):
        moment = from_excel(value)
        if not isinstance(moment, datetime):
            raise ValueError(value)
    else:
        text = " ".join(str(value).split())
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            for pattern in TIME_FORMATS:
                try:
                    moment = datetime.strptime(text, pattern)
                    break
                except ValueError:
                    continue
            else:
                raise
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL)


def _degrees(value: object, low: float, high: float) -> float:
    number = float(text_of(value))
    if not math.isfinite(number) or not low <= number <= high:
        raise ValueError(value)
    return number


class OrderChecker:
    """Checks rows against what one import loads once: categories, the gazetteer, the grids."""

    def __init__(self):
        leaves = Category.objects.filter(is_active=True, children__isnull=True)
        self.by_code = {category.code: category for category in leaves}
        self.by_name: dict[str, list[Category]] = {}
        for category in self.by_code.values():
            self.by_name.setdefault(category.name, []).append(category)
        self.address_book = AddressBook()
        self.grid_index = get_grid_index()

    def category(self, text: str) -> Category:
        """By code (E0101), name (暴露垃圾), both (E0101 暴露垃圾) or the hotline's path ending in
        the name (城市管理/市容环境/暴露垃圾)."""
        candidates = [text]
        parts = text.split()
        if len(parts) > 1:
            candidates += [parts[0], " ".join(parts[1:])]
        for separator in CATEGORY_SEPARATORS:
            if separator in text:
                candidates.append(text.rsplit(separator, 1)[1].strip())
        for candidate in candidates:
            if candidate in self.by_code:
                return self.by_code[candidate]
            named = self.by_name.get(candidate, [])
            if len(named) == 1:
                return named[0]
            if len(named) > 1:
                raise ValueError(
                    _("“%(value)s” names several categories: write its code (%(codes)s)")
                    % {"value": text, "codes": "、".join(sorted(c.code for c in named))}
                )
        raise ValueError(
            _("“%(value)s” is not the code or name of a specific category") % {"value": text}
        )

    def check(self, line: int, cells: dict[str, object]) -> WorkOrder:
        """The row as a work order, or RowRejected with every problem found in it."""
        problems: list[Problem] = []
        text = {key: text_of(value) for key, value in cells.items()}

        order_number = text.get("order_number", "")
        if not order_number:
            problems.append(Problem("order_number", _("is empty")))
        elif len(order_number) > MAX_ORDER_NUMBER:
            problems.append(Problem("order_number", _too_long(MAX_ORDER_NUMBER)))

        category, suggestion_id = None, None
        if not text.get("category"):
            category, suggestion_id = suggested_category(text.get("description", ""))
            if category is None:
                problems.append(
                    Problem("category", _("is empty, and its words do not say which clearly"))
                )
        else:
            try:
                category = self.category(text["category"])
            except ValueError as error:
                problems.append(Problem("category", str(error)))

        description = text.get("description", "")
        if not description:
            problems.append(Problem("description", _("is empty")))
        elif len(description) > MAX_DESCRIPTION:
            problems.append(Problem("description", _too_long(MAX_DESCRIPTION)))

        caller_name, caller_phone = text.get("caller_name", ""), text.get("caller_phone", "")
        if len(caller_name) > MAX_NAME:
            problems.append(Problem("caller_name", _too_long(MAX_NAME)))
        # The number is not repeated in the message: the error report is no place for it.
        if len(caller_phone) > MAX_PHONE or not set(caller_phone) <= PHONE_CHARACTERS:
            problems.append(
                Problem("caller_phone", _("is not a phone number: digits, spaces, +, - and *"))
            )

        address = text.get("address", "")
        if len(address) > MAX_ADDRESS:
            problems.append(Problem("address", _too_long(MAX_ADDRESS)))

        priority = Priority.NORMAL
        if text.get("urgency"):
            priority = URGENCY_WORDS.get(text["urgency"].lower())
            if priority is None:
                problems.append(
                    Problem(
                        "urgency",
                        _("“%(value)s” is neither 一般 (normal) nor 紧急 (urgent)")
                        % {"value": text["urgency"]},
                    )
                )

        received_at = None
        if not is_blank(cells.get("received_at")):
            try:
                received_at = _time_of(cells["received_at"])
            except (ValueError, TypeError, OverflowError):
                problems.append(
                    Problem("received_at", _("must be a date and time like 2025-03-01 09:30"))
                )

        point = self._place(text, problems)
        if problems:
            raise RowRejected(problems)
        return WorkOrder(
            line=line,
            order_number=order_number,
            category=category,
            description=description,
            lon=point[0],
            lat=point[1],
            address=address,
            caller_name=caller_name,
            caller_phone=caller_phone,
            priority=priority,
            received_at=received_at,
            suggestion_id=suggestion_id,
        )

    def _place(self, text: dict[str, str], problems: list[Problem]) -> tuple[float, float]:
        """The row's point: its coordinates if it has them, else the gazetteer's for its address."""
        lon_text, lat_text = text.get("lon", ""), text.get("lat", "")
        if lon_text or lat_text:
            try:
                lon, lat = _degrees(lon_text, -180, 180), _degrees(lat_text, -90, 90)
            except ValueError:
                problems.append(Problem("lon/lat", _("must be numbers (WGS-84 degrees)")))
                return (0.0, 0.0)
            try:
                self.grid_index.locate(lon, lat)
            except PointOutsideCounty:
                problems.append(
                    Problem(
                        "lon/lat",
                        _("(%(lon)s, %(lat)s) is outside every grid of the county")
                        % {"lon": lon, "lat": lat},
                    )
                )
            return (lon, lat)
        address = text.get("address", "")
        if not address:
            problems.append(
                Problem("address", _("the order has neither coordinates nor an address"))
            )
            return (0.0, 0.0)
        try:
            place = self.address_book.resolve(address)
        except AddressNotResolved as error:
            problems.append(Problem("address", str(error)))
            return (0.0, 0.0)
        return (place.lon, place.lat)


def _too_long(limit: int) -> str:
    return _("is longer than %(count)s characters") % {"count": limit}


def order_imported(order_number: str, county_code: str | None = None) -> bool:
    return HotlineOrder.objects.filter(
        county_code=county_code or settings.COUNTY_CODE, order_number=order_number
    ).exists()


def import_order(order: WorkOrder, *, batch: ImportBatch, reporter) -> Case | None:
    """立案 from a work order: the case and its order number in one transaction; None when the
    order was imported before (a repeat, not an error). CaseError when the case is refused."""
    if order_imported(order.order_number, batch.county_code):
        return None
    try:
        with transaction.atomic():
            case = report_case(
                reporter=reporter,
                category=order.category,
                description=order.description,
                lon=order.lon,
                lat=order.lat,
                source=Source.HOTLINE,
                address=order.address,
                reporter_name=order.caller_name,
                reporter_phone=order.caller_phone,
                priority=order.priority,
                timeline_note=_("12345 work order %(number)s") % {"number": order.order_number}
                + (_(" (category suggested from its words)") if order.suggestion_id else ""),
                # The order holds what the caller told the hotline, not answers to our
                # category's questions: refusing it for them would lose the order.
                questions_required=False,
            )
            HotlineOrder.objects.create(
                county_code=case.county_code,
                order_number=order.order_number,
                case=case,
                batch=batch,
                received_at=order.received_at,
            )
            if order.suggestion_id:
                from suggest.services import record_choice

                record_choice(order.suggestion_id, case)
    except IntegrityError:
        if order_imported(order.order_number, batch.county_code):
            return None  # another import took the same order at the same moment
        raise
    return case


def create_batch(*, file_name: str, data: bytes, user=None, language: str = "") -> ImportBatch:
    return ImportBatch.objects.create(
        file_name=file_name[:200], workbook=data, uploaded_by=user, language=language
    )


def start_import(*, file_name: str, data: bytes, user, language: str = "") -> ImportBatch:
    """The upload page's import: the batch now, its rows in the background once it is stored."""
    from .tasks import import_hotline_batch

    with transaction.atomic():
        batch = create_batch(file_name=file_name, data=data, user=user, language=language)
        transaction.on_commit(lambda: import_hotline_batch(batch.pk))
    return batch


def run_import(batch_id: int) -> ImportBatch:
    """Import a waiting batch's rows (once: a second run of the same batch does nothing)."""
    claimed = ImportBatch.objects.filter(pk=batch_id, state=BatchState.QUEUED).update(
        state=BatchState.RUNNING, started_at=timezone.now()
    )
    batch = ImportBatch.objects.get(pk=batch_id)
    if not claimed:
        return batch
    with translation.override(batch.language or settings.LANGUAGE_CODE):
        _BatchRun(batch).run()
    return batch


class _BatchRun:
    def __init__(self, batch: ImportBatch):
        self.batch = batch
        user = batch.uploaded_by
        # An operator's import is theirs on the timeline, as when they take a call themselves;
        # an administrator does not report cases, so theirs has no reporter (the batch says who).
        self.reporter = user if user is not None and user.role in REPORTING_ROLES else None
        self.last_saved = time.monotonic()

    def run(self) -> None:
        batch = self.batch
        try:
            sheet = read_workbook(bytes(batch.workbook or b""))
        except WorkbookRefused as refusal:
            self.finish(BatchState.REFUSED, str(refusal))
            return
        batch.total_rows = len(sheet.rows)
        batch.save(update_fields=["total_rows"])
        try:
            checker = OrderChecker()
            for line, cells in sheet.rows:
                self.import_row(sheet, checker, line, cells)
        except Exception:
            self.finish(
                BatchState.STOPPED,
                _(
                    "The import stopped after %(done)s rows. The rows before are kept: import the "
                    "file again to finish (they will be skipped as repeats)."
                )
                % {"done": batch.done_rows},
            )
            raise
        self.finish(BatchState.DONE)

    def import_row(self, sheet: Sheet, checker: OrderChecker, line: int, cells: dict) -> None:
        batch = self.batch
        number = text_of(cells.get("order_number"))[:MAX_ORDER_NUMBER]
        try:
            if number and order_imported(number, batch.county_code):
                batch.skipped += 1  # a repeat is skipped before its other cells are judged
            else:
                order = checker.check(line, cells)
                if import_order(order, batch=batch, reporter=self.reporter) is None:
                    batch.skipped += 1
                else:
                    batch.created += 1
        except RowRejected as rejected:
            self.fail(sheet, line, number, rejected.problems)
        except CaseError as error:
            self.fail(sheet, line, number, [Problem("category", str(error))])
        except DatabaseError as error:
            self.fail(
                sheet, line, number, [Problem("", _("not saved: %(error)s") % {"error": error})]
            )
        batch.done_rows += 1
        if time.monotonic() - self.last_saved >= PROGRESS_SECONDS:
            self.save_progress()

    def fail(self, sheet: Sheet, line: int, number: str, problems: list[Problem]) -> None:
        self.batch.failed += 1
        RowError.objects.bulk_create(
            RowError(
                county_code=self.batch.county_code,
                batch=self.batch,
                line=line,
                order_number=number,
                column=sheet.header(problem.key),
                message=problem.message[:300],
            )
            for problem in problems
        )

    def save_progress(self) -> None:
        self.batch.save(update_fields=["done_rows", "created", "skipped", "failed"])
        self.last_saved = time.monotonic()

    def finish(self, state: str, file_error: str = "") -> None:
        batch = self.batch
        batch.state = state
        batch.file_error = file_error
        batch.workbook = None  # read: its callers' names and phones now live only on the cases
        batch.finished_at = timezone.now()
        batch.save()

"""12345 hotline work orders (热线工单) imported from the hotline's .xlsx exports: each import's
progress and outcome, the rows it could not take, and the order number kept beside each case."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wangge.county import county_code_field, county_id_unique


class BatchState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    REFUSED = (
        "refused",
        _("File refused"),
    )  # not a workbook, headers missing, no rows: nothing written
    STOPPED = "stopped", _("Stopped")  # an unexpected failure midway: the rows done are kept


class ImportBatch(models.Model):
    """One uploaded (or command-line) workbook and how its import went, row by row."""

    county_code = county_code_field()
    file_name = models.CharField(_("file"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The uploader's language, which the background task writes the row errors in (blank: the
    # site's default).
    language = models.CharField(max_length=16, blank=True)
    # The workbook as uploaded, until the task has read it: it holds callers' names and phones,
    # so it is not kept once its rows are cases (PIPL: only as long as the duty needs).
    workbook = models.BinaryField(null=True, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=BatchState.choices, default=BatchState.QUEUED
    )
    file_error = models.TextField(_("why the file was refused"), blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    done_rows = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("cases created"), default=0)
    skipped = models.PositiveIntegerField(_("repeats skipped"), default=0)
    failed = models.PositiveIntegerField(_("rows failed"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hotline import")
        verbose_name_plural = _("hotline imports")
        ordering = ["-created_at", "-id"]
        constraints = [county_id_unique("importbatch")]
        indexes = [models.Index(fields=["county_code", "created_at"], name="hotline_batch_recent")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_finished(self) -> bool:
        return self.state in (BatchState.DONE, BatchState.REFUSED, BatchState.STOPPED)

    @property
    def percent(self) -> int:
        """How far the import has come, 0–100, for the progress bar."""
        if self.is_finished:
            return 100
        return self.done_rows * 100 // self.total_rows if self.total_rows else 0


class RowError(models.Model):
    """Why one cell of one row kept the row out: the Excel line, the column as headed, the reason."""

    county_code = county_code_field()
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    line = models.PositiveIntegerField(_("line"))
    order_number = models.CharField(_("work order number"), max_length=40, blank=True)
    column = models.CharField(_("column"), max_length=60, blank=True)
    message = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("row error")
        verbose_name_plural = _("row errors")
        ordering = ["line", "id"]
        constraints = [county_id_unique("rowerror")]

    def __str__(self) -> str:
        return f"{self.line} {self.column}: {self.message}"


class HotlineOrder(models.Model):
    """The hotline's work order number (工单编号) of a case: what a re-import is matched on, and
    what the hotline platform asks about when it follows its order up."""

    county_code = county_code_field()
    order_number = models.CharField(_("work order number"), max_length=40)
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="hotline_order"
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    received_at = models.DateTimeField(_("received by the hotline"), null=True, blank=True)

    class Meta:
        verbose_name = _("hotline work order")
        verbose_name_plural = _("hotline work orders")
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "order_number"], name="hotline_order_unique_in_county"
            ),
            county_id_unique("hotlineorder"),
        ]

    def __str__(self) -> str:
        return self.order_number

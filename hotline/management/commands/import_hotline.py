from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from hotline.layout import MAX_WORKBOOK_BYTES, WorkbookRefused, read_workbook
from hotline.models import BatchState
from hotline.selectors import row_errors
from hotline.services import create_batch, run_import
from staff.models import User


class Command(BaseCommand):
    help = (
        "Import 12345 hotline work orders from the platform's .xlsx export as cases "
        "(docs/hotline.md). Each row goes in on its own; orders imported before are skipped."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--user", help="the centre operator the cases are reported by (default: none)"
        )

    def handle(self, *args, **options):
        # No one's request to take a language from: the site's own, as the row errors are in.
        with translation.override(settings.LANGUAGE_CODE):
            self.import_file(options["path"], options["user"])

    def import_file(self, path: Path, user: str | None) -> None:
        importer = None
        if user:
            importer = User.objects.filter(username=user).first()
            if importer is None:
                raise CommandError(_("No user %(username)s.") % {"username": user})
        try:
            if path.stat().st_size > MAX_WORKBOOK_BYTES:
                raise CommandError(f"{path}: " + _("The file is larger than 10 MB: split it."))
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error}") from error
        try:
            read_workbook(data)  # a bad file is refused before any batch is recorded
        except WorkbookRefused as refusal:
            raise CommandError(f"{path}: {refusal}") from None
        batch = create_batch(file_name=path.name, data=data, user=importer)
        batch = run_import(batch.pk)
        for error in row_errors(batch):
            self.stdout.write(
                _("line %(line)s, %(column)s: %(message)s")
                % {"line": error.line, "column": error.column or "—", "message": error.message}
            )
        summary = _(
            "%(total)s rows: %(created)s cases created, %(skipped)s repeats skipped, "
            "%(failed)s rows failed."
        ) % {
            "total": batch.total_rows,
            "created": batch.created,
            "skipped": batch.skipped,
            "failed": batch.failed,
        }
        self.stdout.write(summary)
        if batch.state != BatchState.DONE:
            raise CommandError(batch.file_error)
        if batch.failed:
            raise CommandError(
                _("%(failed)s rows were not imported: fix them and import the file again.")
                % {"failed": batch.failed}
            )

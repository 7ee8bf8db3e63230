from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from .layout import MAX_WORKBOOK_BYTES, WorkbookRefused, read_workbook


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label=_("Work orders (.xlsx)"),
        help_text=_("The 12345 platform's export, up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_workbook(self):
        """Refused here, before any batch exists, when the file will not do as a whole: its name,
        its size, its content (an .xlsx with the required headers and some rows)."""
        upload = self.cleaned_data["workbook"]
        if PurePath(upload.name).suffix.lower() != ".xlsx":
            raise forms.ValidationError(_("Choose an .xlsx file (Excel 2007 or later)."))
        if upload.size > MAX_WORKBOOK_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB: split it."))
        data = upload.read()
        try:
            read_workbook(data)
        except WorkbookRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        self.data_bytes = data
        return upload

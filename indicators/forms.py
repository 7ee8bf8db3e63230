from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DataElement, ValueType
from .services import MAX_VALUE


class FiguresForm(forms.Form):
    """One field per figure of a data set; an empty field is "not entered", not zero."""

    def __init__(self, elements: list[DataElement], *args, **kwargs):
        super().__init__(*args, **kwargs)
        for element in elements:
            whole = element.value_type == ValueType.WHOLE
            self.fields[element.code] = forms.DecimalField(
                label=f"{element.label}（{element.unit}）",
                required=False,
                min_value=0,
                max_value=MAX_VALUE,
                max_digits=14,
                decimal_places=0 if whole else 2,
                widget=forms.NumberInput(
                    attrs={
                        "inputmode": "numeric" if whole else "decimal",
                        "step": "1" if whole else "0.01",
                        "min": "0",
                    }
                ),
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        help_text=_(
            "First row: 网格编码 and one column per figure (its name or code); one row per grid."
        ),
    )

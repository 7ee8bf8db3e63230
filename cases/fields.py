"""Form fields the case core declares its inputs with (see workflow.Input)."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .photos import not_a_photo, photo_type

MAX_PHOTOS = 9


# Django 5.2 needs its own field for <input type=file multiple>.
class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several images; each is checked by Pillow (ImageField), must be of a type a browser shows
    (cases.photos.PHOTO_TYPES) and no larger than MAX_PHOTO_BYTES."""

    def __init__(self, *args, max_count: int = MAX_PHOTOS, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)
        self.max_count = max_count

    def clean(self, data, initial=None):
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > self.max_count:
            raise forms.ValidationError(
                _("Attach at most %(count)s photos.") % {"count": self.max_count}, code="too_many"
            )
        single_clean = super().clean
        return [single_clean(item, initial) for item in files]

    def validate(self, value):
        super().validate(value)
        if value and photo_type(value) is None:  # an image, but not one a browser shows
            raise forms.ValidationError(not_a_photo(value.name), code="invalid_image")
        if value and value.size > settings.MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                _("The photo %(name)s is larger than %(limit)s.")
                % {"name": value.name, "limit": filesizeformat(settings.MAX_PHOTO_BYTES)},
                code="too_large",
            )

"""Case photos as files: their real type, read from the content, and no file left behind by a
transaction that did not commit."""

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError


@dataclass(frozen=True)
class PhotoType:
    extension: str
    content_type: str


# The types every browser shows. Pillow reads more (TIFF, BMP, PSD …): those are refused.
PHOTO_TYPES = {
    "JPEG": PhotoType("jpg", "image/jpeg"),
    "MPO": PhotoType("jpg", "image/jpeg"),  # a JPEG with extra pictures: many phones' cameras
    "PNG": PhotoType("png", "image/png"),
    "GIF": PhotoType("gif", "image/gif"),
    "WEBP": PhotoType("webp", "image/webp"),
}


def not_a_photo(name: str) -> str:
    return _("The file %(name)s is not a photo (JPEG, PNG, GIF or WebP).") % {"name": name}


def photo_type(file: IO[bytes]) -> PhotoType | None:
    """The image type Pillow finds in the file's content (its name and the browser's claim are
    not looked at), or None when it is not one of PHOTO_TYPES."""
    file.seek(0)
    try:
        with Image.open(file) as image:
            found = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError):
        found = None
    finally:
        file.seek(0)
    return PHOTO_TYPES.get(found)


# Files written by the service now running in this context (see removed_on_rollback).
_written: ContextVar[list[FieldFile] | None] = ContextVar("photo_files_written", default=None)


def removed_on_rollback(service: Callable) -> Callable:
    """Put above a service's @transaction.atomic: the photo files it wrote are deleted when it
    raises, because its transaction (or its savepoint) was rolled back and no row names them.

    Why not transaction.on_commit: it runs only on commit, and a rolled-back transaction drops its
    callbacks without a word, so there is no hook to delete on. Why not write the files on commit:
    a failed write would then leave a committed row without its photo. So the files are written
    inside the transaction (a write that fails rolls the rows back) and the exception that ends
    the transaction deletes them: that covers a refusal half-way, a database error and a failed
    COMMIT, which raises out of the atomic block this wraps. A caller that runs a service inside
    a transaction of its own and rolls that back afterwards is out of sight here; services are
    whole transactions (STYLE.md) and views call them outside any (no ATOMIC_REQUESTS).
    """

    @functools.wraps(service)
    def run(*args, **kwargs):
        if _written.get() is not None:  # a service inside another: the outer one cleans up
            return service(*args, **kwargs)
        written: list[FieldFile] = []
        token = _written.set(written)
        try:
            return service(*args, **kwargs)
        except BaseException:
            for file in written:
                file.storage.delete(file.name)
            raise
        finally:
            _written.reset(token)

    return run


def note_written(file: FieldFile) -> None:
    """Record a photo file just written, to be deleted if the running service fails."""
    written = _written.get()
    if written is None:
        raise RuntimeError("photo files are written only by a service under removed_on_rollback")
    written.append(file)

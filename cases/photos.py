"""Case photos as files: their real type, read from the content, the smaller copies a page shows,
and no file left behind by a transaction that did not commit."""

import functools
import io
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO

from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from .models import CasePhoto, Status


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


def damaged_photo(name: str) -> str:
    return _("The photo %(name)s could not be read: it may be damaged.") % {"name": name}


# The copies a page shows instead of the original (a phone's photo is 3-5 MB): the display size
# behind a click and the thumbnail in the list, by their longest side in pixels.
DISPLAY_SIDE = 1024
THUMBNAIL_SIDE = 320
COPY_QUALITY = 80  # JPEG


class UnreadablePhoto(Exception):
    """Pillow knows the type but cannot decode the picture (a truncated or damaged file)."""


def smaller_copies(file: IO[bytes]) -> tuple[ContentFile, ContentFile]:
    """The display size and the thumbnail of a photo, as JPEG files: turned upright by its EXIF
    orientation, and without its EXIF, XMP or comment (where it was taken, with which phone).

    The photo is decoded once, a JPEG at the smallest fraction of its size that still covers the
    display size (Pillow's draft), and the thumbnail is made from the display copy.
    """
    file.seek(0)
    try:
        with Image.open(file) as image:
            image.draft(None, (DISPLAY_SIDE, DISPLAY_SIDE))
            upright = ImageOps.exif_transpose(image)  # a copy: the first frame of an animation
            display = _flattened(upright)
            display.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE), Image.Resampling.LANCZOS)
            thumbnail = display.copy()
            thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as error:
        raise UnreadablePhoto from error
    finally:
        file.seek(0)
    return _as_jpeg(display), _as_jpeg(thumbnail)


def _flattened(image: Image.Image) -> Image.Image:
    """RGB, transparent parts on white (JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _as_jpeg(image: Image.Image) -> ContentFile:
    image.info = {}  # nothing of the original's metadata is carried over (Pillow reads some)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=COPY_QUALITY, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


# What the case page calls the photos of a stage: a photo's stage is the status its step moved
# the case to (the report, 处置反馈 by the department, 核查 by the grid worker).
STAGE_CAPTIONS = {
    Status.REPORTED: gettext_lazy("Reported photos"),  # 上报照片
    Status.FED_BACK: gettext_lazy("Photos after handling"),  # 处置后照片
    Status.VERIFIED: gettext_lazy("Verification photos"),  # 核查照片
}


@dataclass(frozen=True)
class PhotoGroup:
    stage: str
    caption: str
    photos: list[CasePhoto]


def photos_by_stage(photos: Iterable[CasePhoto]) -> list[PhotoGroup]:
    """The photos grouped by stage, the stages in the order their first photo came."""
    groups: dict[str, list[CasePhoto]] = {}
    for photo in photos:
        groups.setdefault(photo.stage, []).append(photo)
    return [PhotoGroup(stage, _stage_caption(group[0]), group) for stage, group in groups.items()]


def _stage_caption(photo: CasePhoto) -> str:
    caption = STAGE_CAPTIONS.get(photo.stage)
    return caption or _("Photos (%(stage)s)") % {"stage": photo.get_stage_display()}


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

"""A case photo in three sizes: the original as sent, and the display size and thumbnail the case
page shows, made at upload, upright and without EXIF; each stage's photos under their caption."""

import functools
import hashlib
import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import ExifTags, Image

from cases.errors import InputError
from cases.models import Case, CasePhoto, Status
from cases.photos import DISPLAY_SIDE, THUMBNAIL_SIDE
from cases.services import take_action
from cases.tests.test_pages import log_in, png
from cases.tests.test_photos import report_with, stored_files
from conftest import IN_FIRST_GRID
from privacy.retention import anonymise

PHONE_SIZE = (4000, 3000)  # as the sensor saw it; EXIF orientation 6: shown turned, 3000 × 4000
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (33.0, 9.0, 36.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (107.0, 3.0, 0.0),
}
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>33,9.6N</exif:GPSLatitude></x:xmpmeta>'
)


@functools.cache
def phone_photo() -> bytes:
    """A phone camera's JPEG: 4000 × 3000 of detail that compresses badly (about 4.7 MB), lying
    on its side with EXIF orientation 6, the place in EXIF GPS and XMP, the phone named."""
    rng = np.random.default_rng(7)
    width, height = PHONE_SIZE
    coarse = Image.fromarray(rng.integers(0, 256, (60, 80, 3), dtype=np.uint8))
    base = np.asarray(coarse.resize(PHONE_SIZE, Image.Resampling.BICUBIC), dtype=np.int16)
    pixels = np.clip(base + rng.normal(0, 14, (height, width, 3)), 0, 255).astype(np.uint8)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 13"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(
        buffer, "JPEG", quality=89, exif=exif, xmp=XMP, comment=b"Zhang San's phone"
    )
    return buffer.getvalue()


def phone_upload(name: str = "IMG_0001.JPG") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, phone_photo(), content_type="image/jpeg")


def assert_a_clean_copy(data: bytes, longest_side: int) -> Image.Image:
    """A JPEG no longer than its side, and nothing of where it was taken or with what."""
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert max(image.size) == longest_side
    exif = image.getexif()
    assert len(exif) == 0 and not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert b"GPS" not in data and b"iPhone" not in data and b"Zhang" not in data
    return image


def test_the_phone_photo_is_what_a_phone_sends():
    data = phone_photo()
    assert 4_000_000 < len(data) < 5_000_000
    image = Image.open(io.BytesIO(data))
    assert image.size == PHONE_SIZE
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == GPS


def test_a_photo_is_stored_as_sent_with_an_upright_display_size_and_thumbnail_without_exif(
    people, categories
):
    case = report_with(people, categories, [phone_upload()])
    photo = case.photos.get()
    with photo.image.open("rb") as original:
        assert hashlib.sha256(original.read()).digest() == hashlib.sha256(phone_photo()).digest()
    with photo.display.open("rb") as file:
        display = assert_a_clean_copy(file.read(), DISPLAY_SIDE)
    with photo.thumbnail.open("rb") as file:
        thumbnail = assert_a_clean_copy(file.read(), THUMBNAIL_SIDE)
    # Turned by the orientation tag: the sensor's 4000 × 3000 stands 3000 × 4000.
    assert display.size == (768, 1024) and thumbnail.size == (240, 320)
    assert photo.display.name.endswith(".jpg") and photo.thumbnail.name.endswith(".jpg")
    assert len({photo.image.name, photo.display.name, photo.thumbnail.name}) == 3
    assert photo.display.size < 400_000 and photo.thumbnail.size < 40_000


def test_a_small_photo_is_not_enlarged_and_transparency_turns_white(people, categories):
    buffer = io.BytesIO()
    Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(buffer, "PNG")
    upload = SimpleUploadedFile("clear.png", buffer.getvalue(), content_type="image/png")
    photo = report_with(people, categories, [upload]).photos.get()
    with photo.display.open("rb") as file:
        display = Image.open(file)
        display.load()
    assert display.size == (200, 100)
    assert min(display.getpixel((100, 50))) > 245  # white, not the black of a naive conversion


def test_a_report_refused_half_way_leaves_none_of_the_three_files(people, categories, media_root):
    not_a_photo = SimpleUploadedFile("b.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(InputError):
        report_with(people, categories, [png("a.png"), not_a_photo])
    assert not CasePhoto.objects.exists()
    assert stored_files(media_root) == []


def test_a_photo_that_cannot_be_decoded_is_refused_with_its_name(people, categories, media_root):
    truncated = phone_photo()[:200_000]  # the header reads, the picture does not
    upload = SimpleUploadedFile("IMG_0002.JPG", truncated, content_type="image/jpeg")
    with translation.override("en"), pytest.raises(InputError) as refused:
        report_with(people, categories, [upload])
    assert "IMG_0002.JPG" in refused.value.errors["photos"][0]
    assert "damaged" in refused.value.errors["photos"][0]
    assert not Case.objects.exists() and stored_files(media_root) == []


def served(client, case: Case, photo: CasePhoto, size: str | None = None):
    url = f"/cases/{case.code}/photos/{photo.pk}/"
    return client.get(url, {"size": size} if size else {})


def test_each_size_is_served_with_the_same_access_check_and_kept_by_no_cache(
    client, people, categories
):
    case = report_with(people, categories, [phone_upload()])
    photo = case.photos.get()
    log_in(client, people["town_operator"])
    lengths = {}
    for size in ("thumb", "display", "original", None):
        response = served(client, case, photo, size)
        assert response.status_code == 200, size
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        lengths[size] = len(b"".join(response.streaming_content))
    assert lengths["thumb"] < lengths["display"] < lengths["original"] == lengths[None]
    assert lengths["original"] == len(phone_photo())
    assert served(client, case, photo, "huge").status_code == 404

    log_in(client, people["other_town_operator"])
    for size in ("thumb", "display", "original"):
        assert served(client, case, photo, size).status_code == 404
    client.logout()
    assert served(client, case, photo, "thumb").status_code == 302  # to the login page


def test_a_photo_stored_before_copies_were_made_is_served_in_its_original_size(
    client, people, categories
):
    case = report_with(people, categories, [png()])
    photo = case.photos.get()
    CasePhoto.objects.filter(pk=photo.pk).update(display=None, thumbnail=None)
    log_in(client, people["grid_worker"])
    for size in ("thumb", "display"):
        response = served(client, case, photo, size)
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def walk(case: Case, people, *steps) -> Case:
    for who, action, inputs in steps:
        case = take_action(case, people[who], action, inputs)
    return case


TO_HANDLING = (
    ("town_operator", "accept", {}),
    ("town_operator", "dispatch", {}),
    ("urban_handler", "start", {}),
)


def test_verification_takes_photos_stored_at_its_stage_and_shown_under_each_caption(
    client, people, categories
):
    case = report_with(people, categories, [phone_upload("report.jpg")])
    case = walk(
        case,
        people,
        *TO_HANDLING,
        ("urban_handler", "feed_back", {"note": "已清运", "photos": [png("after.png")]}),
        ("grid_worker", "verify", {"photos": [png("check.png")]}),
    )
    photos = list(case.photos.order_by("pk"))
    assert [photo.stage for photo in photos] == [Status.REPORTED, Status.FED_BACK, Status.VERIFIED]
    assert all(photo.display and photo.thumbnail for photo in photos)

    log_in(client, people["grid_worker"])
    response = client.get(f"/cases/{case.code}/")
    groups = response.context["photo_groups"]
    assert [group.stage for group in groups] == ["reported", "fed_back", "verified"]
    page = response.content.decode()
    with translation.override("zh-hans"):
        captions = [
            gettext(text)
            for text in ("Reported photos", "Photos after handling", "Verification photos")
        ]
    positions = [
        page.index(f'<figcaption class="photo-stage__caption">{c}</figcaption>') for c in captions
    ]
    assert positions == sorted(positions)
    for photo in photos:
        url = f"/cases/{case.code}/photos/{photo.pk}/"
        assert f'src="{url}?size=thumb"' in page  # the list loads thumbnails only
        assert f'href="{url}?size=display"' in page
        assert f'href="{url}"' in page  # the original, one click away
    assert f'src="/cases/{case.code}/photos/{photos[0].pk}/"' not in page


def test_the_steps_with_photos_offer_them_in_a_multipart_form(client, people, categories):
    case = walk(report_with(people, categories, []), people, *TO_HANDLING)
    log_in(client, people["urban_handler"])
    page = client.get(f"/cases/{case.code}/").content.decode()
    feed_back = page[page.index('action="/cases/' + case.code + '/act/feed_back/"') :]
    feed_back = feed_back[: feed_back.index("</form>")]
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="photos"' in feed_back and "data-photo-field" in feed_back

    case = walk(case, people, ("urban_handler", "feed_back", {"note": "已清运"}))
    log_in(client, people["grid_worker"])
    response = client.post(
        f"/cases/{case.code}/act/verify/", {"note": "现场已清理", "photos": [png("check.png")]}
    )
    assert response.status_code == 302
    assert case.photos.get().stage == Status.VERIFIED


def test_a_form_sent_by_the_photo_script_is_told_where_to_go_and_keeps_its_message(
    client, people, categories
):
    lon, lat = IN_FIRST_GRID
    log_in(client, people["grid_worker"])
    form = {
        "category": categories["rubbish"].pk,
        "description": "村口垃圾堆积",
        "priority": "normal",
        "lon": lon,
        "lat": lat,
        "photos": [png()],
    }
    response = client.post("/cases/report/", form, headers={"X-Requested-With": "XMLHttpRequest"})
    case = Case.objects.get()
    assert response.status_code == 204 and response["X-Redirect"] == f"/cases/{case.code}/"
    page = client.get(response["X-Redirect"])
    assert case.code in str(list(page.context["messages"])[0])

    refused = client.post(
        "/cases/report/", form | {"lon": ""}, headers={"X-Requested-With": "XMLHttpRequest"}
    )
    assert refused.status_code == 400 and refused["Content-Type"].startswith("text/html")


def test_retention_deletes_the_copies_with_the_original(
    people, categories, media_root, django_capture_on_commit_callbacks
):
    case = report_with(people, categories, [png()])
    assert len(stored_files(media_root)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        anonymise([case.pk], timezone.now())
    assert stored_files(media_root) == []

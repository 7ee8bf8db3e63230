"""Case photos as files: named by the server, typed by their content, never left behind by a
report that failed, served only fresh to those who may see the case, and uploads capped."""

import io
import logging
import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from cases.errors import CaseError, InputError
from cases.models import Case, CasePhoto
from cases.photos import removed_on_rollback
from cases.services import report_case
from cases.tests.test_pages import REPORT, log_in, png
from conftest import IN_FIRST_GRID

GENERATED_NAME = re.compile(r"^cases/610722/\d{10}/[0-9a-f]{32}\.(png|jpg)$")


def stored_files(media_root) -> list:
    return [path for path in media_root.rglob("*") if path.is_file()]


def report_with(people, categories, photos) -> Case:
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"],
        category=categories["rubbish"],
        description="路边垃圾堆积",
        lon=lon,
        lat=lat,
        photos=photos,
    )


def test_a_png_sent_as_pdf_is_stored_and_served_as_png(client, people, categories, media_root):
    lon, lat = IN_FIRST_GRID
    log_in(client, people["grid_worker"])
    disguised = SimpleUploadedFile("x.pdf", png().read(), content_type="application/pdf")
    response = client.post(
        REPORT,
        {
            "category": categories["rubbish"].pk,
            "description": "路边垃圾堆积",
            "priority": "normal",
            "lon": lon,
            "lat": lat,
            "photos": [disguised, png("x.png")],
        },
    )
    assert response.status_code == 302
    first, second = CasePhoto.objects.order_by("pk")
    assert GENERATED_NAME.match(first.image.name) and first.image.name.endswith(".png")
    assert first.image.name != second.image.name  # never the uploader's name, never shared

    log_in(client, people["town_operator"])
    served = client.get(f"/cases/{first.case.code}/photos/{first.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("kind", ["JPEG", "MPO"])  # MPO: a JPEG as many phones' cameras write it
def test_a_jpeg_is_stored_with_its_own_extension(people, categories, kind):
    buffer = io.BytesIO()
    image = Image.new("RGB", (8, 8), (10, 120, 200))
    image.save(
        buffer, kind, **({"save_all": True, "append_images": [image]} if kind == "MPO" else {})
    )
    upload = SimpleUploadedFile("IMG_0001.PNG", buffer.getvalue(), content_type="image/png")
    case = report_with(people, categories, [upload])
    assert GENERATED_NAME.match(case.photos.get().image.name).group(1) == "jpg"


def test_photos_are_sent_private_and_never_stored_by_the_browser(client, people, categories):
    case = report_with(people, categories, [png()])
    log_in(client, people["grid_worker"])
    response = client.get(f"/cases/{case.code}/photos/{case.photos.get().pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_a_photo_whose_file_is_missing_answers_404_and_is_logged(
    client, people, categories, caplog
):
    case = report_with(people, categories, [png()])
    photo = case.photos.get()
    photo.image.storage.delete(photo.image.name)
    log_in(client, people["grid_worker"])
    with caplog.at_level(logging.WARNING, logger="cases.views"):
        response = client.get(f"/cases/{case.code}/photos/{photo.pk}/")
    assert response.status_code == 404
    logged = [record for record in caplog.records if record.name == "cases.views"]
    assert len(logged) == 1 and photo.image.name in logged[0].getMessage()


def test_a_report_refused_half_way_leaves_no_photo_file(people, categories, media_root):
    """The first photo is written, the second is no image: the report is rolled back, and the
    first file with it."""
    not_a_photo = SimpleUploadedFile("b.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(InputError) as refused:
        report_with(people, categories, [png("a.png"), not_a_photo])
    assert "photos" in refused.value.errors
    assert not Case.objects.exists() and not CasePhoto.objects.exists()
    assert stored_files(media_root) == []


def test_photo_files_go_with_a_transaction_that_fails_after_the_report(
    people, categories, media_root
):
    """A service that reports and then fails: the report's rows are rolled back with it, and so
    are its files (the inner service leaves them to the outer one)."""

    @removed_on_rollback
    @transaction.atomic
    def report_then_fail():
        report_with(people, categories, [png()])
        assert len(stored_files(media_root)) == 3  # the photo, its display size and thumbnail
        raise CaseError("refused after the report")

    with pytest.raises(CaseError):
        report_then_fail()
    assert not Case.objects.exists()
    assert stored_files(media_root) == []


def test_the_report_form_refuses_an_image_a_browser_cannot_show(client, people, categories):
    lon, lat = IN_FIRST_GRID
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "TIFF")
    tiff = SimpleUploadedFile("scan.tiff", buffer.getvalue(), content_type="image/tiff")
    log_in(client, people["grid_worker"])
    response = client.post(
        REPORT,
        {
            "category": categories["rubbish"].pk,
            "description": "x",
            "priority": "normal",
            "lon": lon,
            "lat": lat,
            "photos": [tiff],
        },
    )
    assert response.status_code == 400
    assert "scan.tiff" in str(response.context["form"].errors["photos"])
    assert not Case.objects.exists()


# --- the size of an upload ------------------------------------------------------------------


def test_an_upload_over_the_cap_is_refused_before_its_body_is_read(client, people, settings):
    """The test client's request body raises if read past its real length: a body declared as
    one byte over the cap is answered without reading it."""
    log_in(client, people["grid_worker"])
    response = client.post(
        REPORT,
        {"description": "x"},
        headers={"Accept-Language": "en"},
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert "larger than 64.0\xa0MB in all" in response.content.decode()
    assert not Case.objects.exists()


def test_a_report_with_too_many_bytes_of_photos_gets_a_page_that_says_so(
    client, people, categories, settings, media_root
):
    settings.MAX_REQUEST_BYTES = 50_000
    lon, lat = IN_FIRST_GRID
    noise = Image.frombytes("L", (200, 200), random.Random(7).randbytes(40_000))  # stays big
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    photos = [
        SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
        for name in ("one.png", "two.png")
    ]
    log_in(client, people["grid_worker"])
    response = client.post(
        REPORT,
        {
            "category": categories["rubbish"].pk,
            "description": "路边垃圾堆积",
            "priority": "normal",
            "lon": lon,
            "lat": lat,
            "photos": photos,
        },
        headers={"Accept-Language": "en", "Referer": f"http://testserver{REPORT}"},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Upload too large" in page and "Send fewer or smaller photos" in page
    assert f'href="http://testserver{REPORT}"' in page  # back to the form
    assert not Case.objects.exists() and stored_files(media_root) == []

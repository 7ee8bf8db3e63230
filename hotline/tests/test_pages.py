"""The upload page for centre operators: upload, the progress fragment htmx polls, the summary
and the error report to download; nobody else reaches it."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Case
from hotline.models import BatchState, ImportBatch
from hotline.services import create_batch, run_import

from .conftest import order, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def operator_client(client, people):
    client.force_login(people["county_operator"])
    return client


def upload(client, name: str, data: bytes):
    file = SimpleUploadedFile(name, data, content_type=XLSX)
    return client.post(reverse("hotline:imports"), {"workbook": file})


@pytest.mark.parametrize("username", ["county_operator", "town_operator", "admin"])
def test_operators_and_administrators_see_the_page_in_their_menu(client, people, username):
    client.force_login(people[username])
    response = client.get(reverse("hotline:imports"))
    assert response.status_code == 200
    assert f'href="{reverse("hotline:imports")}"' in response.content.decode()


@pytest.mark.parametrize("username", ["grid_worker", "urban_handler", "leader"])
def test_others_neither_see_nor_open_it(client, people, username, tmp_path):
    client.force_login(people[username])
    inbox = client.get(reverse("cases:inbox")).content.decode()
    assert reverse("hotline:imports") not in inbox
    assert client.get(reverse("hotline:imports")).status_code == 403
    assert upload(client, "o.xlsx", workbook_bytes(tmp_path, [order("V1")])).status_code == 403
    batch = create_batch(file_name="o.xlsx", data=b"")
    assert client.get(reverse("hotline:batch", args=[batch.pk])).status_code == 403
    assert client.get(reverse("hotline:errors", args=[batch.pk])).status_code == 403
    assert not Case.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, db):
    response = client.get(reverse("hotline:imports"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_an_upload_is_imported_in_the_background_and_shown_when_done(
    operator_client, tmp_path, django_capture_on_commit_callbacks
):
    data = workbook_bytes(tmp_path, [order("W1"), order("W2", 诉求分类="X99"), order("W3")])

    with django_capture_on_commit_callbacks() as enqueued:
        response = upload(operator_client, "热线工单.xlsx", data)

    # The request stores the batch; the rows wait for the task, enqueued once it is committed.
    assert ImportBatch.objects.get().state == BatchState.QUEUED and not Case.objects.exists()
    for callback in enqueued:
        callback()  # huey runs the task inline here (immediate mode)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline:batch", args=[batch.pk])
    assert (batch.state, batch.created, batch.failed) == (BatchState.DONE, 2, 1)
    assert batch.file_name == "热线工单.xlsx"

    page = operator_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 1s"' not in html  # done: no more polling
    assert 'data-count="created">2<' in html and 'data-count="failed">1<' in html
    assert "X99" in html and reverse("hotline:errors", args=[batch.pk]) in html

    listing = operator_client.get(reverse("hotline:imports")).content.decode()
    assert "热线工单.xlsx" in listing


@pytest.mark.parametrize(
    "name, data",
    [
        ("orders.csv", b"a,b\n"),
        ("orders.xlsx", b"not a workbook"),
        ("orders.xlsx", None),  # a workbook without 诉求分类
        ("orders.xlsx", b"PK\x03\x04" + bytes(10 * 1024 * 1024)),  # over 10 MB
    ],
)
def test_a_bad_file_is_refused_on_the_form_and_nothing_is_written(
    operator_client, tmp_path, name, data
):
    if data is None:
        data = workbook_bytes(
            tmp_path, [order("X1")], headers=["工单编号", "诉求内容", "经度", "纬度"]
        )

    response = upload(operator_client, name, data)

    assert response.status_code == 400
    assert response.context["form"].errors["workbook"]
    assert not ImportBatch.objects.exists() and not Case.objects.exists()


def test_the_progress_fragment_polls_until_the_import_is_done(operator_client, tmp_path, people):
    batch = create_batch(
        file_name="orders.xlsx",
        data=workbook_bytes(tmp_path, [order("Y1"), order("Y2", 诉求分类="X99")]),
        user=people["county_operator"],
    )
    url = reverse("hotline:batch", args=[batch.pk])

    waiting = operator_client.get(url, headers={"HX-Request": "true"})
    fragment = waiting.content.decode()
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="progress"')
    assert 'hx-trigger="every 1s"' in fragment and f'hx-get="{url}"' in fragment
    assert 'value="0"' in fragment
    assert "HX-Request" in waiting["Vary"]

    run_import(batch.pk)
    done = operator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in done
    assert 'value="100"' in done
    assert 'data-count="created">1<' in done and 'data-count="failed">1<' in done
    assert reverse("hotline:errors", args=[batch.pk]) in done

    full = operator_client.get(url)
    assert "<html" in full.content.decode() and "HX-Request" in full["Vary"]


def test_a_refused_file_shows_its_one_error(operator_client, people):
    batch = run_import(create_batch(file_name="orders.xlsx", data=b"PK\x03\x04...").pk)

    html = operator_client.get(reverse("hotline:batch", args=[batch.pk])).content.decode()

    assert batch.state == BatchState.REFUSED
    assert batch.file_error in html and 'role="alert"' in html


def test_the_error_report_downloads_as_xlsx_and_csv(operator_client, tmp_path, people):
    batch = run_import(
        create_batch(
            file_name="orders.xlsx",
            data=workbook_bytes(tmp_path, [order("Z1", 诉求分类="X99"), order("Z2", 诉求内容="")]),
        ).pk
    )
    url = reverse("hotline:errors", args=[batch.pk])

    response = operator_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert f"hotline-errors-{batch.pk}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 3  # a header and one line per problem
    assert [row[:3] for row in rows[1:]] == [(2, "Z1", "诉求分类"), (3, "Z2", "诉求内容")]
    assert "X99" in rows[1][3] and rows[2][3] == "为空"

    response = operator_client.get(url, {"format": "csv"})
    text = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv") and text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert lines[1][:3] == ["2", "Z1", "诉求分类"] and lines[2] == ["3", "Z2", "诉求内容", "为空"]


def test_an_unknown_import_is_not_found(operator_client):
    assert operator_client.get(reverse("hotline:batch", args=[999])).status_code == 404
    assert operator_client.get(reverse("hotline:errors", args=[999])).status_code == 404

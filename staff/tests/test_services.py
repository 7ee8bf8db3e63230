import pytest
from django.utils import translation

from staff.models import Department
from staff.services import StaffImportError, install_departments


def test_departments_get_their_email_and_each_town_office_its_own(county):
    install_departments(
        "code,name,serves,email\n"
        "cgj,县城市管理综合执法局,county,cgj@chenggu.example\n"
        "pcs,派出所,each_town,{code}@chenggu.example\n"
        "mzj,县民政局,county,\n"
    )
    emails = dict(Department.objects.values_list("code", "email"))
    assert emails == {
        "cgj": "cgj@chenggu.example",
        "pcs-610722001": "pcs-610722001@chenggu.example",
        "pcs-610722002": "pcs-610722002@chenggu.example",
        "mzj": "",
    }


def test_a_file_without_an_email_column_keeps_the_addresses_set_in_the_admin(county):
    install_departments("code,name,serves,email\ncgj,城管局,county,cgj@chenggu.example\n")
    install_departments("code,name,serves\ncgj,县城市管理综合执法局,county\n")
    department = Department.objects.get(code="cgj")
    assert (department.name, department.email) == ("县城市管理综合执法局", "cgj@chenggu.example")


def test_an_invalid_address_is_a_line_error_and_nothing_is_written(county):
    expected = "line 3: cgj-at-chenggu is not a valid e-mail"
    with translation.override("en"), pytest.raises(StaffImportError, match=expected):
        install_departments(
            "code,name,serves,email\n"
            "zjj,县住房和城乡建设局,county,zjj@chenggu.example\n"
            "cgj,县城市管理综合执法局,county,cgj-at-chenggu\n"
        )
    assert not Department.objects.exists()

"""The work report from the demo's data: the article's figures, and every figure of the .docx
equal to the data it is read from."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document

from indicators.selectors import figures
from staff.models import Role, User
from territory.counties import instance_county
from territory.models import Region
from workreport.docx import report_document
from workreport.selectors import work_report

# The county's own report (the project's seed), sentence by sentence.
ARTICLE = [
    "全县共打掉黑社会性质犯罪组织2个、恶势力犯罪集团3个、恶势力犯罪团伙1个，共侦破涉黑涉恶案件"
    "129起，刑事拘留294人，逮捕206人，移送起诉231人；查封、冻结、扣押涉案资产4302.22万元，"
    "一审判决财产227.1万元；查处党员干部、公职人员涉黑涉恶腐败问题24起、处理33人，给予党纪政务"
    "处分33人，移送司法机关6人，其中查处“保护伞”3案6人。",
    "全县共划分社会治理网格1624个，落实网格员、信息员2026名",
    "共排查15起，化解15起，化解率100%。完成重大项目、决策稳评备案登记市考项目15个，计划外项目20个。",
    "科学布建2400个视频监控，建成“两山两水”视频监控21个，整合接入一类视频监控742个。",
]


@pytest.fixture
def demo(db, settings):
    settings.COUNTY_CODE = "610722"
    call_command("load_demo", cases=30, stdout=io.StringIO())
    return instance_county()


def docx_text(content: bytes) -> tuple[list[str], list[list[str]]]:
    document = Document(io.BytesIO(content))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return paragraphs, rows


def test_the_report_of_the_demo_year_says_what_the_article_says(demo, client, tmp_path):
    """One demo (loading it takes seconds): the report's figures, then its page, its file and the
    command that writes it."""
    report = work_report(demo, _this_year())
    paragraphs, rows = docx_text(report_document(report))
    text = "\n".join(paragraphs)
    for sentence in ARTICLE:
        assert sentence in text

    # Every line of the page is in the .docx, and the figures are the data's.
    printed = {(row[0], row[1]) for row in rows}
    for section in report.sections:
        for line in section.lines:
            assert (line.label, line.value) in printed
    grids = Region.objects.grids().subtree(demo).count()
    staff = User.objects.filter(
        role__in=[Role.GRID_WORKER, Role.INFORMANT], region__path__startswith=demo.path
    ).count()
    numbers = {line.label: line.number for section in report.sections for line in section.lines}
    assert (numbers["网格"], numbers["网格员和信息员"]) == (grids, staff) == (1624, 2026)
    campaign = figures("saohei", demo, str(report.year))
    assert numbers["刑事拘留"] == campaign["sh_detained"] == 294

    the_page_and_the_file_are_for_the_county_only(client)
    the_command_writes_the_file_and_refuses_a_wrong_one(tmp_path)


def _this_year() -> int:
    return timezone.localdate().year


def the_page_and_the_file_are_for_the_county_only(client):
    operator = User.objects.get(username="county_operator")
    client.force_login(operator)
    page = client.get(reverse("workreport:report"))
    assert page.status_code == 200 and "4302.22" in page.content.decode()
    assert client.get(reverse("workreport:report"), {"year": "1999"}).status_code == 404
    download = client.get(reverse("workreport:docx", args=[_this_year()]))
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(User.objects.get(username="town_operator"))
    assert client.get(reverse("workreport:report")).status_code == 403


def the_command_writes_the_file_and_refuses_a_wrong_one(tmp_path):
    target = tmp_path / "report.docx"
    call_command("work_report", year=_this_year(), output=str(target), stdout=io.StringIO())
    paragraphs, _rows = docx_text(target.read_bytes())
    assert any("1624" in paragraph for paragraph in paragraphs)
    with pytest.raises(CommandError):
        call_command("work_report", output=str(tmp_path / "report.txt"))
    with pytest.raises(CommandError):
        call_command("work_report", year=1990, output=str(target))


def test_a_county_without_its_data_sets_still_gets_its_report(county, people, client):
    """Before any figure is set up: the report says what is missing, it does not fail."""
    client.force_login(people["county_operator"])
    page = client.get(reverse("workreport:report"))
    assert page.status_code == 200
    assert "本年度扫黑除恶数据尚未审核通过" in page.content.decode()

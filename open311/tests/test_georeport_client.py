"""A published Open311 client against the real server in its own process.

`georeport` (PyPI) reads services, a definition and requests, in JSON and in XML; it has no create
call, so the request is posted as the specification's plain form POST, with `requests`. The server
runs on a SQLite file of its own, set up by the project's migrations and services, with an API key
from `manage.py create_api_key`.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from georeport import GeoReport

ROOT = Path(__file__).resolve().parents[2]
COUNTY = "610722"

SEED = """
from conftest import small_county_csv, small_county_grids
from cases.models import Category, CategoryField, Kind
from territory.services import import_divisions, import_grids, set_boundary

import_divisions(small_county_csv())
outline = [[107.0, 33.0], [107.4, 33.0], [107.4, 33.2], [107.0, 33.2], [107.0, 33.0]]
set_boundary("610722", {"type": "Polygon", "coordinates": [outline]})
import_grids(small_county_grids())
facilities = Category.objects.create(code="C01", name="公用设施", kind=Kind.COMPONENT)
manhole = Category.objects.create(code="C0101", name="井盖", kind=Kind.COMPONENT, parent=facilities)
CategoryField.objects.create(
    category=manhole, code="cover_state", label="井盖状况", datatype="singlevaluelist",
    required=True, choices="missing|缺失|Missing\\nbroken|破损|Broken", order=1,
)
CategoryField.objects.create(
    category=manhole, code="utility", label="所属管线", datatype="multivaluelist",
    choices="sewage|污水|Sewage\\nrain|雨水|Rain water", order=2,
)
"""


def manage(env: dict, *args: str) -> str:
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, server: subprocess.Popen) -> None:
    for _ in range(150):
        assert server.poll() is None, server.stderr.read()
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_an_open311_client_lists_services_posts_a_request_and_reads_it_back(tmp_path):
    env = os.environ | {
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'wangge.sqlite3'}",
        "WANGGE_VAR_DIR": str(tmp_path),
        "WANGGE_COUNTY_CODE": COUNTY,
    }
    manage(env, "migrate", "-v", "0")
    manage(env, "shell", "-c", SEED)
    api_key = manage(env, "create_api_key", "市级 Open311 汇聚平台").split()[-1]
    assert api_key.startswith("wg_")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(port, server)
        root = f"http://127.0.0.1:{port}/open311/v2"
        client = GeoReport(root, jurisdiction=COUNTY, api_key=api_key)

        services = client.get_service_list()
        assert [(s["service_code"], s["metadata"]) for s in services] == [("C0101", True)]
        definition = client.get_service_definition("C0101")
        assert [(a["code"], a["datatype"], a["required"]) for a in definition["attributes"]] == [
            ("cover_state", "singlevaluelist", True),
            ("utility", "multivaluelist", False),
        ]

        posted = {
            "api_key": api_key,
            "jurisdiction_id": COUNTY,
            "service_code": "C0101",
            "lat": "33.151",
            "long": "107.051",
            "description": "井盖缺失，行人容易踩空",
            "first_name": "三",
            "last_name": "张",
            "phone": "13912345678",
            "attribute[cover_state]": "missing",
            "attribute[utility][]": ["sewage", "rain"],
        }
        created = requests.post(f"{root}/requests.json", data=posted, timeout=10)
        assert created.status_code == 201, created.text
        (answer,) = created.json()
        code, token = answer["service_request_id"], answer["token"]
        by_token = requests.get(f"{root}/tokens/{token}.json", timeout=10).json()
        assert by_token == [{"service_request_id": code, "token": token}]

        read = client.get_service_request(code)
        assert (read["service_code"], read["description"], read["status"]) == (
            "C0101",
            "井盖缺失，行人容易踩空",
            "open",
        )
        assert (read["lat"], read["long"]) == (33.151, 107.051)  # a facility: its own point
        assert "13912345678" not in str(read) and "张" not in str(read)
        assert [r["service_request_id"] for r in client.get_service_requests(status="open")] == [
            code
        ]

        in_xml = GeoReport(root, jurisdiction=COUNTY, output_format="xml")
        read_xml = in_xml.get_service_request(code)
        assert (read_xml["service_request_id"], read_xml["service_code"]) == (code, "C0101")
        assert read_xml["description"] == "井盖缺失，行人容易踩空"
        assert in_xml.get_service_definition("C0101")["service_code"] == "C0101"

        refused = requests.post(
            f"{root}/requests.json", data=posted | {"api_key": "wg_wrong_key"}, timeout=10
        )
        assert refused.status_code == 403 and refused.json()[0]["code"] == 403
    finally:
        server.terminate()
        server.wait(timeout=10)

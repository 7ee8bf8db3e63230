"""Schemathesis over the whole OpenAPI document: every operation of /api/v1/openapi.json, driven
in process through Django's WSGI handler with a staff token and with a system key, must answer no
5xx, only the status codes and content types it declares, and bodies that match their schemas.

Bounded to stay under a minute and a half per database on 2 cores: a fixed seed (the same cases
in every run), a few dozen generated examples per operation, and the coverage phase's edge cases
(empty strings, bounds, wrong types). Every other example is steered onto real data: a case or
region that exists, a step of the workflow, a category and a point inside a grid (the rest of the
input as generated), so that answers with data are checked too, not only the refusals."""

import itertools
import time
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.tests.test_api import report
from api.views import api
from cases.workflow import TRANSITIONS
from conftest import IN_FIRST_GRID
from integrations.services import issue_credential

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = {
    "seed": 14,
    "generation": {"max-examples": 40, "no-shrink": True, "database": "none"},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}},
    "suppress-health-check": ["all"],
}
CALLS: Counter = Counter()  # (credential, operation) → requests sent
STATUSES: Counter = Counter()  # (operation, status) → responses, both credentials

REAL_CODES = {
    "/api/v1/cases/{code}": "case",
    "/api/v1/cases/{code}/actions": "case",
    "/api/v1/cases/{code}/actions/{action}": "case",
    "/api/v1/territory/regions/{code}": "region",
    "/api/v1/territory/regions/{code}/grids.geojson": "region",
}


@pytest.fixture(params=["staff", "system"])
def credential(request, client, people, categories):
    """A county centre's token (sees every case, takes the centre's steps) or a 12345 platform's
    key (reports, reads its own cases), each with a case it can see."""
    user = people["county_operator"] if request.param == "staff" else None
    _credential, text = issue_credential(f"schemathesis {request.param}", user=user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {text}"}
    codes = [report(client, auth).json()["code"] for _ in range(2)]
    report(client, {"HTTP_AUTHORIZATION": auth["HTTP_AUTHORIZATION"]}, category="G0101")
    return {
        "kind": request.param,
        "header": f"Bearer {text}",
        "codes": {
            "case": itertools.cycle(codes),
            "region": itertools.cycle(["610722", "610722001", "610722002101", "610722001001002"]),
            "action": itertools.cycle([transition.action for transition in TRANSITIONS]),
        },
    }


@pytest.fixture
def open_connection(credential):
    """As Django's test client does (after `credential` used it): a finished request must not
    close the connection that holds the test's transaction, which PostgreSQL would lose."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded from the document /api/v1/openapi.json serves, built in process: fetching it through the
# app at collection would touch the database before pytest-django allows it. (The lazy loader,
# schemathesis.pytest.from_fixture, does not run on pytest 9.2: it sets a node's `_nodeid`.)
schema = schemathesis.openapi.from_dict(
    api.get_openapi_schema(), config=SchemathesisConfig.from_dict(CONFIG)
)
schema.app = WSGIHandler()


def steer_onto_real_data(case, codes: dict) -> None:
    path = case.operation.path
    if path in REAL_CODES:
        case.path_parameters["code"] = next(codes[REAL_CODES[path]])
    if "action" in (case.path_parameters or {}):
        case.path_parameters["action"] = next(codes["action"])
    lon, lat = IN_FIRST_GRID
    if path == "/api/v1/territory/locate" and isinstance(case.query, dict):
        case.query.update(lon=lon, lat=lat)
    if path == "/api/v1/cases" and case.method == "POST" and isinstance(case.body, dict):
        case.body.update(category="E0101", lon=lon, lat=lat)


@schema.parametrize()
def test_every_operation_answers_as_its_schema_says(case, credential, open_connection):
    sent = CALLS[(credential["kind"], case.operation.label)]
    if sent % 2:
        steer_onto_real_data(case, credential["codes"])
    # Identity: the WSGI transport sends requests' `Accept-Encoding: gzip` but does not decode the
    # answer as requests would over HTTP (the gzipped GeoJSON has its own test).
    headers = {"Authorization": credential["header"], "Accept-Encoding": "identity"}
    CALLS[(credential["kind"], case.operation.label)] += 1
    response = case.call_and_validate(headers=headers, checks=CHECKS)
    STATUSES[(case.operation.label, response.status_code)] += 1


@pytest.fixture(scope="module", autouse=True)
def summary():
    """The counts for the record (shown with -s, and with -rA)."""
    started = time.monotonic()
    yield
    operations = sorted({label for _kind, label in CALLS})
    print(
        f"\nschemathesis: {len(operations)} operations, {sum(CALLS.values())} requests "
        f"in {time.monotonic() - started:.0f} s"
    )
    for label in operations:
        statuses = {status: n for (op, status), n in sorted(STATUSES.items()) if op == label}
        print(f"  {label}: {statuses}")

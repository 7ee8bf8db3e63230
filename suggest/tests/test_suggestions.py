"""The suggester as the site serves it: read from the repository (no training), through the API's
contract, logged with the final choice, and retrained from the corrections staff make."""

import csv
import json
from pathlib import Path

import pytest

from cases.models import Case, Category
from cases.services import report_case, take_action
from conftest import IN_FIRST_GRID
from integrations.services import issue_credential
from suggest.corpus import Labelled, load_corpus, training_set
from suggest.model import ARTEFACT, fit, load
from suggest.models import SuggestionLog
from suggest.services import corrections

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def auth(db):
    _credential, text = issue_credential("12345 热线平台")
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}


def ask(client, auth, text, **more):
    body = json.dumps({"text": text} | more)
    return client.post("/api/v1/suggestions", body, content_type="application/json", **auth)


def test_the_model_in_the_repository_knows_every_category_and_needs_no_training():
    model = load(ARTEFACT)
    leaves = set()
    for path in ROOT.glob("*/data/categories.csv"):
        with path.open(encoding="utf-8") as file:
            leaves |= {row["code"] for row in csv.DictReader(file) if row["parent_code"]}
    assert leaves <= set(model.labels)
    assert {"N0101", "N0102", "N0103"} <= set(model.labels)
    assert ARTEFACT.stat().st_size < 5 * 2**20


def test_the_api_answers_the_five_likeliest_with_their_class_and_department(client, auth, shipped):
    answer = ask(client, auth, "城南路加油站往南那一截路边的灯都黑了一个礼拜了")
    assert answer.status_code == 200, answer.content
    found = answer.json()
    assert len(found["suggestions"]) == 5
    best = found["suggestions"][0]
    assert (best["code"], best["class_code"], best["name"]) == ("C0103", "C01", "路灯")
    assert set(best) == {"code", "name", "class_code", "class_name", "kind", "score"}
    scores = [item["score"] for item in found["suggestions"]]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1.0001
    assert found["department"] == {"code": "cgj", "name": "县城市管理综合执法局"}
    assert (found["not_a_case"], found["sure"]) == (False, True)
    assert SuggestionLog.objects.get(pk=found["suggestion_id"]).suggested == "C0103"


def test_empty_very_long_and_foreign_texts(client, auth, shipped):
    empty = ask(client, auth, "   ")
    assert empty.status_code == 400
    assert empty.json()["errors"]["text"] == ["请描述问题。"]
    long = ask(client, auth, "路灯不亮" + "。" * 9_996)
    assert long.status_code == 200 and long.json()["suggestions"][0]["code"] == "C0103"
    assert ask(client, auth, "字" * 10_001).status_code == 400
    foreign = ask(client, auth, "The quick brown fox jumps over the lazy dog")
    assert foreign.status_code == 200 and foreign.json()["sure"] is False


def test_a_call_that_is_not_a_case_is_said_so(client, auth, shipped):
    """Answered by the centre (enquiries/): the likeliest answer first, with no department."""
    found = ask(client, auth, "喂？喂？不好意思我打错电话了，没事没事").json()
    assert found["not_a_case"] is True
    assert found["department"] is None and found["sure"] is True
    best = found["suggestions"][0]
    assert (best["code"], best["class_code"], best["kind"]) == ("N0103", "N01", "enquiry")
    question = ask(client, auth, "请问办身份证要带什么材料，周六能办吗").json()
    assert question["not_a_case"] is True and question["suggestions"][0]["code"] == "N0101"


def test_the_final_choice_is_logged_and_a_later_change_of_category_too(
    client, auth, shipped, people
):
    found = ask(client, auth, "小区门口的路灯不亮").json()
    lon, lat = IN_FIRST_GRID
    body = {
        "category": "E0901",
        "description": "小区门口的路灯不亮",
        "lon": lon,
        "lat": lat,
        "suggestion_id": found["suggestion_id"],
    }
    made = client.post("/api/v1/cases", json.dumps(body), content_type="application/json", **auth)
    assert made.status_code == 201, made.content
    case = Case.objects.get(code=made.json()["code"])
    log = SuggestionLog.objects.get(pk=found["suggestion_id"])
    assert (log.case, log.suggested, log.chosen) == (case, "C0103", "E0901")
    operator = people["county_operator"] if case.level == "county" else people["town_operator"]
    take_action(case, operator, "reclassify", {"category": "C0103", "note": "实为路灯"})
    assert SuggestionLog.objects.get(pk=log.pk).chosen == "C0103"


def test_a_retrain_from_the_logged_corrections_changes_the_answer(shipped, people):
    """A small model (three labels of the corpus) keeps the test quick; the same `fit` and the
    same corrections as `manage.py train_suggester`."""
    chosen = {"C0103", "E0101", "E0601"}
    examples = [e for e in training_set(load_corpus()) if e.code in chosen]
    odd = "东门那个亮亮的杆子歪了快倒了"
    before = fit(examples)
    first = before.labels[before.probabilities([odd])[0].argmax()]
    correct = next(code for code in sorted(chosen) if code != first)
    lon, lat = IN_FIRST_GRID
    case = report_case(
        reporter=people["grid_worker"],
        category=Category.objects.get(code=correct),
        description=odd,
        lon=lon,
        lat=lat,
    )
    SuggestionLog.objects.create(
        version=before.version, channel="test", offered=[[first, 0.9]], case=case, chosen=correct
    )
    assert corrections() == [Labelled(odd, correct, "correction")]
    after = fit(examples + corrections())
    assert after.labels[after.probabilities([odd])[0].argmax()] == correct


def test_the_report_forms_endpoint_answers_and_ties_its_suggestion_to_the_report(
    client, shipped, people
):
    answer = client.post("/suggest/", {"text": "路灯不亮好几天了"})
    found = answer.json()
    assert found["suggestions"][0]["code"] == "C0103" and found["sure"] is True
    assert client.get("/suggest/").status_code == 405
    client.force_login(people["grid_worker"])
    lon, lat = IN_FIRST_GRID
    category = Category.objects.get(code="C0103")
    made = client.post(
        "/cases/report/",
        {
            "category": category.pk,
            "description": "路灯不亮好几天了",
            "lon": lon,
            "lat": lat,
            "priority": "normal",
            "attr-lamps_out": "3",
            "suggestion_id": found["suggestion_id"],
        },
    )
    assert made.status_code == 302, made.content.decode()[:2000]
    log = SuggestionLog.objects.get(pk=found["suggestion_id"])
    assert log.case.code in made.url and log.chosen == "C0103"


def test_an_address_sending_too_many_anonymous_suggestions_is_told_to_wait(
    client, shipped, monkeypatch
):
    from django.core.cache import cache

    cache.clear()  # other tests' suggestions from the same address
    monkeypatch.setattr("suggest.views.ANONYMOUS_PER_HOUR", 2)
    sent = [
        client.post("/suggest/", {"text": "路灯不亮了", "form": "portal_report"}) for _ in range(3)
    ]
    assert [answer.status_code for answer in sent] == [200, 200, 429]
    assert sent[0].json()["not_a_case_hint"].startswith("这像是")
    assert SuggestionLog.objects.filter(channel="portal").count() == 2


def test_the_accuracy_page_counts_what_was_kept_and_what_was_corrected(client, shipped, people):
    from suggest.selectors import suggest
    from suggest.services import log_suggestion, record_choice

    lon, lat = IN_FIRST_GRID

    def filed(text: str, code: str | None, channel: str):
        log = log_suggestion(suggest(text), channel)
        if code is None:  # the likeliest street problem offered but not first
            offered = [code for code, _score in log.offered[1:]]
            streets = Category.objects.filter(code__in=offered, case_kind="street")
            code = min(streets, key=lambda category: offered.index(category.code)).code
        case = report_case(
            reporter=people["grid_worker"],
            category=Category.objects.get(code=code),
            description=text,
            lon=lon,
            lat=lat,
            attributes={"lamps_out": 1} if code == "C0103" else None,
        )
        record_choice(log.pk, case)
        log.refresh_from_db()
        return log

    filed("小区门口的路灯不亮", "C0103", "report_form")  # kept
    second = filed("河道里漂着很多垃圾", None, "report_form").chosen  # offered, not first
    filed("小区门口的路灯不亮了好几天", "E0901", "portal")  # corrected, and another class
    log_suggestion(suggest("路灯"), "portal")  # typed, never filed

    client.force_login(people["grid_worker"])
    assert client.get("/suggest/accuracy/").status_code == 403
    client.force_login(people["leader"])
    page = client.get("/suggest/accuracy/")
    assert page.status_code == 200
    rows = {row.channel: row for row in page.context["rows"]}
    assert (rows[""].made, rows[""].filed, rows[""].first, rows[""].offered) == (4, 3, 1, 2)
    assert (rows["report_form"].filed, rows["report_form"].first_rate) == (2, 50.0)
    assert (rows["portal"].made, rows["portal"].filed, rows["portal"].same_class) == (2, 1, 0)
    corrected = {(c.suggested[:5], c.chosen[:5], c.count) for c in page.context["corrections"]}
    assert len(corrected) == 2 and ("C0103", "E0901", 1) in corrected
    assert second in {chosen for _suggested, chosen, _count in corrected}
    assert "路灯" in page.content.decode()

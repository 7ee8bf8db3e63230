"""Answers coming in: the residents' public form (no login, checked, once per phone) and a grid
worker's entry of a door-to-door or phone answer (their grid's village, with its frame)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from surveys.models import Answer, Mode, Response, SurveyStatus, UsedToken
from surveys.services import SurveyError, submit_response
from territory.models import Region

pytestmark = pytest.mark.django_db


def public_url(survey):
    return reverse("surveys:answer", args=[survey.public_key])


def filled(survey, village_code="610722002001", aware="知道", satisfied="满意"):
    return {
        "village": str(Region.objects.get(code=village_code).pk),
        f"q{survey.aware_q.pk}": str(survey.aware[aware].pk),
        f"q{survey.satisfied_q.pk}": str(survey.satisfied[satisfied].pk),
    }


def test_a_resident_answers_without_an_account_and_is_thanked(client, survey):
    page = client.get(public_url(survey))
    assert page.status_code == 200
    assert "您是否知道平安建设？" in page.content.decode()
    sent = client.post(public_url(survey), filled(survey))
    assert sent.status_code == 302
    assert sent["Location"] == reverse("surveys:thanks", args=[survey.public_key])
    assert "谢谢" in client.get(sent["Location"]).content.decode()
    response = Response.objects.get()
    assert (response.mode, response.village.code, response.town.code) == (
        Mode.ONLINE, "610722002001", "610722002",
    )  # fmt: skip
    assert response.entered_by is None
    assert response.frame == survey.frames_by_mode[Mode.ONLINE]  # marked self-selected
    assert {answer.choice.text for answer in Answer.objects.all()} == {"知道", "满意"}


def test_unanswered_questions_are_named_in_chinese_and_nothing_is_saved(client, survey):
    client.get(public_url(survey))
    data = filled(survey)
    del data[f"q{survey.satisfied_q.pk}"]
    del data["village"]
    page = client.post(public_url(survey), data)
    assert page.status_code == 400
    text = page.content.decode()
    assert "请回答这一题。" in text
    assert "请选择您所在的村（社区）。" in text
    assert "请查看表单中标出的 2 处。" in text
    assert Response.objects.count() == 0


def test_an_optional_question_may_be_left_blank(client, survey):
    client.get(public_url(survey))
    assert client.post(public_url(survey), filled(survey)).status_code == 302
    assert not Answer.objects.filter(question=survey.channel_q).exists()


def test_a_choice_of_another_question_is_refused(client, survey):
    client.get(public_url(survey))
    data = filled(survey)
    data[f"q{survey.aware_q.pk}"] = str(survey.satisfied["满意"].pk)
    page = client.post(public_url(survey), data)
    assert page.status_code == 400
    assert Response.objects.count() == 0


def test_a_phone_sends_a_survey_once(client, survey):
    client.get(public_url(survey))
    assert client.post(public_url(survey), filled(survey)).status_code == 302
    again = client.post(public_url(survey), filled(survey, aware="不知道"))
    assert again.status_code == 200
    assert "这部手机已经填过这份问卷" in again.content.decode()
    assert Response.objects.count() == 1
    assert UsedToken.objects.count() == 1
    # The used token is kept as a keyed digest, not linked to the response.
    assert {field.name for field in UsedToken._meta.fields} == {
        "id",
        "county_code",
        "survey",
        "digest",
    }


def test_a_token_cannot_be_used_twice_even_by_a_direct_call(survey):
    village = Region.objects.get(code="610722001001")
    answers = {
        survey.aware_q.pk: survey.aware["知道"],
        survey.satisfied_q.pk: survey.satisfied["满意"],
    }
    submit_response(survey, village=village, answers=answers, token="abc")
    with pytest.raises(SurveyError, match="这部手机已经填过这份问卷"):
        submit_response(survey, village=village, answers=answers, token="abc")
    assert Response.objects.count() == 1  # the second response was rolled back with its refusal


def test_a_new_phone_may_answer_too(client, survey):
    client.get(public_url(survey))
    client.post(public_url(survey), filled(survey))
    client.cookies.clear()
    client.get(public_url(survey))
    assert client.post(public_url(survey), filled(survey)).status_code == 302
    assert Response.objects.count() == 2


def test_a_post_without_the_forms_cookie_is_refused_with_a_reason(client, survey):
    page = client.post(public_url(survey), filled(survey))
    assert page.status_code == 400
    assert "Cookie" in page.content.decode()
    assert Response.objects.count() == 0


def test_a_closed_or_draft_survey_takes_no_answers(client, survey):
    survey.status = SurveyStatus.CLOSED
    survey.save()
    assert client.get(public_url(survey)).status_code == 404
    survey.status = SurveyStatus.OPEN
    survey.closes_on = survey.opens_on
    survey.save()
    assert client.post(public_url(survey), filled(survey)).status_code == 404
    assert Response.objects.count() == 0


def test_a_town_survey_offers_only_that_towns_villages(client, survey):
    survey.scope = Region.objects.get(code="610722001")
    survey.save()
    client.get(public_url(survey))
    page = client.post(public_url(survey), filled(survey, village_code="610722002001"))
    assert page.status_code == 400
    assert "东镇北村" not in page.content.decode()


def test_no_personal_field_is_kept_with_a_response():
    names = {field.name for field in Response._meta.fields} | {
        field.name for field in Answer._meta.fields
    }
    assert not names & {"name", "phone", "id_number", "ip", "address", "lon", "lat", "submitted_at"}


# --- a grid worker's entry ----------------------------------------------------------------------


def entry(survey, mode=Mode.DOOR, frame_mode=None, on=None, **answers):
    data = {
        "mode": mode,
        "frame": str(survey.frames_by_mode[frame_mode or mode].pk),
        f"q{survey.aware_q.pk}": str(survey.aware[answers.get("aware", "知道")].pk),
        f"q{survey.satisfied_q.pk}": str(survey.satisfied[answers.get("satisfied", "满意")].pk),
    }
    if on is not None:
        data["answered_on"] = on.isoformat()
    return data


def test_a_grid_workers_entry_lands_in_their_village_with_its_frame(client, survey, people, today):
    client.force_login(people["grid_worker"])
    url = reverse("surveys:enter", args=[survey.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{today.isoformat()}"' in page.content.decode()  # what a date input reads
    sent = client.post(url, entry(survey, Mode.PHONE, on=today))
    assert sent.status_code == 302
    response = Response.objects.get()
    assert response.village.code == "610722001001"  # the grid 610722001001001's village
    assert response.town.code == "610722001"
    assert (response.mode, response.frame.description) == (Mode.PHONE, "随机拨号")
    assert response.entered_by == people["grid_worker"]
    assert response.answered_on == today


def test_an_entry_must_name_a_frame_of_its_mode(client, survey, people):
    client.force_login(people["grid_worker"])
    page = client.post(
        reverse("surveys:enter", args=[survey.pk]), entry(survey, Mode.DOOR, Mode.PHONE)
    )
    assert page.status_code == 400
    assert Response.objects.count() == 0


def test_an_entry_outside_the_surveys_days_is_refused(client, survey, people, today):
    client.force_login(people["grid_worker"])
    url = reverse("surveys:enter", args=[survey.pk])
    page = client.post(url, entry(survey, on=today + timedelta(days=1)))
    assert page.status_code == 400
    assert "不能是将来的日期" in page.content.decode()
    assert Response.objects.count() == 0


def test_a_grid_worker_enters_only_for_their_own_village(survey, people):
    other_village = Region.objects.get(code="610722002001")
    answers = {
        survey.aware_q.pk: survey.aware["知道"],
        survey.satisfied_q.pk: survey.satisfied["满意"],
    }
    with pytest.raises(SurveyError, match="本人网格所在的村"):
        submit_response(
            survey, village=other_village, answers=answers, mode=Mode.DOOR,
            entered_by=people["grid_worker"], frame=survey.frames_by_mode[Mode.DOOR],
        )  # fmt: skip


def test_operators_do_not_enter_sampled_answers(client, survey, people):
    client.force_login(people["village_operator"])
    assert client.post(reverse("surveys:enter", args=[survey.pk]), entry(survey)).status_code == 403
    assert Response.objects.count() == 0

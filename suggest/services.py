"""Log each suggestion, tie it to the report filed with it, record the final choice (a later 改类
changes it), and read back the corrections for retraining."""

from django.dispatch import receiver

from cases.models import Case
from cases.signals import case_recategorised, report_filed
from territory.counties import instance_county

from .corpus import Labelled
from .models import SuggestionLog
from .selectors import Suggestion


def log_suggestion(suggestion: Suggestion, channel: str) -> SuggestionLog:
    return SuggestionLog.objects.create(
        county_code=instance_county().county_code,
        version=suggestion.version,
        channel=channel,
        offered=[[item.category.code, round(item.score, 4)] for item in suggestion.leaves],
        not_a_case=suggestion.not_a_case,
    )


def record_choice(log_id: int | None, case: Case) -> None:
    """The report filed after a suggestion: its case and the category the person chose."""
    if log_id:
        SuggestionLog.objects.filter(pk=log_id, case__isnull=True).update(
            case=case, chosen=case.category.code
        )


@receiver(report_filed)
def tie_to_the_report(sender, case: Case, request, **kwargs) -> None:
    """The report form sent the number of the suggestion it showed (suggest.js)."""
    number = request.POST.get("suggestion_id", "")
    record_choice(int(number) if number.isdigit() else None, case)


@receiver(case_recategorised)
def record_correction(sender, case: Case, old_category_id: int, **kwargs) -> None:
    """改类 by a centre is the final choice too: the suggester learns from it."""
    SuggestionLog.objects.filter(case=case).update(chosen=case.category.code)


def corrections() -> list[Labelled]:
    """The filed reports whose final category is not the one suggested first, as examples."""
    found = (
        SuggestionLog.objects.filter(case__isnull=False).exclude(chosen="").select_related("case")
    )
    return [
        Labelled(log.case.description, log.chosen, "correction")
        for log in found
        if log.chosen != log.suggested and log.case.description
    ]

"""What the REST API takes and answers. A reporter's personal data is taken, never answered."""

from datetime import datetime

from ninja import Field, Schema

from cases.models import Priority


class CaseIn(Schema):
    category: str = Field(description="the leaf category's code, e.g. E0101", max_length=16)
    description: str = Field(min_length=1, max_length=2000)
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    address: str = Field("", max_length=200)
    priority: Priority = Priority.NORMAL
    reporter_name: str = Field("", max_length=40, description="stored as personal data, masked")
    reporter_phone: str = Field("", max_length=20, description="stored as personal data, masked")
    attributes: dict[str, str | int | float | list[str] | None] = Field(
        default_factory=dict,
        description="answers to the category's questions, by their code (GET /categories)",
    )
    details: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict,
        description="the facts a category of a kind of case asks, by field name: for a dispute "
        "(矛盾纠纷, G01…) risk, people_involved, amount_involved, body, applicant_name, "
        "applicant_phone, respondent_name, respondent_phone",
    )
    suggestion_id: int | None = Field(
        None, description="from POST /suggestions, if one was asked: the choice is measured"
    )


class CaseOut(Schema):
    code: str
    county_code: str
    status: str
    status_label: str
    category: str
    category_name: str
    description: str
    town: str
    village: str
    grid: str
    grid_name: str
    level: str
    department: str | None
    reported_at: datetime
    accept_deadline: datetime
    handle_deadline: datetime | None
    closed_at: datetime | None
    overdue: bool
    attributes: dict[str, str | int | float | list[str]] = {}


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: int | None = Field(description="pass as ?cursor= for the next page")


class ActionOut(Schema):
    action: str
    label: str


class Problem(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class ChoiceOut(Schema):
    key: str
    name: str


class QuestionOut(Schema):
    code: str
    question: str
    datatype: str = Field(
        description="string, number, datetime, text, singlevaluelist, multivaluelist"
    )
    required: bool
    order: int
    choices: list[ChoiceOut]


class CategoryOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    case_kind: str
    questions: list[QuestionOut] = Field(description="what a report of this category must answer")


class GridOut(Schema):
    code: str
    name: str
    village: str
    town: str


MAX_SUGGESTION_TEXT = 10_000


class SuggestionIn(Schema):
    text: str = Field(description="the report's words, as the resident or operator wrote them")
    lon: float | None = Field(None, description="where, if known: routing then picks the office")
    lat: float | None = None


class SuggestedCategory(Schema):
    code: str
    name: str
    class_code: str
    class_name: str
    kind: str
    score: float = Field(description="calibrated probability, 0–1")


class DepartmentRef(Schema):
    code: str
    name: str


class SuggestionOut(Schema):
    suggestions: list[SuggestedCategory] = Field(description="the five likeliest, best first")
    department: DepartmentRef | None = Field(description="routing's choice for the best one")
    not_a_case: bool = Field(description="咨询, 表扬 or 无效: answered by the centre")
    sure: bool = Field(description="the best is likely enough to be chosen; else only offered")
    suggestion_id: int = Field(description="send it with the report, so the choice is measured")
    version: str

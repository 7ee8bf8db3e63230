"""The annual work report, read from the data of every app, in the structure of the county's own
report (the article in the project's seed): the campaign against organised crime, the "四个一"
grid system, disputes, risk screening and stability filings, safe units, 雪亮工程, publicity and
satisfaction, and convenience services.

Every figure is a `Line`: its label, its value as printed, its definition and the page that
holds the data behind it. The page and the .docx print the same lines; nothing is typed in.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Campaign, Filing, FilingType
from assessments.selectors import RESOLUTION_RULE, campaign_figures
from cases.models import Case
from command.periods import Period, parse_period
from command.selectors import current_indicators, figures
from indicators.models import DataElement, DataSet
from indicators.selectors import GRID_BASICS, basic_counts
from indicators.selectors import figures as reported_figures
from safety.models import Unit
from safety.selectors import DEFINITIONS as SAFETY_DEFINITIONS
from safety.selectors import safety_figures
from services.selectors import DEFINITIONS as SERVICE_DEFINITIONS
from services.selectors import applications, counselling_counts, handed_back_cases, service_counts
from staff.models import Role, User
from surveys.selectors import activity_counts, survey_rates
from territory.models import Region

CAMPAIGN = "saohei"  # 扫黑除恶专项斗争 (indicators/data)
CAMERAS = "xueliang"  # 雪亮工程
GRID_INDICATORS = ("reported", "accepted", "closed", "closing_rate", "closed_on_time_rate",
                   "satisfaction")  # fmt: skip
DISPUTE_INDICATORS = ("disputes_reported", "disputes_accepted", "disputes_agreed",
                      "disputes_resolution_rate")  # fmt: skip


@dataclass(frozen=True)
class Line:
    label: str
    value: str  # as printed
    definition: str
    link: str  # the page that holds the data behind it
    number: Any = None  # the value itself (None: not entered or no rate to give)


@dataclass(frozen=True)
class Section:
    title: str
    summary: str  # the report's sentence, written from the lines
    lines: list[Line]


@dataclass(frozen=True)
class WorkReport:
    county: Region
    year: int
    made_at: datetime
    sections: list[Section]

    @property
    def title(self) -> str:
        return _("%(county)s: social governance work in %(year)s") % {
            "county": self.county.name,
            "year": self.year,
        }


def may_read_report(user) -> bool:
    """County centres, leaders and administrators: the report is the county's."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role in (Role.OPERATOR, Role.LEADER) and user.region.level == "county"


def printed(value: Any, unit: str = "") -> str:
    """A figure as the article writes it: 4302.22, 227.1, 2400, a rate as 100% or 95.2%."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
    elif isinstance(value, float):
        text = f"{value:.1f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    return f"{text}{unit}"


def _rate(numerator: int, denominator: int) -> float | None:
    return 100 * numerator / denominator if denominator else None


def _url(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- each section --------------------------------------------------------------------------------


def _reported_set(code: str, county: Region, year: int) -> tuple[dict, list[Line]]:
    """The approved figures of a data set of aggregate figures, as lines (empty if not set up)."""
    data_set = DataSet.objects.filter(county_code=county.county_code, code=code).first()
    if data_set is None:
        return {}, []
    values = reported_figures(code, county, str(year))
    elements = {e.code: e for e in DataElement.objects.filter(code__in=values)}
    link = _url("indicators:table", code, str(year), region=county.code)
    lines = [
        Line(
            elements[code].name,
            printed(value, elements[code].unit),
            _("Entered by the responsible office and approved (%(set)s).") % {"set": data_set.name},
            link,
            value,
        )
        for code, value in values.items()
    ]
    return values, lines


def _campaign(county: Region, year: int) -> Section:
    values, lines = _reported_set(CAMPAIGN, county, year)
    v = {code: printed(value) for code, value in values.items()}
    summary = (
        _(
            "The county dismantled %(sh_black_orgs)s mafia-type organisations, "
            "%(sh_evil_groups)s criminal groups and %(sh_evil_gangs)s criminal gangs, solved "
            "%(sh_cases)s cases of organised crime, detained %(sh_detained)s people, arrested "
            "%(sh_arrested)s and referred %(sh_prosecuted)s for prosecution; assets of "
            "%(sh_assets_seized)s 万元 were sealed, frozen or seized, and %(sh_assets_judged)s "
            "万元 judged at first instance; %(sh_corruption_cases)s cases of Party members and "
            "officials involved in organised crime were investigated and "
            "%(sh_officials_handled)s people dealt with, %(sh_disciplined)s given Party or "
            "administrative sanctions and %(sh_referred)s referred to the judiciary, among "
            "them %(sh_umbrella_cases)s cases of “protective umbrellas” with "
            "%(sh_umbrella_people)s people."
        )
        % v
        if lines
        else _("No figures of the campaign are approved for this year.")
    )
    return Section(_("The campaign against organised crime (扫黑除恶)"), summary, lines)


def _command_lines(codes: tuple[str, ...], county: Region, year: int, link: str) -> dict[str, Line]:
    """The command centre's indicators for the year (its facts), by indicator code."""
    known = {indicator.code: indicator for indicator in current_indicators()}
    chosen = [known[code] for code in codes if code in known]
    found = figures(chosen, county, date(year, 1, 1), date(year + 1, 1, 1))
    lines = {}
    for figure in found:
        value = figure.value
        if value is not None and figure.indicator.unit != "%":
            value = round(value)
        unit = "%" if figure.indicator.unit == "%" else figure.indicator.unit
        lines[figure.indicator.code] = Line(
            figure.indicator.name, printed(value, unit), figure.indicator.definition, link, value
        )
    return lines


def _printed_of(lines: dict[str, Line], code: str) -> str:
    """A command-centre figure as a sentence uses it: a count bare (the sentence has its unit),
    a rate with its %."""
    line = lines.get(code)
    if line is None:
        return "—"
    return printed(line.number, "%" if line.value.endswith("%") else "")


def _grid_system(county: Region, year: int) -> Section:
    grids = Region.objects.grids().subtree(county).count()
    staff = User.objects.filter(
        role__in=[Role.GRID_WORKER, Role.INFORMANT],
        is_active=True,
        region__path__startswith=county.path,
    ).count()
    territory = _url("command:coverage")
    lines = [
        Line(_("Grids"), printed(grids, "个"), _("Grids of the county's territory."), territory,
             grids),
        Line(_("Grid workers and informants"), printed(staff, "名"),
             _("Active accounts of grid workers and informants."), "", staff),
    ]  # fmt: skip
    if DataSet.objects.filter(county_code=county.county_code, code=GRID_BASICS).exists():
        counts = basic_counts(county, year)
        basics = _url("indicators:table", GRID_BASICS, str(year), region=county.code)
        lines += [
            Line(_("Households (户)"), printed(counts.households, "户"),
                 _("Sum of the grids' approved basic counts; %(done)s of %(grids)s grids reported.")
                 % {"done": counts.grids_reported, "grids": counts.grids}, basics, counts.households),
            Line(_("Resident population (人)"), printed(counts.population, "人"),
                 _("Sum of the grids' approved basic counts."), basics, counts.population),
        ]  # fmt: skip
    loop = _command_lines(GRID_INDICATORS, county, year, _url("command:centre", period=str(year)))
    lines += list(loop.values())
    summary = _(
        "The county is divided into %(grids)s grids with %(staff)s grid workers and "
        "informants; in the year %(reported)s problems were reported and %(closed)s closed, a "
        "closing rate of %(closing_rate)s, %(on_time)s closed on time."
    ) % {
        "grids": grids,
        "staff": staff,
        "reported": _printed_of(loop, "reported"),
        "closed": _printed_of(loop, "closed"),
        "closing_rate": _printed_of(loop, "closing_rate"),
        "on_time": _printed_of(loop, "closed_on_time_rate"),
    }
    return Section(_("The grid system (四个一)"), summary, lines)


def _disputes(county: Region, year: int) -> Section:
    found = _command_lines(
        DISPUTE_INDICATORS, county, year, _url("disputes:index", period=str(year))
    )
    summary = _(
        "In the year %(reported)s disputes were found, %(accepted)s accepted and %(agreed)s "
        "mediated to an agreement: a resolution rate of %(rate)s."
    ) % {
        "reported": _printed_of(found, "disputes_reported"),
        "accepted": _printed_of(found, "disputes_accepted"),
        "agreed": _printed_of(found, "disputes_agreed"),
        "rate": _printed_of(found, "disputes_resolution_rate"),
    }
    return Section(_("Disputes resolved (矛盾纠纷化解)"), summary, list(found.values()))


def _screening(county: Region, year: int) -> Section:
    """The campaigns that ended in the year, and the filings filed in it."""
    cases = Case.objects.filter(county_code=county.county_code)
    screened = resolved = 0
    lines = []
    for campaign in Campaign.objects.filter(
        county_code=county.county_code, ends_on__year=year
    ).order_by("ends_on"):
        found = campaign_figures(campaign, cases)
        screened, resolved = screened + found.screened, resolved + found.resolved
        link = _url("assessments:campaign", campaign.pk)
        lines.append(Line(_("%(campaign)s: screened") % {"campaign": campaign.name},
                          printed(found.screened, "起"), str(RESOLUTION_RULE), link,
                          found.screened))  # fmt: skip
        lines.append(Line(_("%(campaign)s: resolved") % {"campaign": campaign.name},
                          printed(found.resolved, "起"), str(RESOLUTION_RULE), link,
                          found.resolved))  # fmt: skip
    rate = _rate(resolved, screened)
    campaigns = _url("assessments:campaigns")
    lines.append(Line(_("Resolution rate of the year's finished campaigns"), printed(rate, "%"),
                      str(RESOLUTION_RULE), campaigns, rate))  # fmt: skip
    filings = Filing.objects.filter(county_code=county.county_code, filed_on__year=year)
    by_type = {kind: filings.filter(kind=kind).count() for kind in FilingType.values}
    register = _url("assessments:filings")
    for kind, label in FilingType.choices:
        lines.append(Line(_("Stability-risk filings: %(type)s") % {"type": label},
                          printed(by_type[kind], "个"),
                          _("Filings in the register filed in the year, by type."), register,
                          by_type[kind]))  # fmt: skip
    summary = _(
        "Risks to stability, health and safety were screened: %(screened)s found, %(resolved)s"
        " resolved, a resolution rate of %(rate)s. Stability-risk assessments were filed for "
        "%(city)s projects assessed by the city and %(unplanned)s projects outside the plan."
    ) % {
        "screened": screened,
        "resolved": resolved,
        "rate": printed(rate, "%"),
        "city": by_type.get(FilingType.CITY_ASSESSED, 0),
        "unplanned": by_type.get(FilingType.UNPLANNED, 0),
    }
    return Section(_("Risk screening and stability-risk filings"), summary, lines)


def _safe_units(county: Region, year: int, period: Period) -> Section:
    units = Unit.objects.filter(county_code=county.county_code)
    found = safety_figures(units, period).total
    link = _url("safety:index", period=str(year))
    rows = [
        ("registered", _("Units registered"), found.registered, "个"),
        ("inspected", _("Units inspected"), found.inspected, "个"),
        ("coverage", _("Inspection coverage (检查覆盖率)"), found.coverage, "%"),
        ("pass_rate", _("Pass rate (合格率)"), found.pass_rate, "%"),
        ("safe", _("Safe units (平安单位)"), found.safe, "个"),
        ("hazards", _("Hazards found and routed"), found.hazards, "处"),
    ]
    lines = [
        Line(label, printed(value, unit), str(SAFETY_DEFINITIONS[key]), link, value)
        for key, label, value, unit in rows
    ]
    summary = _(
        "Safe-unit creation (“十有十没有”) in ten sectors led by schools and hospitals: "
        "%(registered)s units registered, inspection coverage %(coverage)s, pass rate "
        "%(pass_rate)s, %(safe)s safe units; inspections found %(hazards)s hazards, each "
        "routed for rectification."
    ) % {
        "registered": found.registered,
        "coverage": printed(found.coverage, "%"),
        "pass_rate": printed(found.pass_rate, "%"),
        "safe": found.safe,
        "hazards": found.hazards,
    }
    return Section(_("Safe-unit creation (平安创建)"), summary, lines)


def _cameras(county: Region, year: int) -> Section:
    values, lines = _reported_set(CAMERAS, county, year)
    summary = (
        _(
            "%(xl_cameras)s video cameras were installed, %(xl_mountains_rivers)s “two "
            "mountains, two rivers” cameras built and %(xl_class1)s class-one cameras "
            "integrated."
        )
        % {code: printed(value) for code, value in values.items()}
        if lines
        else _("No figures of 雪亮工程 are approved for this year.")
    )
    return Section(_("Video surveillance (雪亮工程)"), summary, lines)


def _publicity(county: Region, year: int, period: Period) -> Section:
    activities = activity_counts(county, period)
    held = sum(row["activities"] for row in activities)
    reached = sum(row["reached"] for row in activities)
    link = _url("surveys:activities", period=str(year))
    lines = [
        Line(_("Publicity activities held"), printed(held, "场"),
             _("Activities recorded in the year, of every type."), link, held),
        Line(_("People reached"), printed(reached, "人次"),
             _("The audience the activities recorded."), link, reached),
    ]  # fmt: skip
    lines += [
        Line(row["label"], printed(row["activities"], "场"),
             _("Activities of this type in the year."), link, row["activities"])
        for row in activities
    ]  # fmt: skip
    rates = survey_rates(county, period)
    surveys = _url("surveys:surveys")
    for row in rates:
        rate = None if row["rate"] is None else 100 * row["rate"]
        value = printed(rate, "%")
        if rate is not None:
            value += _(" (95%% interval %(low)s–%(high)s, n = %(n)s)") % {
                "low": printed(100 * row["low"], "%"),
                "high": printed(100 * row["high"], "%"),
                "n": row["denominator"],
            }
        lines.append(Line(str(row["label"]), value,
                          _("Answers counted as aware or satisfied ÷ answers that count; Wilson "
                            "interval."), surveys, rate))  # fmt: skip
    rates_text = "，".join(
        f"{row['label']}{printed(None if row['rate'] is None else 100 * row['rate'], '%')}"
        for row in rates
    )
    summary = _(
        "%(held)s publicity activities (against telecom fraud, for national security and more)"
        " reached %(reached)s people; the surveys found: %(rates)s."
    ) % {"held": held, "reached": reached, "rates": rates_text or "—"}
    return Section(_("Publicity and satisfaction"), summary, lines)


def _services(county: Region, year: int, period: Period) -> Section:
    from command.periods import reported_in

    cases = Case.objects.filter(county_code=county.county_code)
    counts = service_counts(
        applications(cases).filter(reported_in(period)),
        handed_back_cases(cases).filter(reported_in(period)),
    )
    link = _url("services:index", period=str(year))
    rows = [
        ("applied", _("Applications"), counts.applied, "件"),
        ("completed", _("Completed (办结)"), counts.completed, "件"),
        ("on_time_rate", _("Completed in time (%)"), counts.on_time_rate, "%"),
        ("handed_in", _("Handed in by the governance centre"), counts.handed_in, "件"),
        ("handed_back", _("Handed back to the governance centre"), counts.handed_back, "件"),
    ]
    lines = [
        Line(label, printed(value, unit), SERVICE_DEFINITIONS[key], link, value)
        for key, label, value, unit in rows
    ]
    counselled = sum(row["requested"] for row in counselling_counts(county.county_code, period))
    lines.append(Line(_("Social-psychological service requests"), printed(counselled, "件"),
                      _("Requests in the year (counts only: the content is seen by counsellors "
                        "alone)."), link, counselled))  # fmt: skip
    summary = _(
        "The governance and service centres work as one: %(applied)s service applications in "
        "the year, %(completed)s completed, %(rate)s completed in time; %(handed_in)s handed "
        "in by the governance centre and %(handed_back)s handed back to it; %(counselled)s "
        "requests for the social-psychological service."
    ) % {
        "applied": counts.applied,
        "completed": counts.completed,
        "rate": printed(counts.on_time_rate, "%"),
        "handed_in": counts.handed_in,
        "handed_back": counts.handed_back,
        "counselled": counselled,
    }
    return Section(_("Convenience services (便民服务)"), summary, lines)


def work_report(county: Region, year: int, now: datetime | None = None) -> WorkReport:
    period = parse_period(str(year))
    return WorkReport(
        county=county,
        year=year,
        made_at=now or timezone.now(),
        sections=[
            _campaign(county, year),
            _grid_system(county, year),
            _disputes(county, year),
            _screening(county, year),
            _safe_units(county, year, period),
            _cameras(county, year),
            _publicity(county, year, period),
            _services(county, year, period),
        ],
    )

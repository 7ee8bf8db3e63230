"""The people who work the system (一套人马): their role, and the region or department they serve."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from territory.models import Level, Region
from wangge.county import county_code_field, county_id_unique


class Department(models.Model):
    """A responsible department (职能部门) that cases are routed to (归口办理)."""

    county_code = county_code_field()
    #: Unique within its county: every county has its own 城管局 `cgj`.
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region,
        verbose_name=_("serves region"),
        on_delete=models.PROTECT,
        help_text=_(
            "The county for county departments, a town for a town's police or justice office."
        ),
    )
    email = models.EmailField(
        _("e-mail"),
        blank=True,
        help_text=_("Dispatched and supervised cases are announced to this address."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "code"], name="staff_department_code_unique_per_county"
            ),
            county_id_unique("department"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("Grid worker")
    INFORMANT = "informant", _("Informant")
    OPERATOR = "operator", _("Centre operator")
    HANDLER = "handler", _("Department handler")
    LEADER = "leader", _("Leader (read-only)")
    ADMIN = "admin", _("Administrator")


REGION_ROLES = [Role.GRID_WORKER, Role.INFORMANT, Role.OPERATOR, Role.LEADER]


class User(AbstractUser):
    # The county the person works for. Logins stay unique across counties: a login names one
    # person wherever the rows end up (users are never published to the city).
    county_code = county_code_field()
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # No default: a new user has no access until given a role (and its region or department);
    # the administrator role is granted explicitly like any other.
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Grid workers: their grid. Operators and leaders: the region of their centre."),
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=REGION_ROLES) | Q(region__isnull=False),
                name="user_region_required_for_region_roles",
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.HANDLER) | Q(department__isnull=False),
                name="user_department_required_for_handlers",
            ),
            county_id_unique("user"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def centre_level(self) -> str | None:
        """The level of the centre an operator works in (county, town or village)."""
        if self.role == Role.OPERATOR and self.region_id:
            return self.region.level
        return None

    @property
    def works_a_grid(self) -> bool:
        return self.role in (Role.GRID_WORKER, Role.INFORMANT)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.role in REGION_ROLES and not self.region_id:
            raise ValidationError({"region": _("This role needs a region.")})
        if self.role == Role.HANDLER and not self.department_id:
            raise ValidationError({"department": _("A department handler needs a department.")})
        if self.works_a_grid and self.region.level != Level.GRID:
            raise ValidationError(
                {"region": _("Grid workers and informants are assigned to a grid.")}
            )
        if self.role == Role.OPERATOR and self.region.level == Level.GRID:
            raise ValidationError(
                {"region": _("Operators work in a county, town or village centre.")}
            )

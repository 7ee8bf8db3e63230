"""Every page the app serves carries a Content-Security-Policy that runs no inline script and
loads nothing from another origin."""

import re

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases.services import report_case
from cases.tests.test_pages import log_in, png
from conftest import IN_FIRST_GRID

KEYWORD = re.compile(r"^'(self|none)'$")
REGEX_SIGNS = re.compile(r"[\^$()?*+\[\]\\<]")


def policy_of(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def assert_strict(response) -> None:
    """No inline script, no eval, and every source this origin or none (no other origin)."""
    policy = policy_of(response)
    path = response.request["PATH_INFO"]
    for directive in ("script-src", "script-src-elem", "script-src-attr"):
        sources = policy.get(directive, policy.get("script-src", policy["default-src"]))
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, path
    for name, sources in policy.items():
        assert all(KEYWORD.match(source) for source in sources), (path, name, sources)
    assert policy["default-src"] == ["'none'"] and policy["script-src"] == ["'self'"], path


def plain_paths(patterns=None, prefix: str = "/"):
    """Every URL of the site that takes no argument (admin's included)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = str(pattern.pattern)
        if REGEX_SIGNS.search(route):
            continue
        if isinstance(pattern, URLResolver):
            yield from plain_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield prefix + route


@pytest.fixture
def administrator(people):
    user = people["admin"]
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def case(people, categories, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    lon, lat = IN_FIRST_GRID
    return report_case(
        reporter=people["grid_worker"], category=categories["rubbish"], description="垃圾",
        lon=lon, lat=lat, photos=[png()],
    )  # fmt: skip


def test_the_policy_forbids_inline_script_on_every_page(client, people, administrator, case):
    lon, lat = IN_FIRST_GRID
    photo = case.photos.get()
    app_pages = [
        "/",
        "/login/",
        "/cases/",
        "/cases/?tab=all&status=reported",
        "/cases/report/",
        f"/cases/report/details/?category={case.category_id}",
        "/cases/figures/",
        f"/cases/{case.code}/",
        f"/cases/{case.code}/photos/{photo.pk}/",
        "/territory/grids.json",
        "/no-such-page/",
    ]
    seen = 0
    # Anonymous (the login page, redirects, 404), a grid worker, then the administrator.
    for path in ["/login/", "/cases/", "/no-such-page/"]:
        assert_strict(client.get(path))
        seen += 1
    for user in (people["grid_worker"], administrator):
        log_in(client, user)
        for path in [*app_pages, *plain_paths()]:
            assert_strict(client.get(path))
            seen += 1
        assert_strict(client.post("/territory/locate/", {"lon": lon, "lat": lat}))
        assert_strict(client.get("/cases/", headers={"HX-Request": "true"}))
        seen += 2
    # Every model in the admin: its list, its add form and a change form.
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert_strict(client.get(reverse(f"{name}_changelist")))
        assert_strict(client.get(reverse(f"{name}_add")))
        seen += 2
        instance = model._default_manager.first()
        if instance is not None:
            assert_strict(client.get(reverse(f"{name}_change", args=[instance.pk])))
            seen += 1
    assert seen > 60

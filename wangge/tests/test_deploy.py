"""Settings fail closed, and the production environment of docs/deploy.md passes
`manage.py check --deploy` without a warning. Settings are read once per process, so each case
runs in a process of its own, with none of this one's Django or Wangge variables."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def run(args: list[str], tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "WANGGE_", "DATABASE_", "REDIS_"))
    }
    env |= {"DJANGO_SETTINGS_MODULE": "wangge.settings", "WANGGE_VAR_DIR": str(tmp_path)}
    env |= variables
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


SHOW_DEBUG = [
    "-c",
    "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG)",
]


def test_without_django_debug_debug_is_off_and_a_secret_key_is_required(tmp_path):
    refused = run(SHOW_DEBUG, tmp_path)
    assert refused.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is not set" in refused.stderr

    production = run(SHOW_DEBUG, tmp_path, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))
    assert production.stdout.strip() == "False", production.stderr

    demo = run(SHOW_DEBUG, tmp_path, DJANGO_DEBUG="1")
    assert demo.stdout.strip() == "True", demo.stderr


def documented_environment() -> dict[str, str]:
    """The variables of the `/etc/wangge/wangge.env` example in docs/deploy.md."""
    page = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n# /etc/wangge/wangge.env\n(.*?)```", page, re.DOTALL).group(1)
    lines = [line for line in block.splitlines() if line and not line.startswith("#")]
    return dict(line.split("=", 1) for line in lines)


def test_check_deploy_is_quiet_under_the_documented_production_environment(tmp_path):
    environment = documented_environment()
    assert environment["DJANGO_DEBUG"] == "0" and environment["WANGGE_HTTPS"] == "1"
    environment |= {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # the page's "…the generated key…"
        "WANGGE_VAR_DIR": str(tmp_path),  # not /var/lib/wangge on this machine
    }
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **environment
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout

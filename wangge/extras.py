"""What an app adds to another app's form without that form knowing it: a script for a named
form, with the address it talks to (the category suggester on the report forms). Apps add
theirs in `ready()`; the form's template renders them with `{% form_scripts "report" %}`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FormScript:
    form: str  # "report" (staff), "portal_report" (residents)
    static_path: str
    url_name: str  # the script finds its address in data-url


_SCRIPTS: list[FormScript] = []


def add_form_script(script: FormScript) -> None:
    if script not in _SCRIPTS:  # ready() may run twice in some test runners
        _SCRIPTS.append(script)


def scripts_for(form: str) -> list[FormScript]:
    return [script for script in _SCRIPTS if script.form == form]

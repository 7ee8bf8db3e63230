"""GeoReport v2 answers in JSON or XML, as the specification writes them: a list becomes
<services><service>…</service></services>, an error list <errors><error>…</error></errors>."""

import json
from xml.etree import ElementTree

from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


def _xml_value(parent: ElementTree.Element, name: str, value) -> None:
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, inner in value.items():
            _xml_value(element, key, inner)
    elif isinstance(value, list):
        item_name = name[:-1] if name.endswith("s") else "item"
        for inner in value:
            _xml_value(element, item_name, inner)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def to_xml(root: str, item: str | None, data) -> bytes:
    """`data` under <root>: a list as one <item> per entry, a dict as its fields."""
    element = ElementTree.Element(root)
    entries = data if isinstance(data, list) else [data]
    for entry in entries:
        target = ElementTree.SubElement(element, item) if item else element
        for key, value in entry.items():
            _xml_value(target, key, value)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(element, "utf-8")


def answer(data, fmt: str, *, root: str, item: str | None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = to_xml(root, item, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(body, content_type=CONTENT_TYPES[fmt], status=status)


def error(fmt: str, status: int, description: str) -> HttpResponse:
    """The specification's error list, with the HTTP status it names."""
    return answer(
        [{"code": status, "description": description}],
        fmt,
        root="errors",
        item="error",
        status=status,
    )

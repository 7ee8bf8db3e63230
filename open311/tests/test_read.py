"""GeoReport v2's read endpoints in JSON and XML, shaped as the specification's own examples."""

from xml.etree import ElementTree

import pytest


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_the_specification_and_both_formats(client, db, fmt):
    response = client.get(f"/open311/v2/discovery.{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        (endpoint,) = response.json()["endpoints"]
        assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert endpoint["url"].endswith("/open311/v2")
        assert endpoint["formats"] == ["application/json", "text/xml"]
    else:
        root = ElementTree.fromstring(response.content)
        assert root.tag == "discovery"
        assert root.find("endpoints/endpoint/specification").text.endswith("GeoReport_v2")
        assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
            "application/json",
            "text/xml",
        ]


def test_services_are_the_public_leaf_categories_in_json(client, categories):
    services = client.get("/open311/v2/services.json").json()
    assert [service["service_code"] for service in services] == [
        "E0101"
    ]  # disputes are not offered
    (rubbish,) = services
    assert rubbish == {
        "service_code": "E0101",
        "service_name": "暴露垃圾",
        "description": "暴露垃圾",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "市容环境",
    }


def test_services_in_xml_follow_the_specifications_shape(client, categories):
    response = client.get("/open311/v2/services.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == "services"
    (service,) = root.findall("service")
    assert service.find("service_code").text == "E0101"
    assert service.find("metadata").text == "false"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_definition_and_an_unknown_code(client, categories, fmt):
    known = client.get(f"/open311/v2/services/E0101.{fmt}")
    assert known.status_code == 200
    unknown = client.get(f"/open311/v2/services/Z9999.{fmt}")
    assert unknown.status_code == 404
    if fmt == "json":
        assert known.json() == {"service_code": "E0101", "attributes": []}
        assert unknown.json()[0]["code"] == 404 and "Z9999" in unknown.json()[0]["description"]
    else:
        assert ElementTree.fromstring(known.content).find("service_code").text == "E0101"
        error = ElementTree.fromstring(unknown.content).find("error")
        assert error.find("code").text == "404" and "Z9999" in error.find("description").text


def test_another_jurisdiction_is_refused_in_the_error_format(client, categories):
    assert client.get("/open311/v2/services.json", {"jurisdiction_id": "610722"}).status_code == 200
    refused = client.get("/open311/v2/services.json", {"jurisdiction_id": "330100"})
    assert refused.status_code == 404 and refused.json()[0]["code"] == 404


def test_an_unknown_format_is_not_found(client, db):
    assert client.get("/open311/v2/services.csv").status_code == 404

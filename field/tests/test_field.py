"""The field app's page, manifest and service worker as the server sends them."""

from field.selectors import SHELL_FILES


def test_only_grid_workers_and_informants_open_the_app(client, people):
    for name, expected in (("grid_worker", 200), ("informant", 200), ("town_operator", 403)):
        client.force_login(people[name])
        assert client.get("/field/").status_code == expected, name


def test_the_manifest_and_the_worker_name_this_deployments_files(client, people):
    manifest = client.get("/field/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["scope"] == "/field/"
    worker = client.get("/field/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    assert "no-cache" in worker["Cache-Control"]  # a phone always asks for the newest
    text = worker.content.decode()
    assert all(f"/static/{path}" in text for path in SHELL_FILES)


def test_the_policy_lets_the_app_install_and_nothing_else_in(client, people):
    client.force_login(people["grid_worker"])
    policy = client.get("/field/")["Content-Security-Policy"]
    assert "manifest-src 'self'" in policy and "worker-src 'self'" in policy
    assert "default-src 'none'" in policy


def test_sending_needs_the_workers_session_and_checked_values(client, people):
    assert client.get("/field/hello/").status_code == 401
    assert client.post(
        "/field/send/patrol/", "{}", content_type="application/json"
    ).status_code in (
        401,
        403,
    )  # no session: refused before anything is read (403 is the missing form token)
    client.force_login(people["grid_worker"])
    assert "csrf" in client.get("/field/hello/").json()
    bad = client.post("/field/send/patrol/", '{"lon": "east"}', content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"] == "请检查提交的数据。"
    empty = client.post("/field/send/report/", {"report": "{}"})
    assert empty.status_code == 400 and "category" in empty.json()["errors"]

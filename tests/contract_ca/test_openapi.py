"""GET /v2/openapi-en and /v2/openapi-fr (contract 3.10): GC's OpenAPI document, without auth.

GC serves both as `application/yaml`: the French file as written, the English one
loaded and dumped again by PyYAML (so its keys come sorted). GOV.UK has no such route.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
import yaml

from tests.contract_ca.support import SMS_TEMPLATE, client
from tests.sandbox_process import SandboxProcess

ROUTES = {
    "/v2/notifications/sms": ["post"],
    "/v2/notifications/email": ["post"],
    "/v2/notifications/bulk": ["get", "post"],
    "/v2/notifications/bulk/{job_id}": ["delete", "get"],
    "/v2/manage-template": ["post"],
    "/v2/manage-template/template-categories": ["get"],
    "/v2/manage-template/{template_id}": ["delete", "get", "patch"],
    "/v2/reports": ["get", "post"],
    "/v2/reports/{report_id}": ["get"],
    "/v2/reports/{report_id}/content": ["get"],
    "/v2/notifications/{notification_id}": ["get"],
    "/v2/notifications/{notification_id}/pdf": ["get"],
    "/v2/notifications": ["get"],
    "/v2/template/{template_id}": ["get"],
    "/v2/template/{template_id}/version/{version}": ["get"],
    "/v2/template/{template_id}/preview": ["post"],
    "/v2/templates": ["get"],
    "/v2/received-text-messages": ["get"],
    "/v2/openapi-en": ["get"],
    "/v2/openapi-fr": ["get"],
    # GC's legacy v1 API (app/notifications/rest.py)
    "/notifications": ["get"],
    "/notifications/{notification_id}": ["get"],
    "/notifications/sms": ["post"],
    "/notifications/email": ["post"],
}
NOT_FOUND = {
    "result": "error",
    "message": "The requested URL was not found on the server. If you entered the URL manually "
    "please check your spelling and try again.",
}


def fetch(base_url: str, language: str) -> requests.Response:
    return requests.get(f"{base_url}/v2/openapi-{language}", timeout=10)


@pytest.fixture(scope="module")
def specs(ca_sandbox: SandboxProcess) -> dict[str, dict[str, Any]]:
    return {lang: yaml.safe_load(fetch(ca_sandbox.base_url, lang).text) for lang in ("en", "fr")}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_served_without_auth_as_yaml(ca_sandbox: SandboxProcess, language: str) -> None:
    response = fetch(ca_sandbox.base_url, language)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/yaml"
    document = yaml.safe_load(response.text)
    assert document["openapi"].startswith("3.0")
    assert {path: sorted(ops) for path, ops in document["paths"].items()} == ROUTES


def test_english_is_dumped_again_and_french_is_served_as_written(
    ca_sandbox: SandboxProcess,
) -> None:
    english = fetch(ca_sandbox.base_url, "en").text
    french = fetch(ca_sandbox.base_url, "fr").text
    assert english.splitlines()[0] == "components:"  # PyYAML sorts the keys
    assert french.splitlines()[0] == "openapi: 3.0.3"
    assert "gabarit" in french and "gabarit" not in english


def test_both_languages_describe_the_same_api(specs: dict[str, dict[str, Any]]) -> None:
    def shape(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: shape(v)
                for k, v in node.items()
                if k not in {"description", "summary", "title", "url"}
            }
        if isinstance(node, list):
            return [shape(v) for v in node]
        return node

    assert shape(specs["en"]) == shape(specs["fr"])
    assert specs["en"]["info"]["description"] != specs["fr"]["info"]["description"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_reference_resolves(specs: dict[str, dict[str, Any]], language: str) -> None:
    document = specs[language]

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if "$ref" in node else []
            return found + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    for ref in refs(document):
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


def test_every_documented_route_is_served(
    ca_sandbox: SandboxProcess, specs: dict[str, dict[str, Any]]
) -> None:
    for path, operations in specs["en"]["paths"].items():
        url = path.format(
            notification_id=uuid.uuid4(),
            template_id=uuid.uuid4(),
            version=1,
            job_id=uuid.uuid4(),
            report_id=uuid.uuid4(),
        )
        for method in operations:
            response = requests.request(
                method,
                f"{ca_sandbox.base_url}{url}",
                json={} if method == "post" else None,
                timeout=10,
            )
            # routed: answered by auth (401) or served (the specification itself)
            expected = 200 if path.startswith("/v2/openapi-") else 401
            assert response.status_code == expected, (method, path, response.text)


def test_documented_shapes_match_answers(
    ca_sandbox: SandboxProcess, specs: dict[str, dict[str, Any]]
) -> None:
    schemas = specs["en"]["components"]["schemas"]
    test = client(ca_sandbox.base_url, "test")
    sent = test.send_sms_notification("+16135550123", SMS_TEMPLATE, {"name": "Ada", "code": "1"})
    assert set(schemas["SmsResponse"]["required"]) <= set(sent)
    got = test.get_notification_by_id(sent["id"])
    assert set(got) == set(schemas["Notification"]["properties"])
    job = test.post(
        "/v2/notifications/bulk",
        {
            "name": "spec",
            "template_id": SMS_TEMPLATE,
            "rows": [["phone number", "name", "code"], ["+16135550123", "Ada", "1"]],
        },
    )["data"]
    assert set(job) == set(schemas["Job"]["properties"])
    read = test.get(f"/v2/notifications/bulk/{job['id']}")["data"]
    assert set(read) == set(schemas["Job"]["properties"]) | {"statistics"}


def test_documented_shapes_of_the_v1_api(
    ca_sandbox: SandboxProcess, specs: dict[str, dict[str, Any]]
) -> None:
    schemas = specs["en"]["components"]["schemas"]
    test = client(ca_sandbox.base_url, "test")
    sent = test.post(
        "/notifications/sms",
        {
            "to": "+16135550123",
            "template": SMS_TEMPLATE,
            "personalisation": {"name": "A", "code": "1"},
        },
    )
    data = schemas["LegacySendResponse"]["properties"]["data"]
    assert set(sent["data"]) == set(data["required"])
    one = test.get(f"/notifications/{sent['data']['notification']['id']}")["data"]["notification"]
    documented = schemas["LegacyNotification"]["properties"]
    assert (
        set(one) == set(schemas["LegacyNotification"]["required"]) == set(documented) - {"subject"}
    )
    page = test.get("/notifications", params={"page_size": 1})
    assert set(page) == set(schemas["LegacyNotificationList"]["properties"])


def test_documented_shapes_of_managed_templates_and_reports(
    ca_sandbox: SandboxProcess, specs: dict[str, dict[str, Any]]
) -> None:
    schemas = specs["en"]["components"]["schemas"]
    test = client(ca_sandbox.base_url, "test")
    created = test.post(
        "/v2/manage-template",
        {
            "name": "spec",
            "template_type": "sms",
            "content": "Hi",
            "template_category_id": "b6c42a7e-2a26-4a07-802b-123a5c3198a9",
        },
    )
    assert set(created) == set(schemas["ManagedTemplate"]["properties"])
    categories = test.get("/v2/manage-template/template-categories")["template_categories"]
    assert set(categories[0]) == set(
        schemas["TemplateCategoryList"]["properties"]["template_categories"]["items"]["properties"]
    )
    requested = test.post("/v2/reports", {"report_type": "sms", "language": "en"})
    assert set(requested) == set(schemas["ReportAccepted"]["properties"])
    report = test.get(f"/v2/reports/{requested['report_id']}")
    assert set(report) == set(schemas["Report"]["properties"])


def test_other_methods_are_refused_at_the_route(ca_sandbox: SandboxProcess) -> None:
    response = requests.post(f"{ca_sandbox.base_url}/v2/openapi-en", timeout=10)
    assert (response.status_code, response.json()) == (
        405,
        {"result": "error", "message": "The method is not allowed for the requested URL."},
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_uk_profile_has_no_specification_route(sandbox: SandboxProcess, language: str) -> None:
    for method in ("GET", "POST"):
        response = requests.request(method, f"{sandbox.base_url}/v2/openapi-{language}", timeout=10)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

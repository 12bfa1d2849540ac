"""Defect 11 and the schemathesis run: the served OpenAPI documents agree with the server.

Documents: /sandbox/v1/openapi/v2.json for the uk and ca profiles (generated from the real
routes and request schemas), GC's own /v2/openapi-en for ca (checked here against the real
routes), and /sandbox/v1/openapi/sandbox.json for the admin API. schemathesis sends
generated requests from each and checks every answer: no 5xx, documented status and
content type, and a body matching the documented schema.

Examples per operation: RELIABILITY_EXAMPLES (default 12 in CI; e.g. 200 for a long run).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft7Validator
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from simulator.api.openapi_live import DOCUMENT_PATHS
from tests.reliability.support import ADMIN, jwt_for
from tests.sandbox_process import SandboxProcess

# what must hold for any request, valid or not. (positive_data_acceptance is left out: the
# documents use Notify's own formats, phone_number and the like, which a generator cannot
# know, so "schema-valid" bodies are often not valid to Notify either.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("RELIABILITY_EXAMPLES", "12"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def _start(tmp: Path, profile: str) -> SandboxProcess:
    env = {"SANDBOX_PROFILE": profile}
    fixtures = None if profile == "ca" else SandboxProcess(tmp).fixtures
    return SandboxProcess(tmp, env=env, fixtures=fixtures).start()


@pytest.fixture(scope="module")
def uk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = _start(Path(tmp_path_factory.mktemp("st-uk")), "uk")
    yield process
    process.stop()


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    process = _start(Path(tmp_path_factory.mktemp("st-ca")), "ca")
    yield process
    process.stop()


def _operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    methods = {"get", "post", "put", "patch", "delete"}
    return {(p, m) for p, ops in document["paths"].items() for m in ops if m in methods}


def test_every_profile_serves_generated_documents(uk: SandboxProcess, ca: SandboxProcess) -> None:
    for sandbox in (uk, ca):
        for path in DOCUMENT_PATHS.values():
            response = requests.get(sandbox.base_url + path, timeout=5)
            assert response.status_code == 200
            assert response.json()["openapi"].startswith("3.")
    v2 = requests.get(uk.base_url + DOCUMENT_PATHS["v2"], timeout=5).json()
    assert ("/v2/notifications/sms", "post") in _operations(v2)
    assert ("/v2/notifications/{notification_id}", "post") not in _operations(v2)
    admin = requests.get(uk.base_url + DOCUMENT_PATHS["sandbox"], timeout=5).json()
    assert ("/sandbox/v1/services/{service_id}", "patch") in _operations(admin)


def test_gcs_documents_list_exactly_the_routes_the_server_has(ca: SandboxProcess) -> None:
    served = _operations(requests.get(ca.base_url + DOCUMENT_PATHS["v2"], timeout=5).json())
    for language in ("en", "fr"):
        document = yaml.safe_load(requests.get(f"{ca.base_url}/v2/openapi-{language}").text)
        assert _operations(document) == served, language


def test_both_documents_refuse_a_bulk_body_with_rows_and_csv(ca: SandboxProcess) -> None:
    gc = yaml.safe_load(requests.get(f"{ca.base_url}/v2/openapi-en", timeout=5).text)
    generated = requests.get(ca.base_url + DOCUMENT_PATHS["v2"], timeout=5).json()
    operation = generated["paths"]["/v2/notifications/bulk"]["post"]
    schemas = [
        gc["components"]["schemas"]["BulkRequest"],
        operation["requestBody"]["content"]["application/json"]["schema"],
    ]
    rows_only = {
        "name": "job",
        "template_id": "11111111-1111-4111-8111-111111111111",
        "rows": [["phone number"], ["+16135550123"]],
    }
    both = {**rows_only, "csv": "phone number\n+16135550123\n"}
    for schema in schemas:
        assert Draft7Validator(schema).is_valid(rows_only)
        assert not Draft7Validator(schema).is_valid(both)


# -- schemathesis ---------------------------------------------------------------------
def _fuzz_operation(
    operation: Any, base_url: str, headers: Callable[[], dict[str, str]], failures: list[str]
) -> int:
    label = f"{operation.method.upper()} {operation.path}"
    sent = 0

    @SETTINGS
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        try:
            case.call_and_validate(base_url=base_url, headers=headers(), checks=CHECKS, timeout=10)
        except (Exception, BaseExceptionGroup) as error:  # a check failed: keep it, go on
            failures.append(f"{label}: {error}"[:800])

    run()
    return sent


def _fuzz(document_url: str, base_url: str, headers: Callable[[], dict[str, str]]) -> None:
    """Every operation of the document, EXAMPLES generated requests each; all failures
    are collected, so one run reports every disagreement."""
    schema = schemathesis.openapi.from_url(document_url)
    failures: list[str] = []
    sent = 0
    for result in schema.get_all_operations():
        if isinstance(result, Err):  # an operation schemathesis cannot read is a failure too
            failures.append(f"unreadable operation: {result.err()}")
            continue
        sent += _fuzz_operation(result.ok(), base_url, headers, failures)
    print(
        f"\nschemathesis {document_url.split('/', 3)[3]}: {sent} requests, {len(failures)} failed"
    )
    assert sent > 0
    assert failures == [], f"{len(failures)} of {sent} requests failed:\n" + "\n".join(
        failures[:20]
    )


def test_uk_v2_answers_as_documented(uk: SandboxProcess) -> None:
    _fuzz(uk.base_url + DOCUMENT_PATHS["v2"], uk.base_url, lambda: _v2_headers("team"))


def test_ca_v2_answers_as_documented(ca: SandboxProcess) -> None:
    _fuzz(ca.base_url + DOCUMENT_PATHS["v2"], ca.base_url, lambda: _v2_headers("team"))


def test_ca_answers_as_gcs_own_document_says(ca: SandboxProcess) -> None:
    _fuzz(ca.base_url + "/v2/openapi-en", ca.base_url, lambda: _v2_headers("team"))


def test_the_admin_api_answers_as_documented(uk: SandboxProcess) -> None:
    _fuzz(uk.base_url + DOCUMENT_PATHS["sandbox"], uk.base_url, lambda: dict(ADMIN))


def _v2_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {jwt_for(key)}"}

"""GC's template management API, /v2/manage-template, on a real `--profile ca` server.

The official client has no methods for these routes: its generic `post`, `get` and
`delete` send a JWT; PATCH, and every refusal, go over raw HTTP with ApiKey-v1. Texts
are GC's (cds-snc/notification-api app/v2/manage_template/*.py, app/v2/errors.py).
What is created or changed is then served by the client's own template and send methods.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.contract.support import envelope
from tests.contract_ca.more_support import call, client
from tests.sandbox_process import SandboxProcess

AUTHENTICATION = "b6c42a7e-2a26-4a07-802b-123a5c3198a9"
HIDDEN_LOW = "0dda24c2-982a-4f44-9749-0e38b2607e89"
CATEGORIES = [
    {
        "template_category_id": "207b293c-2ae5-48e8-836d-fcabd60b2153",
        "name": "General communication",
    },
    {"template_category_id": "977e2a00-f957-4ff0-92f2-ca3286b24786", "name": "Confirmation"},
    {"template_category_id": "e81678c0-4897-4111-b9d0-172f6b595f89", "name": "Decision"},
    {"template_category_id": "e0b8fbe5-f435-4977-8fc8-03f13d9296a5", "name": "Request"},
    {"template_category_id": AUTHENTICATION, "name": "Authentication"},
    {"template_category_id": "55eb1137-6dc6-4094-9031-f61124a279dc", "name": "Status update"},
    {"template_category_id": "7c16aa95-e2e1-4497-81d6-04c656520fe4", "name": "Test"},
    {"template_category_id": "1d8ce435-a7e5-431b-aaa2-a418bc4d14f9", "name": "Alert"},
    {"template_category_id": "edb966f3-4a4c-47a4-96ab-05ff259b919c", "name": "Reminder"},
]
GC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
FORBIDDEN = envelope(
    403, ("ForbiddenError", "This API key does not have permission to manage templates.")
)


@pytest.fixture(scope="module")
def base(more_sandbox: SandboxProcess) -> str:
    return more_sandbox.base_url


def _sms(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Code",
        "template_type": "sms",
        "content": "Your code is ((code))",
        "template_category_id": AUTHENTICATION,
        **extra,
    }


def _category_error(error: str, message: str) -> dict[str, Any]:
    return {**envelope(400, (error, message)), "template_categories": CATEGORIES}


def test_create_read_send_change_and_archive(base: str) -> None:
    gc = client(base)
    created = gc.post("/v2/manage-template", _sms())
    assert list(created) == sorted([  # Flask's jsonify sorts keys, as the sandbox does
        "id", "service_id", "service_name", "name", "type", "created_at", "updated_at",
        "created_by", "version", "body", "subject", "postage", "template_category_id",
        "template_category_name", "folder_id", "archived",
    ])  # fmt: skip
    template_id = created["id"]
    assert {k: v for k, v in created.items() if k not in ("id", "created_at", "created_by")} == {
        "service_id": "c1111111-1111-4111-8111-111111111111",
        "service_name": "More Live",
        "name": "Code",
        "type": "sms",
        "updated_at": None,
        "version": 1,
        "body": "Your code is ((code))",
        "subject": None,
        "postage": None,
        "template_category_id": AUTHENTICATION,
        "template_category_name": "Authentication",
        "folder_id": None,
        "archived": False,
    }
    assert GC_TIME.match(created["created_at"])
    assert gc.get(f"/v2/manage-template/{template_id}") == created
    # what the API created, the template and send routes serve at once
    assert gc.get_template(template_id)["body"] == "Your code is ((code))"
    sent = gc.send_sms_notification("+16135550123", template_id, {"code": "42"})
    assert sent["content"]["body"] == "More Live: Your code is 42"

    status, changed = call(
        base, "PATCH", f"/v2/manage-template/{template_id}", {"content": "New code: ((code))"}
    )
    assert status == 200, changed
    assert (changed["version"], changed["body"]) == (2, "New code: ((code))")
    assert GC_TIME.match(changed["updated_at"])
    assert gc.get_template_version(template_id, 1)["body"] == "Your code is ((code))"
    assert gc.get_template_version(template_id, 2)["body"] == "New code: ((code))"
    sent = gc.send_sms_notification("+16135550123", template_id, {"code": "7"})
    assert (sent["content"]["body"], sent["template"]["version"]) == ("More Live: New code: 7", 2)

    archived = gc.delete(f"/v2/manage-template/{template_id}")
    assert (archived["archived"], archived["version"]) == (True, 3)
    status, again = call(base, "DELETE", f"/v2/manage-template/{template_id}")
    assert (status, again) == (
        400,
        envelope(400, ("BadRequestError", "Template is already archived.")),
    )
    status, refused = call(
        base,
        "POST",
        "/v2/notifications/sms",
        {
            "phone_number": "+16135550123",
            "template_id": template_id,
            "personalisation": {"code": "1"},
        },
    )
    assert (status, refused) == (
        400,
        envelope(400, ("BadRequestError", f"Template {template_id} has been deleted")),
    )


def test_an_email_template_and_a_change_of_category_and_folder(base: str) -> None:
    created = client(base).post(
        "/v2/manage-template",
        {
            "name": "Reset",
            "template_type": "email",
            "subject": "Reset ((name))",
            "content": "Hello ((name))",
            "template_category_id": HIDDEN_LOW,  # hidden from the list, still a category
        },
    )
    assert (created["subject"], created["template_category_name"]) == (
        "Reset ((name))",
        "Low Category (Bulk)",
    )
    status, changed = call(
        base,
        "PATCH",
        f"/v2/manage-template/{created['id']}",
        {"template_category_id": AUTHENTICATION, "parent_folder_id": None, "subject": "New"},
    )
    assert status == 200, changed
    assert (changed["template_category_name"], changed["subject"], changed["version"]) == (
        "Authentication",
        "New",
        2,
    )
    assert client(base).get_template(created["id"])["subject"] == "New"


def test_template_categories(base: str) -> None:
    assert client(base).get("/v2/manage-template/template-categories") == {
        "template_categories": CATEGORIES
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v2/manage-template"),
        ("GET", "/v2/manage-template/template-categories"),
        ("GET", "/v2/manage-template/c1111111-1111-4111-8111-1111111111d1"),
        ("PATCH", "/v2/manage-template/c1111111-1111-4111-8111-1111111111d1"),
        ("DELETE", "/v2/manage-template/c1111111-1111-4111-8111-1111111111d1"),
    ],
)
def test_a_key_without_manage_templates_is_refused_first(base: str, method: str, path: str) -> None:
    body = {"bogus": True} if method in ("POST", "PATCH") else None
    assert call(base, method, path, body, key="plain") == (403, FORBIDDEN)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {k: v for k, v in _sms().items() if k != "template_category_id"},
            _category_error(
                "TemplateCategoryValidationError", "template_category_id is a required property"
            ),
        ),
        (
            # GC reads the whole failure: any "required property" makes it the required text
            {"template_category_id": "nope", "template_type": "sms", "content": "x"},
            _category_error(
                "TemplateCategoryValidationError", "template_category_id is a required property"
            ),
        ),
        (
            _sms(template_category_id="nope"),
            _category_error(
                "TemplateCategoryValidationError", "template_category_id must be a valid UUID"
            ),
        ),
        (
            _sms(template_category_id=str(uuid.UUID(int=1))),
            _category_error("TemplateCategoryNotFoundError", "template_category_id not found"),
        ),
        (
            {k: v for k, v in _sms().items() if k != "name"},
            envelope(400, ("ValidationError", "name is a required property")),
        ),
        (
            _sms(template_type="email"),
            envelope(400, ("ValidationError", "subject is a required property")),
        ),
        (
            _sms(template_type="letter"),
            envelope(400, ("ValidationError", "template_type letter is not one of [sms, email]")),
        ),
        (
            _sms(name=5),
            envelope(400, ("ValidationError", "name 5 is not of type string")),
        ),
        (
            _sms(colour="red"),
            envelope(
                400,
                (
                    "ValidationError",
                    "Additional properties are not allowed (colour was unexpected)",
                ),
            ),
        ),
        (
            _sms(parent_folder_id="nope"),
            envelope(400, ("ValidationError", "parent_folder_id is not a valid UUID")),
        ),
        (
            _sms(parent_folder_id=str(uuid.uuid4())),
            envelope(400, ("BadRequestError", "parent_folder_id not found")),
        ),
        (
            _sms(content="a" * 613),
            envelope(
                400,
                ("BadRequestError", "Content has a character count greater than the limit of 612"),
            ),
        ),
        (
            _sms(content="[" * 307),  # two units each
            envelope(
                400,
                ("BadRequestError", "Content has a character count greater than the limit of 612"),
            ),
        ),
        (
            {**_sms(template_type="email", subject="s"), "content": "a" * 50_001},
            envelope(
                400,
                (
                    "BadRequestError",
                    "Content has a character count greater than the limit of 50000",
                ),
            ),
        ),
        (
            _sms(name="n" * 256),
            envelope(400, ("BadRequestError", "Template name must be less than 255 characters")),
        ),
    ],
)
def test_create_refusals(base: str, body: dict[str, Any], expected: dict[str, Any]) -> None:
    assert call(base, "POST", "/v2/manage-template", body) == (400, expected)


def test_limits_count_as_gc_does(base: str) -> None:
    # placeholders are left out of an SMS template's count; 612 units fit
    status, body = call(base, "POST", "/v2/manage-template", _sms(content="a" * 612 + "((x))"))
    assert status == 201, body
    status, body = call(base, "POST", "/v2/manage-template", _sms(name="n" * 255))
    assert status == 201, body


def test_a_service_without_the_type_may_not_create_it(base: str) -> None:
    status, body = call(base, "POST", "/v2/manage-template", _sms(), key="other")
    assert (status, body) == (
        403,
        envelope(403, ("ForbiddenError", "Creating text message templates is not allowed")),
    )


@pytest.mark.parametrize(
    ("path", "body", "status", "expected"),
    [
        (
            "/v2/manage-template/c1111111-1111-4111-8111-1111111111d1",
            {"template_category_id": "nope"},
            400,
            _category_error(
                "TemplateCategoryValidationError", "template_category_id must be a valid UUID"
            ),
        ),
        (
            "/v2/manage-template/c1111111-1111-4111-8111-1111111111d1",
            {"template_category_id": str(uuid.UUID(int=2))},
            400,
            _category_error("TemplateCategoryNotFoundError", "template_category_id not found"),
        ),
        (
            "/v2/manage-template/c1111111-1111-4111-8111-1111111111d1",
            {"template_type": "email"},
            400,
            envelope(
                400,
                (
                    "ValidationError",
                    "Additional properties are not allowed (template_type was unexpected)",
                ),
            ),
        ),
        (
            "/v2/manage-template/c1111111-1111-4111-8111-1111111111d1",
            {"parent_folder_id": str(uuid.uuid4())},
            400,
            envelope(400, ("BadRequestError", "parent_folder_id not found")),
        ),
        (
            "/v2/manage-template/c1111111-1111-4111-8111-1111111111d1",
            {"content": "b" * 613},
            400,
            envelope(
                400,
                ("BadRequestError", "Content has a character count greater than the limit of 612"),
            ),
        ),
        (
            f"/v2/manage-template/{uuid.UUID(int=3)}",
            {"name": "x"},
            404,
            envelope(404, ("NoResultFound", "No result found")),
        ),
        (
            "/v2/manage-template/not-an-id",
            {"name": "x"},
            400,
            envelope(400, ("ValidationError", "id is not a valid UUID")),
        ),
    ],
)
def test_update_refusals(
    base: str, path: str, body: dict[str, Any], status: int, expected: dict[str, Any]
) -> None:
    assert call(base, "PATCH", path, body) == (status, expected)


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_unknown_and_malformed_ids(base: str, method: str) -> None:
    assert call(base, method, f"/v2/manage-template/{uuid.UUID(int=4)}") == (
        404,
        envelope(404, ("NoResultFound", "No result found")),
    )
    assert call(base, method, "/v2/manage-template/x") == (
        400,
        envelope(400, ("ValidationError", "id is not a valid UUID")),
    )
    assert call(base, method, f"/v2/manage-template/{uuid.UUID(int=4)}", key="other") == (
        404,
        envelope(404, ("NoResultFound", "No result found")),
    )

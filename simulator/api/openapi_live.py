"""OpenAPI documents generated from the routes the server really has, so they cannot drift.

GET /sandbox/v1/openapi/v2.json: this profile's /v2 API (uk or ca); GET
/sandbox/v1/openapi/sandbox.json: the sandbox's own /sandbox/v1 API. Every path and
method comes from the router; the send bodies are the JSON schemas the server validates
with; every error is Notify's envelope (or Flask's route-level body for an unknown URL or
method). No auth, like GC's own spec route.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from aiohttp import web

from simulator.api.json_io import json_response
from simulator.api.keys import GATEWAY_KEY
from simulator.domain.legacy_v1 import legacy_body_schemas
from simulator.domain.letter_schemas import letter_body_schema

__all__ = ["DOCUMENT_PATHS", "live_document", "mount_live_documents"]

_DOCUMENTS_PREFIX = "/sandbox/v1/openapi"
DOCUMENT_PATHS = {
    "v2": _DOCUMENTS_PREFIX + "/v2.json",
    "sandbox": _DOCUMENTS_PREFIX + "/sandbox.json",
}
# GC's legacy v1 API belongs to the profile's API document (the ca profile only)
_PREFIX = {"v2": ("/v2/", "/notifications"), "sandbox": ("/sandbox/v1/",)}
_LEGACY = "/notifications"
_METHODS = ("get", "post", "put", "patch", "delete")
_PARAM = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")

_ENVELOPE: dict[str, Any] = {
    "type": "object",
    "required": ["status_code", "errors"],
    "properties": {
        "status_code": {"type": "integer"},
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["error", "message"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
# Flask's body for a URL or method no route has
_ROUTE_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["message", "result"],
    "properties": {"message": {"type": "string"}, "result": {"const": "error"}},
}


# GC's v1 body for every error: a text, or the failures by field
_LEGACY_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["result", "message"],
    "properties": {
        "result": {"const": "error"},
        "message": {"anyOf": [{"type": "string"}, {"type": "object"}]},
    },
}


def _json(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": dict(schema)}}


def _responses(method: str, path: str) -> dict[str, Any]:
    ok = "201" if method == "post" else "200"
    if path.startswith(_LEGACY):
        error = {"description": "Refused", "content": _json(_LEGACY_ERROR)}
        return {
            ok: {"description": "Done", "content": _json({"type": "object"})},
            **{code: error for code in ("400", "401", "403", "404", "408", "413", "415")},
            "405": {"description": "Method not allowed", "content": {"text/html": {"schema": {}}}},
            **{code: error for code in ("429", "503")},
        }
    return {
        # JSON mostly, the YAML specs and letter PDFs too; errors are what is checked
        ok: {"description": "Done", "content": {"*/*": {"schema": {}}}},
        "204": {"description": "Done, nothing to show"},
        "400": {"description": "Refused", "content": _json(_ENVELOPE)},
        "401": {"description": "No credentials", "content": _json(_ENVELOPE)},
        "403": {"description": "Bad credentials", "content": _json(_ENVELOPE)},
        "404": {
            "description": "Not found",
            "content": _json({"anyOf": [_ENVELOPE, _ROUTE_ERROR]}),
        },
        "405": {"description": "Method not allowed", "content": {"text/html": {"schema": {}}}},
        "408": {"description": "Request timed out", "content": _json(_ENVELOPE)},
        "413": {"description": "Too large", "content": _json(_ENVELOPE)},
        "415": {"description": "Not JSON", "content": _json(_ENVELOPE)},
        "429": {"description": "Over a limit", "content": _json(_ENVELOPE)},
        "503": {"description": "Unavailable", "content": _json(_ENVELOPE)},
    }


def _operation(path: str, method: str, bodies: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": f"{method}{re.sub(r'[^A-Za-z0-9]+', '_', path)}",
        "responses": _responses(method, path),
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAM.findall(path)
    ]
    if parameters:
        operation["parameters"] = parameters
    if path in bodies and method == "post":
        operation["requestBody"] = {"required": True, "content": _json(bodies[path])}
    elif method in {"post", "put", "patch"}:
        operation["requestBody"] = {
            "required": False,
            "content": _json({"type": "object"}),
        }
    return operation


def _concrete(template: str, documented: Iterable[str]) -> list[str]:
    """Documented paths a route template serves (POST /v2/notifications/{type} is /sms...)."""
    literal_parts = _PARAM.split(template)[::2]  # split keeps the names at odd places
    pattern = re.compile("^" + "[^/]+".join(re.escape(part) for part in literal_parts) + "$")
    return [path for path in documented if pattern.match(path) and path != template]


def live_document(
    app: web.Application,
    which: str,
    *,
    title: str,
    bodies: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    bodies = bodies or {}
    paths: dict[str, dict[str, Any]] = {}
    for route in app.router.routes():
        resource = route.resource
        method = route.method.lower()
        if resource is None or method not in _METHODS:
            continue
        template = _PARAM.sub(r"{\1}", resource.canonical)
        if not template.startswith(_PREFIX[which]):
            continue  # doubled-slash aliases and other namespaces are left out
        targets = _concrete(template, bodies) if method == "post" else []
        for path in targets or [template]:
            paths.setdefault(path, {})[method] = _operation(path, method, bodies)
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": "1.0.0"},
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
            }
        },
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }


def mount_live_documents(app: web.Application) -> None:
    """The documents of `app`'s routes, in a sub-application of their own: public, unlike
    the admin API beside them, and still answering a wrong method with a 405."""

    async def v2(request: web.Request) -> web.Response:
        gateway = app[GATEWAY_KEY]
        title = f"Notify Sandbox /v2 ({gateway.profile.name} profile)"
        bodies: dict[str, Mapping[str, Any]] = dict(gateway.schemas.post_bodies())
        if gateway.letters is not None:
            bodies["/v2/notifications/letter"] = letter_body_schema()
        if gateway.bulk is not None:
            bodies["/v2/notifications/bulk"] = gateway.bulk.body_schema()
        if gateway.legacy_send is not None:
            bodies.update(legacy_body_schemas())
        return json_response(live_document(app, "v2", title=title, bodies=bodies))

    async def sandbox(request: web.Request) -> web.Response:
        return json_response(live_document(app, "sandbox", title="Notify Sandbox admin"))

    documents = web.Application()
    documents.router.add_routes(
        [
            web.get("/v2.json", v2, allow_head=False),
            web.get("/sandbox.json", sandbox, allow_head=False),
        ]
    )
    app.add_subapp(_DOCUMENTS_PREFIX, documents)

"""GET /v2/openapi-en and /v2/openapi-fr: the sandbox's GC routes as OpenAPI 3 (contract 3.10).

No auth, as GC (app/v2/api_spec/get_api_spec.py). GC serves the French file as it
is, and the English one loaded and dumped again by PyYAML (keys sorted, block style);
both as ``application/yaml``. Only registered where the profile has the specs.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import yaml
from aiohttp import web

from simulator.data import openapi_document

__all__ = ["openapi_routes", "spec_bytes"]

_CONTENT_TYPE = "application/yaml"


@cache
def spec_bytes(filename: str, *, redump: bool) -> bytes:
    text = openapi_document(filename).read_text("utf-8")
    if redump:
        text = yaml.dump(yaml.safe_load(text), default_flow_style=False)
    return text.encode("utf-8")


def openapi_routes(specs: Mapping[str, str]) -> list[web.RouteDef]:
    def handler_for(language: str, filename: str) -> web.RouteDef:
        async def get_spec(request: web.Request) -> web.Response:
            body = spec_bytes(filename, redump=language == "en")
            return web.Response(body=body, headers={"Content-Type": _CONTENT_TYPE})

        return web.get(f"/v2/openapi-{language}", get_spec)

    return [handler_for(language, filename) for language, filename in specs.items()]

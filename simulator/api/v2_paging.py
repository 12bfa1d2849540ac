"""GC's `older_than` paging, shared by the v2 list routes that page by id (bulk jobs, reports)."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from simulator.api.keys import GATEWAY_KEY
from simulator.api.v2_auth import url_root, v2_query
from simulator.domain.errors import ValidationError

__all__ = ["check_uuid", "older_than_param", "page_links"]


def check_uuid(request: web.Request, name: str, value: str) -> None:
    errors = request.app[GATEWAY_KEY].schemas.validate_uuid_path(name, value)
    if errors:
        raise ValidationError([e.message for e in errors])


def older_than_param(request: web.Request) -> str | None:
    """The one query parameter these lists take, checked as a UUID; anything else is refused."""
    query = v2_query(request)
    unexpected = sorted(key for key in query if key != "older_than")
    if unexpected:
        raise ValidationError(
            [f"Additional properties are not allowed ({', '.join(unexpected)} was unexpected)"]
        )
    older_than = query["older_than"][0] if "older_than" in query else None
    if older_than is not None:
        check_uuid(request, "older_than", older_than)
    return older_than


def page_links(
    request: web.Request, path: str, older_than: str | None, last_id: str | None
) -> dict[str, str]:
    """`current` as asked, and `next` from the last id of a page that was not empty."""
    base = f"{url_root(request)}{path}"
    links = {"current": f"{base}?{urlencode({'older_than': older_than})}" if older_than else base}
    if last_id is not None:
        links["next"] = f"{base}?{urlencode({'older_than': last_id})}"
    return links

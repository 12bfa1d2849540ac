"""Every dashboard page, in one table. The paths are Notify admin's own."""

from __future__ import annotations

from aiohttp import web

from simulator.web import (
    api_integration,
    api_keys,
    live,
    notifications,
    service_pages,
    services,
    sign_in,
)

__all__ = ["dashboard_routes"]

_KEY_ID = "{key_id:[0-9a-fA-F-]{36}}"


def dashboard_routes() -> list[web.RouteDef]:
    service = "/services/{service_id}"
    return [
        web.get("/sign-in", sign_in.get_sign_in, allow_head=False),
        web.post("/sign-in", sign_in.post_sign_in),
        web.post("/sign-out", sign_in.post_sign_out),
        web.get("/your-services", services.get_your_services, allow_head=False),
        web.get(service, services.get_dashboard, allow_head=False),
        web.get(service + "/live", live.get_live, allow_head=False),
        web.get(
            service + "/notifications/{notification_id}",
            notifications.get_notification,
            allow_head=False,
        ),
        web.get(
            service + "/notifications/{notification_id}/pdf",
            notifications.get_letter_pdf,
            allow_head=False,
        ),
        web.get(service + "/api", api_integration.get_api_integration, allow_head=False),
        web.get(service + "/api/callbacks", api_integration.get_callbacks, allow_head=False),
        web.post(service + "/api/callbacks", api_integration.post_callbacks),
        web.get(service + "/api/guest-list", api_integration.get_guest_list, allow_head=False),
        web.post(service + "/api/guest-list", api_integration.post_guest_list),
        *_key_routes(service + "/api/keys"),
        web.get(service + "/users", service_pages.get_users, allow_head=False),
        web.get(service + "/service-settings", service_pages.get_settings, allow_head=False),
        web.post(service + "/service-settings", service_pages.post_settings),
        web.get(service + "/usage", service_pages.get_usage, allow_head=False),
        web.get(service + "/inbound", service_pages.get_inbound, allow_head=False),
        web.post(service + "/inbound", service_pages.post_inbound),
    ]


def _key_routes(keys: str) -> list[web.RouteDef]:
    k = api_keys
    return [
        web.get(keys, k.get_keys, allow_head=False),
        web.get(keys + "/create", k.get_create_key, allow_head=False),
        web.post(keys + "/create", k.post_create_key),
        web.get(keys + "/created", k.get_created_key, allow_head=False),
        web.get(keys + "/{action}/" + _KEY_ID, k.get_remove_key, allow_head=False),
        web.post(keys + "/{action}/" + _KEY_ID, k.post_remove_key),
        web.get(keys + "/" + _KEY_ID, k.get_key, allow_head=False),
        web.post(keys + "/" + _KEY_ID, k.post_edit_key),
    ]

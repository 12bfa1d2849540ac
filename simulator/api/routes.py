"""Every route, in one table."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from simulator.api import (
    metrics,
    sandbox_callbacks,
    sandbox_clock,
    sandbox_faults,
    sandbox_files,
    sandbox_keys,
    sandbox_messages,
    sandbox_services,
    sandbox_usage,
    status,
    v2_letters,
    v2_notifications,
    v2_received,
    v2_templates,
)
from simulator.api.admin_app import ADMIN_PREFIX, admin_app
from simulator.api.document_download import document_routes
from simulator.api.provider_receipts import RECEIPTS_PREFIX, receipts_app
from simulator.domain.outbound import ReceiptRules

__all__ = ["admin_routes", "setup_routes"]


def _v2_routes() -> list[web.RouteDef]:
    return [
        web.get("/v2/notifications", v2_notifications.get_notifications, allow_head=False),
        web.post("/v2/notifications/{notification_id}", v2_notifications.post_notification),
        web.get(
            "/v2/notifications/{notification_id}",
            v2_notifications.get_notification,
            allow_head=False,
        ),
        web.get(
            "/v2/notifications/{notification_id}/pdf",
            v2_letters.get_letter_pdf,
            allow_head=False,
        ),
        web.get("/v2/template/{template_id}", v2_templates.get_template, allow_head=False),
        web.get(
            r"/v2/template/{template_id}/version/{version:\d+}",
            v2_templates.get_template_version,
            allow_head=False,
        ),
        web.post("/v2/template/{template_id}/preview", v2_templates.post_template_preview),
        web.get("/v2/templates", v2_templates.get_templates, allow_head=False),
        web.get("/v2/received-text-messages", v2_received.get_received_texts, allow_head=False),
    ]


def _doubled_slash(route: web.RouteDef) -> web.RouteDef:
    """Node, Java and PHP clients join a base URL ending in "/" and "/v2/..." into "//v2/...".

    Real Notify 404s that; the sandbox serves it, a documented kindness.
    """
    return web.RouteDef(route.method, "/" + route.path, route.handler, route.kwargs)


def setup_routes(app: web.Application, receipts: Mapping[str, ReceiptRules]) -> web.Application:
    """Every route of `app`, with the receipt routes of the provider kinds in `receipts`;
    returns the /sandbox/v1 admin sub-application mounted in it, whose AdminGateway
    (ADMIN_KEY) the composition root sets at start-up."""
    v2 = _v2_routes()
    app.router.add_routes(
        [
            web.get("/", status.get_status, allow_head=False),
            web.get("/_status", status.get_status, allow_head=False),
            web.post("/_status", status.get_status),
            web.get("/metrics", metrics.get_metrics, allow_head=False),
            *document_routes(),
            *v2,
            *(_doubled_slash(route) for route in v2),
        ]
    )
    admin = admin_app(admin_routes())
    app.add_subapp(ADMIN_PREFIX, admin)
    app.add_subapp(RECEIPTS_PREFIX, receipts_app(receipts))
    return admin


def admin_routes() -> list[web.RouteDef]:
    """/sandbox/v1, relative to the admin sub-application (api/admin_app.py)."""
    service = "/services/{service_id}"
    key = service + "/api-keys/{key_id}"
    template = service + "/templates/{template_id}"
    s, k = sandbox_services, sandbox_keys
    return [
        web.get("/messages", sandbox_messages.get_messages, allow_head=False),
        web.delete("/messages", sandbox_messages.delete_messages),
        web.get(
            "/messages/{notification_id}",
            sandbox_messages.get_message,
            allow_head=False,
        ),
        web.get(
            "/messages/{notification_id}/files/{file_id}",
            sandbox_files.get_message_file,
            allow_head=False,
        ),
        web.get(
            "/messages/{notification_id}/callbacks",
            sandbox_callbacks.notification_callbacks,
            allow_head=False,
        ),
        web.get("/faults", sandbox_faults.get_faults, allow_head=False),
        web.post("/faults", sandbox_faults.post_fault),
        web.delete("/faults", sandbox_faults.clear_faults),
        web.delete("/faults/{fault_id}", sandbox_faults.delete_fault),
        web.get("/clock", sandbox_clock.get_clock, allow_head=False),
        web.post("/clock", sandbox_clock.post_clock),
        web.get("/services", s.list_services, allow_head=False),
        web.post("/services", s.create_service),
        web.get(service, s.get_service, allow_head=False),
        web.patch(service, s.update_service),
        web.get(service + "/usage", sandbox_usage.get_usage, allow_head=False),
        web.get(service + "/callbacks", sandbox_callbacks.get_callbacks, allow_head=False),
        web.put(service + "/callbacks/{kind}", sandbox_callbacks.put_callback),
        web.delete(service + "/callbacks/{kind}", sandbox_callbacks.delete_callback),
        web.get(
            service + "/callbacks/{kind}/health",
            sandbox_callbacks.get_callback_health,
            allow_head=False,
        ),
        web.post(service + "/callbacks/{kind}/health-check", sandbox_callbacks.post_health_check),
        web.post(service + "/callbacks/{kind}/suspend", sandbox_callbacks.post_suspend_callback),
        web.post(service + "/inbound-sms", sandbox_callbacks.post_inbound_sms),
        web.get(service + "/team", s.list_team, allow_head=False),
        web.post(service + "/team", s.add_team_member),
        web.delete(service + "/team/{email_address}", s.remove_team_member),
        web.put(service + "/team/{email_address}/password", s.set_team_password),
        web.get(service + "/guest-list", s.list_guest_list, allow_head=False),
        web.post(service + "/guest-list", s.add_guest),
        web.delete(service + "/guest-list/{recipient}", s.remove_guest),
        web.post(service + "/templates", s.create_template),
        web.patch(template, s.update_template),
        web.post(template + "/archive", s.archive_template),
        web.get(service + "/api-keys", k.list_keys, allow_head=False),
        web.post(service + "/api-keys", k.create_key),
        web.get(key, k.get_key, allow_head=False),
        web.patch(key, k.edit_key),
        web.delete(key, k.delete_key),
        web.post(key + "/revoke", k.revoke_key),
        web.post(key + "/rotate", k.rotate_key),
        web.get(key + "/activity", k.key_activity, allow_head=False),
    ]

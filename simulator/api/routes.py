"""Every route, in one table."""

from __future__ import annotations

from aiohttp import web

from simulator.api import (
    sandbox_messages,
    status,
    v2_notifications,
    v2_received,
    v2_templates,
)

__all__ = ["setup_routes"]


def setup_routes(app: web.Application) -> None:
    app.router.add_routes(
        [
            web.get("/", status.get_status, allow_head=False),
            web.get("/_status", status.get_status, allow_head=False),
            web.post("/_status", status.get_status),
            web.get("/v2/notifications", v2_notifications.get_notifications, allow_head=False),
            web.post("/v2/notifications/{notification_id}", v2_notifications.post_notification),
            web.get(
                "/v2/notifications/{notification_id}",
                v2_notifications.get_notification,
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
            web.get("/sandbox/v1/messages", sandbox_messages.get_messages, allow_head=False),
        ]
    )

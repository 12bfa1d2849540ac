"""Files kept with a message, offered by the inspection API: a letter's PDF, the documents
behind send-a-file links, GC's attached files.

``GET /sandbox/v1/messages/{id}`` lists them under ``files``;
``GET /sandbox/v1/messages/{id}/files/{file_id}`` returns one, byte for byte.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.api.keys import ADMIN_KEY
from simulator.domain.ports import StoredFile
from simulator.gateway.send_a_file import DocumentLinks

__all__ = ["file_views", "get_message_file"]


def _url(notification_id: str, stored: StoredFile) -> str:
    return f"/sandbox/v1/messages/{notification_id}/files/{stored.id}"


async def file_views(documents: DocumentLinks | None, notification_id: str) -> list[dict[str, Any]]:
    if documents is None:
        return []
    return [
        {
            "id": stored.id,
            "kind": stored.kind,
            "filename": stored.meta.get("filename"),
            "mimetype": stored.meta.get("mimetype", "application/pdf"),
            "size": len(stored.content),
            "url": _url(notification_id, stored),
        }
        for stored in await documents.files_for(notification_id)
    ]


async def get_message_file(request: web.Request) -> web.Response:
    gateway = request.app[ADMIN_KEY]
    notification_id = request.match_info["notification_id"]
    wanted = request.match_info["file_id"]
    files = await gateway.documents.files_for(notification_id) if gateway.documents else []
    stored = next((f for f in files if f.id == wanted), None)
    if stored is None:
        raise gateway.messages.no_result_error()
    mimetype = str(stored.meta.get("mimetype") or "application/pdf")
    return web.Response(body=stored.content, content_type=mimetype)

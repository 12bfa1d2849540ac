"""The ceiling: a bare aiohttp app that parses the JSON body and returns a canned 201.

Same stack and settings as `notify-sandbox serve`: uvloop when installed, aiohttp's
`web.run_app` with access_log=None, stdlib json to parse the body (as the sandbox
does). No auth, no validation, no storage: what the stack costs on its own.

Run: python -m bench.ceiling --port P
"""

from __future__ import annotations

import argparse
import asyncio
import json

from aiohttp import web

__all__ = ["CANNED_SMS_201", "create_app", "main"]

CANNED_SMS_201 = json.dumps(
    {
        "content": {"body": "Hello Ada, your code is 123456.", "from_number": "GOVUK"},
        "id": "740e5834-3a29-46b4-9a6f-16142fde533a",
        "reference": None,
        "scheduled_for": None,
        "template": {
            "id": "b2222222-2222-4222-8222-222222222221",
            "uri": "http://127.0.0.1/services/b0000000-0000-4000-8000-000000000001"
            "/templates/b2222222-2222-4222-8222-222222222221",
            "version": 1,
        },
        "uri": "http://127.0.0.1/v2/notifications/740e5834-3a29-46b4-9a6f-16142fde533a",
    },
    sort_keys=True,
    separators=(",", ":"),
).encode()


async def _send(request: web.Request) -> web.Response:
    body = json.loads(await request.read())
    if not isinstance(body, dict):
        return web.Response(
            status=400, body=b'{"status_code":400}', content_type="application/json"
        )
    return web.Response(status=201, body=CANNED_SMS_201, content_type="application/json")


async def _status(request: web.Request) -> web.Response:
    return web.Response(body=b'{"status":"ok","app":"ceiling"}', content_type="application/json")


def create_app() -> web.Application:
    app = web.Application()
    app.router.add_post("/v2/notifications/{notification_type}", _send)
    app.router.add_get("/_status", _status)
    return app


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    try:
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    web.run_app(
        create_app(),
        host=args.host,
        port=args.port,
        print=None,
        access_log=None,
        handle_signals=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Security headers for every dashboard page."""

from __future__ import annotations

from aiohttp import web

from simulator.web.state import PAGE_KEY

__all__ = ["page_security_headers"]

# no inline script anywhere; an email's own styles and images render in its sandboxed frame
_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: https:",
        "connect-src 'self'",
        "frame-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}


async def page_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare, after the API's own headers: pages are stricter."""
    if request.get(PAGE_KEY):
        response.headers.update(_HEADERS)
        response.headers.popall("Access-Control-Allow-Origin", None)

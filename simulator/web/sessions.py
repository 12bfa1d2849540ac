"""Dashboard sessions: kept on the server, named by a signed HttpOnly cookie.

Keeping them server-side means signing out really ends a session, and a new key's
secret, held for one page view, never travels in a cookie. Sessions live in memory:
a restart signs everyone out, which for a sandbox is a feature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["COOKIE_NAME", "Session", "SessionStore"]

COOKIE_NAME = "notify_sandbox_session"
_IDLE_SECONDS = 8 * 3600
_MAX_SESSIONS = 10_000  # anyone may open the sign-in page: memory stays bounded


@dataclass(slots=True)
class Session:
    id: str
    csrf_token: str
    expires_at: float
    email: str | None = None
    admin: bool = False
    # values a page reads once and forgets (a new key's secret)
    once: dict[str, str] = field(default_factory=dict)

    @property
    def signed_in(self) -> bool:
        return self.admin or self.email is not None

    def take(self, name: str) -> str | None:
        return self.once.pop(name, None)


class SessionStore:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._key = secrets.token_bytes(32)
        self._clock = clock
        self._sessions: OrderedDict[str, Session] = OrderedDict()

    def _sign(self, session_id: str) -> str:
        digest = hmac.new(self._key, session_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def cookie_value(self, session: Session) -> str:
        return f"{session.id}.{self._sign(session.id)}"

    def new(self) -> Session:
        session = Session(
            id=secrets.token_urlsafe(32),
            csrf_token=secrets.token_urlsafe(32),
            expires_at=self._clock() + _IDLE_SECONDS,
        )
        self._sessions[session.id] = session
        while len(self._sessions) > _MAX_SESSIONS:
            self._sessions.popitem(last=False)
        return session

    def get(self, cookie: str | None) -> Session | None:
        if not cookie or len(cookie) > 200:
            return None
        session_id, _, signature = cookie.partition(".")
        if not hmac.compare_digest(signature.encode(), self._sign(session_id).encode()):
            return None
        session = self._sessions.get(session_id)
        now = self._clock()
        if session is None or session.expires_at <= now:
            self._sessions.pop(session_id, None)
            return None
        session.expires_at = now + _IDLE_SECONDS
        self._sessions.move_to_end(session_id)
        return session

    def get_live(self, session: Session) -> Session | None:
        return self._sessions.get(session.id)

    def start(self, old: Session, *, email: str | None, admin: bool) -> Session:
        """Signing in: a fresh id and CSRF token, so a planted cookie is worth nothing."""
        self.end(old)
        session = self.new()
        session.email, session.admin = email, admin
        return session

    def end(self, session: Session) -> None:
        self._sessions.pop(session.id, None)

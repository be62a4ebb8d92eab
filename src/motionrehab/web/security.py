"""Passwords, CSRF tokens, login rate limits, the session secret and the security headers.

- Passwords: argon2id through argon2-cffi with its default (RFC 9106 low-memory)
  parameters; only the hash is stored. An unknown e-mail is verified against a dummy hash
  so the response time does not tell which accounts exist.
- Lock-out: ``MAX_FAILURES`` wrong passwords in a row lock an account for ``LOCK_FOR``
  (stored in the database, so it holds across restarts and workers). Independently, one
  client address may try at most ``IP_ATTEMPTS`` logins per ``IP_WINDOW`` (in memory, per
  process), which slows password spraying over many accounts.
- CSRF: a random token per session, put in every form as ``csrf_token`` and compared in
  constant time on every POST. Session cookies are also SameSite=Lax.
- Headers: a Content-Security-Policy that allows no script at all and styles only from
  the app's own stylesheet, frame denial, nosniff, no referrer, no caching of pages.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import secrets
import threading
import time
from collections import deque
from pathlib import Path

import platformdirs
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from motionrehab._files import make_private_dir, write_private_text
from motionrehab.errors import InvalidDataError
from motionrehab.records.accounts import MIN_PASSWORD_CHARS

MAX_FAILURES = 5
LOCK_FOR = dt.timedelta(minutes=15)
IP_ATTEMPTS = 20
IP_WINDOW_S = 300.0
SECRET_ENV = "MOTIONREHAB_WEB_SECRET"
"""Environment variable holding the key that signs session cookies (else a key file is made once)."""

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")  # fmt: skip
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
"""The recheck report is one self-contained page with its own <style>; still no script."""

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def check_password_strength(password: str) -> str:
    """The password if long enough (MIN_PASSWORD_CHARS characters), else InvalidDataError."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidDataError(f"the password has {len(password)} characters; at least {MIN_PASSWORD_CHARS} are needed", where="password",
                               fix="use a passphrase of several words")  # fmt: skip
    return password


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (after the strength check)."""
    return _hasher.hash(check_password_strength(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; with no hash (unknown account) a dummy hash is checked, and False returned."""
    try:
        matched = _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matched and password_hash is not None


def new_token() -> str:
    """A random URL-safe token (CSRF)."""
    return secrets.token_urlsafe(32)


def tokens_match(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; False when either is missing."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


class AttemptLimiter:
    """At most ``attempts`` events per ``window_s`` seconds per key (a client address); thread-safe."""

    def __init__(self, attempts: int = IP_ATTEMPTS, window_s: float = IP_WINDOW_S) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Record an attempt by ``key``; False when it is over the limit (the attempt is not counted then)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and now - events[0] > self.window_s:
                events.popleft()
            if len(events) >= self.attempts:
                return False
            events.append(now)
            return True


def session_secret(path: Path | None = None) -> str:
    """The cookie-signing key: $MOTIONREHAB_WEB_SECRET, else a key file in the user data folder (made once, owner-only)."""
    named = os.environ.get(SECRET_ENV, "").strip()
    if named:
        if len(named) < 32:
            raise InvalidDataError(f"{SECRET_ENV} is too short ({len(named)} characters)", where=SECRET_ENV, fix="use at least 32 random characters")
        return named
    path = path or platformdirs.user_data_path("motionrehab") / "web" / "session.key"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    make_private_dir(path.parent)
    key = secrets.token_urlsafe(48)
    write_private_text(path, key + "\n")
    return key


class SecurityHeaders:
    """ASGI middleware adding the security headers (a response may set its own CSP, e.g. the report)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = {
                    b"content-security-policy": CSP.encode(),
                    b"x-frame-options": b"DENY",
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"cross-origin-opener-policy": b"same-origin",
                    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
                    b"cache-control": b"no-store",
                }
                headers += [(name, value) for name, value in extra.items() if name not in names]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)

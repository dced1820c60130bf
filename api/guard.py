"""What every API request passes before its body is read: its token, and a limit on the body's size.

A pure ASGI middleware, so that nothing is parsed for a caller without a valid token. The token is checked
in a worker thread (never on the event loop); a token verified a moment ago skips argon2, and at most
CONCURRENT_CHECKS argon2 checks run at once. Failures are counted per client and per token id (whether the
id exists or not): over the limit, the caller gets 429 until the window has passed, without an argon2
check. Each failure is written in the audit log. The body's size is checked against Content-Length and
again while it streams in (413)."""
from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque
from typing import Callable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from corpus.access import Viewer
from corpus.catalogue import Catalogue
from corpus.tokens import token_id
from settings import Settings
from text.messages import message, preferred_language
from text.problems import Problem

MAX_BODY_BYTES = 2 * 2**20  # a question with its history and filters is far less
MAX_UPLOAD_BYTES = 200 * 2**20  # one POST /documents, all its files (KALLA_API_MAX_UPLOAD_MB in api.server)
VERIFIED_SECONDS = 60  # a verified token skips argon2 this long; revocation, lock and role are read each time
CLIENT_FAILURES = 20  # failed token checks from one client address within WINDOW_SECONDS
TOKEN_FAILURES = 5  # failed checks naming one token id within WINDOW_SECONDS
WINDOW_SECONDS = 15 * 60
CONCURRENT_CHECKS = 2  # argon2 checks at once (each uses 64 MB)
VIEWER = "kalla.viewer"  # where the request's scope carries the token's user


class Unauthenticated(Problem):
    """No token, or one that is wrong or revoked, or whose user is disabled or locked."""


class TooManyFailures(Problem):
    """Too many failed token checks from this client or for this token id."""

    def __init__(self, seconds: int) -> None:
        super().__init__("api_too_many_failures", seconds=seconds)
        self.seconds = seconds


def is_public(path: str) -> bool:
    """The paths anyone may read: /health and the API's own documentation."""
    return path in ("/health", "/openapi.json", "/docs", "/redoc") or path.startswith("/docs/")


class Throttle:
    """Failures per key (a client address, a token id) within a sliding window; at most `keys` keys kept."""

    def __init__(self, window: float = WINDOW_SECONDS, keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window, self.keys, self.clock = window, keys, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str, limit: int) -> float:
        """Seconds until `key` may try again (0: now)."""
        with self._lock:
            times = self._recent(key)
            return max(0.0, times[0] + self.window - self.clock()) if len(times) >= limit else 0.0

    def fail(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())
            while len(self._failures) > self.keys:
                self._failures.pop(next(iter(self._failures)))

    def _recent(self, key: str) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= self.clock() - self.window:
            times.popleft()
        return times


class Gate:
    """Who a request's Authorization header is (blocking: call it from a worker thread)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.throttle = Throttle()
        self.checks = threading.BoundedSemaphore(CONCURRENT_CHECKS)
        self._verified: dict[str, float] = {}  # sha256 of a token -> until when its argon2 check stands
        self._lock = threading.Lock()

    def admit(self, authorization: str | None, client: str) -> Viewer:
        scheme, _, text = (authorization or "").partition(" ")
        text = text.strip()
        if scheme.lower() != "bearer" or not text:
            raise Unauthenticated("api_token_missing")
        key = hashlib.sha256(text.encode()).hexdigest()
        with self._lock:
            recently = self._verified.get(key, 0.0) > time.monotonic()
        if recently:
            with Catalogue(self.settings.catalogue_path) as catalogue:
                name = catalogue.tokens.user_of(text, verify=False)
                who = catalogue.users.enabled_viewer(name) if name else None
            if who is None:
                raise Unauthenticated("api_token_invalid")
            return who
        return self._check(text, key, client)

    def _check(self, text: str, key: str, client: str) -> Viewer:
        number = token_id(text)
        limits = {f"client {client}": CLIENT_FAILURES, **({f"token {number}": TOKEN_FAILURES} if number is not None else {})}
        self._refuse_if_throttled(limits)
        with Catalogue(self.settings.catalogue_path) as catalogue:
            with self.checks:
                self._refuse_if_throttled(limits)  # again: failures may have come while this one waited
                name = catalogue.tokens.user_of(text)
            who = catalogue.users.enabled_viewer(name) if name else None
            if who is None:
                for name in limits:
                    self.throttle.fail(name)
                throttled = any(self.throttle.wait(name, limit) > 0 for name, limit in limits.items())
                catalogue.tokens.record_refusal(text, client, throttled)
                raise Unauthenticated("api_token_invalid")
        with self._lock:
            now = time.monotonic()
            if len(self._verified) > 10_000:
                self._verified = {k: until for k, until in self._verified.items() if until > now}
            self._verified[key] = now + VERIFIED_SECONDS
        return who

    def _refuse_if_throttled(self, limits: dict[str, int]) -> None:
        wait = max(self.throttle.wait(name, limit) for name, limit in limits.items())
        if wait > 0:
            raise TooManyFailures(math.ceil(wait))


class Guard:
    """The ASGI middleware: token first (401/429), then the body, limited (413), then the app."""

    def __init__(self, app: ASGIApp, gate: Gate, max_body: int = MAX_BODY_BYTES,
                 max_upload: int = MAX_UPLOAD_BYTES, upload_path: str = "/documents") -> None:
        self.app, self.gate = app, gate
        self.max_body, self.max_upload, self.upload_path = max_body, max_upload, upload_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        language = preferred_language(headers.get("accept-language"))
        client = (scope.get("client") or ("unknown",))[0]
        try:
            scope[VIEWER] = await run_in_threadpool(self.gate.admit, headers.get("authorization"), client)
        except (Unauthenticated, TooManyFailures) as exc:
            status = 401 if isinstance(exc, Unauthenticated) else 429
            extra = {"WWW-Authenticate": "Bearer"} if status == 401 else {"Retry-After": str(exc.seconds)}
            await JSONResponse({"detail": exc.text(language)}, status, extra)(scope, receive, send)
            return
        uploading = scope["method"] == "POST" and scope["path"].rstrip("/") == self.upload_path
        limit = self.max_upload if uploading else self.max_body
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await JSONResponse({"detail": _too_large(limit, language)}, 413)(scope, receive, send)
            return
        await self.app(scope, _limited(receive, limit, language), send)


def _limited(receive: Receive, limit: int, language: str) -> Receive:
    """`receive`, stopping the request with 413 as soon as more than `limit` bytes of body have come."""
    received = 0

    async def limited() -> dict:
        nonlocal received
        event = await receive()
        if event["type"] == "http.request":
            received += len(event.get("body", b""))
            if received > limit:
                raise HTTPException(413, detail=_too_large(limit, language))
        return event

    return limited


def _too_large(limit: int, language: str) -> str:
    return message("api_body_too_large", language, limit=f"{limit / 2**20:.3g}")

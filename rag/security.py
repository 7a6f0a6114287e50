"""Who may talk to the server, from which page, and how much it may send.

All pure ASGI middleware: each check runs before any body is read and covers every mounted
app alike (REST, /v1, MCP and the Gradio chat). The default threat model is one local user
whose browser also visits other sites: those sites must not reach the server (origin and
host checks), and no client may make it read a file it did not upload (see ``rag.uploads``).
"""

from __future__ import annotations

import hmac
import json
import socket
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any

from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PROTECTED = ("/api", "/v1", "/mcp")
GRADIO_UPLOAD = "/gradio_api/upload"
JSON_BODY_BYTES = 1 << 20  # a question, its history and a few options fit many times over
MULTIPART_SLACK = 64 * 1024  # part headers and boundaries around the files of an upload
LOGIN_FAILURES = 5  # failed chat logins a client may make per window
LOGIN_WINDOW_S = 60.0


async def _send_json(send: Send, status: int, body: dict[str, Any], **headers: str) -> None:
    raw = json.dumps(body).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    head += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": raw})


def error_body(path: str, status: int, message: str) -> dict[str, Any]:
    """OpenAI's error shape on /v1 (so its clients show the message), ``detail`` elsewhere."""
    if path == "/v1" or path.startswith("/v1/"):
        kind = {401: "authentication_error", 403: "permission_error"}.get(status)
        kind = kind or ("invalid_request_error" if status < 500 else "server_error")
        return {"error": {"message": message, "type": kind, "param": None, "code": None}}
    return {"detail": message}


def protected(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PROTECTED)


def allowed_hosts(bind: str, extra: Iterable[str]) -> list[str]:
    """Host names the server answers to: loopback, ``RAG_ALLOWED_HOSTS`` and the bind address.

    Bound to every interface (0.0.0.0 or ::), the machine's own names and addresses count too.
    """
    hosts = [*LOOPBACK_HOSTS, *(h.strip().lower() for h in extra if h.strip())]
    if bind in ("0.0.0.0", "::", ""):
        name = socket.gethostname()
        hosts += [name.lower(), socket.getfqdn().lower()]
        try:
            hosts += socket.gethostbyname_ex(name)[2]
        except OSError:
            pass
    elif bind:
        hosts.append(f"[{bind}]" if ":" in bind and not bind.startswith("[") else bind.lower())
    return list(dict.fromkeys(hosts))


class OriginCheck:
    """Refuses state-changing requests sent by a page of another origin (403).

    Browsers send ``Origin`` with every cross-site POST, ``mode: "no-cors"`` included, so a
    page elsewhere cannot plant articles or spend the server's time. Programs (curl, the
    OpenAI SDK, MCP clients) send no ``Origin`` and are not concerned. The server's own
    origin is the scheme and ``Host`` of the request, which the host check has vetted.
    """

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.allowed = {o.strip().rstrip("/").lower() for o in allowed_origins if o.strip()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or self._allowed(origin.lower(), scope, headers):
            await self.app(scope, receive, send)
            return
        message = (
            f"cross-origin request refused: {origin} is not this server's origin; "
            "list it in RAG_ALLOWED_ORIGINS to allow it"
        )
        await _send_json(send, 403, error_body(scope["path"], 403, message))

    def _allowed(self, origin: str, scope: Scope, headers: Headers) -> bool:
        own = f"{scope.get('scheme', 'http')}://{headers.get('host', '').lower()}"
        if origin in (own, *self.allowed) or "*" in self.allowed:
            return True
        default = {"http": ":80", "https": ":443"}.get(scope.get("scheme", "http"), "")
        return own.endswith(default) and origin == own.removesuffix(default)


class BodyTooLarge(MultiPartException):
    """The request body passed its cap while being read. A ``MultiPartException``, so
    Gradio's upload parser deletes its partial files and answers 413 itself."""


class BodyCap:
    """Caps request bodies: refused on ``Content-Length`` before any byte is read, and cut off
    as soon as a streamed body passes the cap, so no temporary file outgrows it.

    Uploads to the chat (``/gradio_api/upload``) are capped at the upload limit; other chat
    requests at ``JSON_BODY_BYTES``. The REST routes carry their own caps (FastAPI's
    ``max_body_size``), which answer in the API's error shape.
    """

    def __init__(self, app: ASGIApp, upload_bytes: int) -> None:
        self.app = app
        self.upload_bytes = upload_bytes

    def _cap(self, path: str) -> int | None:
        if path == GRADIO_UPLOAD:
            return self.upload_bytes + MULTIPART_SLACK
        if path.startswith("/gradio_api/") or path.rstrip("/") in ("/login", "/gradio_api"):
            return JSON_BODY_BYTES
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cap = self._cap(scope["path"]) if scope["type"] == "http" else None
        if cap is None or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > cap:
            message = f"the request body is {int(length)} bytes; the limit is {cap} bytes"
            await _send_json(send, 413, {"detail": message})
            return
        seen = 0

        async def capped() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > cap:
                raise BodyTooLarge(f"the upload exceeded the maximum allowed size of {cap} bytes")
            return message

        await self.app(scope, capped, send)


class BearerAuth:
    """Requires ``Authorization: Bearer <api_key>`` on /api, /v1 and /mcp."""

    def __init__(self, app: ASGIApp, api_key: str | None) -> None:
        self.app = app
        self.key = api_key.encode() if api_key else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.key is None or scope["type"] != "http" or not protected(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        scheme, _, token = headers.get("authorization", "").partition(" ")
        if preflight or (
            scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), self.key)
        ):
            await self.app(scope, receive, send)
            return
        message = "missing or wrong API key: send the header 'Authorization: Bearer <RAG_API_KEY>'"
        body = error_body(scope["path"], 401, message)
        await _send_json(send, 401, body, **{"WWW-Authenticate": "Bearer"})


class LoginThrottle:
    """At most ``LOGIN_FAILURES`` failed chat logins per client address per window (429)."""

    def __init__(
        self, app: ASGIApp, failures: int = LOGIN_FAILURES, window_s: float = LOGIN_WINDOW_S
    ) -> None:
        self.app = app
        self.failures = failures
        self.window_s = window_s
        self._failed: dict[str, deque[float]] = defaultdict(deque)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        login = scope["type"] == "http" and scope["path"].rstrip("/") == "/login"
        if not login or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        now = time.monotonic()
        failed = self._failed[client]
        while failed and now - failed[0] > self.window_s:
            failed.popleft()
        if len(failed) >= self.failures:
            wait = int(self.window_s - (now - failed[0])) + 1
            message = f"too many failed logins from {client}; try again in {wait} s"
            await _send_json(send, 429, {"detail": message}, **{"Retry-After": str(wait)})
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 400:
                failed.append(time.monotonic())
            await send(message)

        await self.app(scope, receive, watch)

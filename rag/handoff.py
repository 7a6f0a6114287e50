"""`rag ingest` and `rag remove` handed to a running `rag serve` over the same data dir.

A fresh process needs seconds to load the language pipeline and the embedding model; the
server has them loaded. So the server listens on a Unix socket in its data dir
(``<data_dir>/serve.sock``, readable and writable by its owner only), and the CLI, when it
finds one that answers for the same store, sends it the absolute paths to sync and prints
the summary it gets back. Adding one article then costs what the work costs, and the
server's asks see the new article at once (they never wait for it: see
``Assistant.ingest``).

Only the local user who owns the data dir can connect, and that user could read those
files anyway; no network client ever reaches this socket. With no server, or one serving
another store, the CLI does the work itself.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import socketserver
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import RagError

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.settings import Settings

log = logging.getLogger(__name__)

SOCKET = "serve.sock"
CONNECT_TIMEOUT_S = 1.0
WORK_TIMEOUT_S = 3600.0


def socket_path(s: Settings) -> Path:
    return s.data_dir / SOCKET


def store_identity(s: Settings) -> dict[str, Any]:
    """What must match for the server's store to be the CLI's."""
    where = f"{s.chroma_host}:{s.chroma_port}" if s.chroma_host else str(s.chroma_path.resolve())
    return {"store": where, "collection": s.collection}


# --- client -----------------------------------------------------------------------


def ask_server(s: Settings, request: dict[str, Any]) -> dict[str, Any] | None:
    """The running server's reply to ``request``, or None when no server of this store answers
    (the caller then does the work itself). A server error comes back as ``RagError``."""
    path = socket_path(s)
    if not path.exists():
        return None
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(CONNECT_TIMEOUT_S)
        conn.connect(str(path))
    except OSError:
        return None  # a socket left by a server that is gone
    with conn:
        conn.settimeout(WORK_TIMEOUT_S)
        conn.sendall(json.dumps({**request, **store_identity(s)}).encode() + b"\n")
        reply = conn.makefile("rb").readline()
    if not reply:
        return None
    out = json.loads(reply)
    if out.get("other_store"):
        return None
    if "error" in out:
        raise RagError(out["error"])
    return dict(out)


# --- server -----------------------------------------------------------------------


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        try:
            request = json.loads(self.rfile.readline())
            reply = self.server.respond(request)
        except RagError as e:
            reply = {"error": str(e)}
        except Exception as e:  # the CLI shows one line; the server's log has the rest
            log.exception("handing off %r failed", self.server.address)
            reply = {"error": f"the server failed: {type(e).__name__}"}
        self.wfile.write(json.dumps(reply, ensure_ascii=False).encode() + b"\n")


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: Path, respond: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        self.address = str(path)
        self.respond = respond
        super().__init__(str(path), _Handler)


def start_listener(assistant: Assistant, s: Settings) -> Callable[[], None]:
    """Listen on the data dir's socket in a background thread; returns a stop function."""
    path = socket_path(s)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # left by a server that died; a live one would have answered the CLI
    identity = store_identity(s)

    def respond(request: dict[str, Any]) -> dict[str, Any]:
        if {k: request.get(k) for k in identity} != identity:
            return {"other_store": True}
        if request.get("cmd") == "ingest":
            paths = [Path(p) for p in request.get("paths", [])]
            if not all(p.is_absolute() for p in paths):
                raise RagError("paths must be absolute")
            return assistant.ingest(paths).model_dump()
        if request.get("cmd") == "remove":
            return assistant.remove(str(request.get("doc_id"))).model_dump()
        raise RagError(f"unknown command {request.get('cmd')!r}")

    old = os.umask(0o177)  # the socket is created readable and writable by its owner only
    try:
        server = _Server(path, respond)
    except OSError as e:  # a path too long for a socket, a read-only dir: the CLI works alone
        log.warning("no CLI hand-off socket at %s: %s", path, e)
        return lambda: None
    finally:
        os.umask(old)
    thread = threading.Thread(target=server.serve_forever, name="cli-handoff", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()

    return stop

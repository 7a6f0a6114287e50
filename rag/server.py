"""``rag serve``: one server for people and programs, all over the same ``Assistant``.

``/`` the web chat (Gradio), ``/api`` the REST API, ``/v1`` an OpenAI-compatible chat
endpoint, ``/mcp`` an MCP tool server (streamable HTTP), ``/healthz``, ``/docs``: built by
``rag.api.app.create_app``; this module runs it as a process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from rag.api.app import create_app
from rag.errors import ConfigError
from rag.handoff import start_listener
from rag.security import LOOPBACK_HOSTS
from rag.worker import IngestWorker, WorkerAnnotator, WorkerEmbedder

if TYPE_CHECKING:
    from rag.settings import Settings

__all__ = ["check_exposure", "create_app", "serve"]

log = logging.getLogger(__name__)

SWITCH_INTERVAL_S = 0.0005


def check_exposure(settings: Settings, allow_unauthenticated: bool) -> None:
    """Refuse to listen beyond loopback without ``RAG_API_KEY`` unless told to."""
    loopback = settings.host.strip("[]") in {h.strip("[]") for h in LOOPBACK_HOSTS} | {"::1"}
    if loopback or settings.api_key or allow_unauthenticated:
        if not loopback and not settings.api_key:
            log.warning("listening on %s without RAG_API_KEY: anyone who reaches it can use it",
                        settings.host)  # fmt: skip
        return
    raise ConfigError(
        f"refusing to listen on {settings.host} without RAG_API_KEY: anyone who can reach this "
        "address could read and change the articles. Set RAG_API_KEY, or pass "
        "--allow-unauthenticated if the network is trusted."
    )


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    allow_unauthenticated: bool = False,
) -> None:
    """Build the assistant and run the server until interrupted (binds 127.0.0.1 by default)."""
    import uvicorn

    from rag.container import build_assistant

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": port or settings.port}
    )
    check_exposure(settings, allow_unauthenticated)
    # An ask runs many short native calls, each taking the GIL back; while an upload's
    # ingest runs Python code, each wait lasts up to the switch interval (5 ms by default)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    # Gradio keeps the chat's uploads in its temporary folder until they are ingested
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "gradio-uploads").resolve()))
    assistant = build_assistant(settings)
    # an ingest's models (torch, spaCy) live in a child process that starts now, in the
    # background, so the first upload finds them loaded and asks never wait behind them
    worker = assistant.ingest_worker = IngestWorker(settings)
    ingestor = assistant.ingestor
    ingestor.embedder = WorkerEmbedder(ingestor.embedder, worker)
    if ingestor.annotator is not None:
        ingestor.annotator = WorkerAnnotator(worker)
    _in_background("warm-ingest-worker", worker.warm)
    verifier = getattr(assistant.answerer, "verifier", None)
    if verifier is not None:
        _in_background("warm-verifier", verifier.warm)
    # repairs the corpus index if a run died (orphan chunks included), before the first ask
    if not len(assistant.lexical_index()):
        log.warning("the store is empty: run `rag ingest` or upload articles in the UI")
    app = create_app(assistant, settings)
    logging.getLogger(__name__).setLevel(logging.INFO)
    log.info("web chat on http://%s:%s/ (API docs /docs, MCP /mcp)", settings.host, settings.port)
    _with_handoff(app, assistant, settings, worker.close)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_graceful_shutdown=5,  # open event streams must not hold Ctrl+C
    )


def _with_handoff(
    app: Any, assistant: Any, settings: Settings, on_exit: Callable[[], None]
) -> None:
    """`rag ingest` and `rag remove` hand their work to this server while it runs: the
    socket opens with the app and closes with it, then ``on_exit`` runs (uvicorn re-raises
    SIGTERM once the app has shut down, so this is the last code that runs)."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(a: Any) -> AsyncIterator[Any]:
        stop = start_listener(assistant, settings)
        try:
            async with inner(a) as state:
                yield state
        finally:
            stop()
            on_exit()

    app.router.lifespan_context = lifespan


def _in_background(name: str, fn: Callable[..., Any], *args: Any) -> None:
    """Run ``fn`` in a daemon thread; a failure is a warning (the first use says it again)."""

    def run() -> None:
        try:
            fn(*args)
        except Exception as e:
            log.warning("%s: %s", name, e)

    threading.Thread(target=run, name=name, daemon=True).start()

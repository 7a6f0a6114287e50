"""Helpers for the server and browser tests: the real app, run by uvicorn on a free loopback
port in a background thread, around the session's assistant or a private copy of its store."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import free_port


@dataclass
class Served:
    url: str
    assistant: Any
    settings: Any


@contextmanager
def serving(assistant: Any, settings: Any, timeout: float = 60.0) -> Iterator[Served]:
    """``create_app(assistant, settings)`` listening on 127.0.0.1 until the block ends."""
    import uvicorn

    from rag.server import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(assistant, settings),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=2,  # open streams (Gradio's heartbeat) must not hold teardown
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError(f"the server on port {port} stopped during startup")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the server on port {port} did not start in {timeout}s")
        time.sleep(0.05)
    try:
        yield Served(f"http://127.0.0.1:{port}", assistant, settings)
    finally:
        server.should_exit = True
        thread.join(30)


def private_store(seeded: Any, dest: Path, **overrides: Any) -> Any:
    """Settings over a copy of the seeded store, so a test may add to it freely."""
    shutil.copytree(seeded.data_dir, dest)
    return seeded.model_copy(update={"data_dir": dest, **overrides})


def assistant_for(settings: Any, embedder: Any) -> Any:
    """An Assistant on ``settings``'s store, sharing the session's embedder (as in conftest)."""
    from rag.container import build_assistant

    return build_assistant(settings, embedder)

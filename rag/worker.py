"""The ingest's models in a child process of the server.

Asks need neither torch nor spaCy (the question is embedded in numpy), but an ingest needs
both: together about 850 MB and, while they run, the interpreter. So a server reads and
embeds uploaded articles in one child process: asks never wait behind the ingest's Python
code, and the server's own memory stays that of the asks. The child starts with the server
(in the background: the first upload finds the models loaded), and leaves after
``IDLE_S`` without work, giving its memory back; the next ingest starts it again (seconds).

Only the models' work crosses the process boundary: the text to read or embed goes in, the
annotations and vectors come back. The store and the corpus index are written by the
server itself, so one process writes them, as before.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from rag.errors import RagError

if TYPE_CHECKING:
    from rag.embedding import SentenceEmbedder
    from rag.schemas import Document, SentenceAnnotation, Span
    from rag.settings import Settings

log = logging.getLogger(__name__)

IDLE_S = 600.0  # a worker with nothing to do for this long leaves
PARENT_CHECK_S = 1.0  # how often the worker checks that its server is still there
T = TypeVar("T")

# --- in the child ---------------------------------------------------------------

_models: dict[str, Any] = {}


def _start(settings: Settings) -> None:
    from rag.container import build_annotator, build_embedder

    parent = os.getppid()
    threading.Thread(target=_leave_with, args=(parent,), daemon=True).start()
    _models["embedder"] = build_embedder(settings)
    _models["annotator"] = build_annotator(settings)


def _leave_with(parent: int) -> None:
    """Exit when the server is gone (killed, crashed): an orphan would hold the models'
    memory for good, as nothing is left to retire it."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


def _warm() -> None:
    _models["embedder"].warm()
    _models["annotator"].require("fr")


def _embed(texts: list[str]) -> np.ndarray:
    return np.asarray(_models["embedder"].embed(texts))


def _require(language: str) -> None:
    _models["annotator"].require(language)


def _annotate(doc: Document, sentences: list[Span]) -> list[SentenceAnnotation]:
    return list(_models["annotator"].annotate(doc, sentences))


def _read(text: str, language: str, article_date: str | None) -> SentenceAnnotation:
    return _models["annotator"].read(text, language, article_date)


# --- in the server --------------------------------------------------------------


class IngestWorker:
    """One child process holding the ingest's models, started when needed."""

    def __init__(self, settings: Settings, idle_s: float = IDLE_S) -> None:
        self.settings = settings
        self.idle_s = idle_s
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._busy = 0
        self._ready = False  # a call has completed since the process started
        self._last = time.monotonic()
        self._watch = threading.Thread(target=self._retire_when_idle, daemon=True)
        self._watch.start()

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        with self._lock:
            self._busy += 1
            if self._pool is None:
                ctx = multiprocessing.get_context("spawn")  # the server has threads: no fork
                self._pool = ProcessPoolExecutor(
                    1, mp_context=ctx, initializer=_start, initargs=(self.settings,)
                )
            pool = self._pool
        try:
            out = pool.submit(fn, *args).result()
            self._ready = True
            return out
        except BrokenProcessPool as e:  # killed (out of memory?): the next call starts anew
            with self._lock:
                if self._pool is pool:
                    self._pool, self._ready = None, False
            raise RagError(f"the ingest worker died ({e}); try again") from e
        finally:
            with self._lock:
                self._busy -= 1
                self._last = time.monotonic()

    @property
    def state(self) -> str:
        """``stopped`` (no process: the next ingest starts one), ``starting`` or ``ready``."""
        if self._pool is None:
            return "stopped"
        return "ready" if self._ready else "starting"

    def warm(self) -> None:
        self.call(_warm)

    def close(self) -> None:
        with self._lock:
            pool, self._pool, self._ready = self._pool, None, False
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _retire_when_idle(self) -> None:
        while True:
            time.sleep(min(30.0, self.idle_s / 2))
            with self._lock:
                idle = self._pool is not None and not self._busy
                if idle and time.monotonic() - self._last > self.idle_s:
                    pool, self._pool, self._ready = self._pool, None, False
                    log.info("ingest worker idle for %.0fs: stopped", self.idle_s)
                else:
                    pool = None
            if pool is not None:
                pool.shutdown(wait=False)


class WorkerEmbedder:
    """An ``Embedder`` whose document embedding runs in the worker; token counts and query
    vectors stay here (the tokenizer and the numpy query encoder need no torch)."""

    def __init__(self, local: SentenceEmbedder, worker: IngestWorker) -> None:
        self.local = local
        self.worker = worker
        self.name = local.name
        self.batch_size = local.batch_size

    @property
    def dim(self) -> int:
        return self.local.dim

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return self.worker.call(_embed, list(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return self.local.embed_query(text)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.local.embed_queries(texts)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.local.count_tokens(texts)

    def warm(self) -> None:
        self.worker.warm()


class WorkerAnnotator:
    """An ``Annotator`` whose pipelines run in the worker."""

    def __init__(self, worker: IngestWorker) -> None:
        self.worker = worker

    def require(self, language: str) -> None:
        self.worker.call(_require, language)

    def annotate(self, doc: Document, sentences: Sequence[Span]) -> list[SentenceAnnotation]:
        return self.worker.call(_annotate, doc, list(sentences))

    def read(self, text: str, language: str, article_date: str | None = None) -> SentenceAnnotation:
        return self.worker.call(_read, text, language, article_date)

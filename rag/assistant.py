"""The facade other programs embed: ask, stream, ingest, list sources.

``ask`` and ``ask_stream`` share one preparation step (validate, rewrite,
retrieve, select context); only the answering step differs.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from rag.answering import NOT_FOUND, Answerer, AnswerRequest, CorpusView, Draft
from rag.answering.rewrite import standalone as make_standalone
from rag.corpus_index import LexicalIndex
from rag.errors import DocumentNotFound, EmptyStore
from rag.ingest import Ingestor
from rag.retrieval import HybridRetriever, Retrieval, detect_question_language, select_context
from rag.schemas import Answer, ChatTurn, Document, IngestSummary, SourceInfo
from rag.validation import bounded_history, validate_question
from vectorstore.base import VectorStore

if TYPE_CHECKING:
    from rag.settings import Settings

T = TypeVar("T")
REFRESH_EVERY_S = 2.0
GIVE_WAY_S = 0.1


@dataclass(frozen=True)
class Snapshot:
    """The committed corpus as asks see it: the index's view and the answerer's reading."""

    index: LexicalIndex
    corpus: CorpusView


@dataclass
class Prepared:
    question: str
    standalone: str | None
    retrieval: Retrieval
    request: AnswerRequest
    t0: float


class Assistant:
    """Ask questions of the ingested articles; every answer carries its evidence."""

    def __init__(
        self,
        retriever: HybridRetriever | None = None,
        answerer: Answerer | None = None,
        store: VectorStore | None = None,
        ingestor: Ingestor | None = None,
        context_chars: int = 2000,
        max_question_chars: int = 2000,
        rewriter: Any = None,
        settings: Settings | None = None,
        uploads_dir: Path | None = None,
    ) -> None:
        if retriever is None or answerer is None or store is None or ingestor is None:
            from rag.container import build_components

            c = build_components(settings)
            retriever, answerer, store, ingestor = c.retriever, c.answerer, c.store, c.ingestor
            context_chars, max_question_chars = c.context_chars, c.max_question_chars
            rewriter = c.rewriter
            uploads_dir = c.uploads_dir
        self.retriever = retriever
        self.answerer = answerer
        self.store = store
        self.ingestor = ingestor
        self.rewriter = rewriter
        self.context_chars = context_chars
        self.max_question_chars = max_question_chars
        # where uploaded articles are kept: removing one of them deletes its file too
        self.uploads_dir = uploads_dir
        self.ingest_worker: Any = None  # `rag serve`'s child process for the ingest's models
        self._ingest_lock = threading.Lock()  # one ingest at a time
        self._refresh_lock = threading.Lock()  # one snapshot rebuild at a time
        self._snapshot: Snapshot | None = None
        self._ingesting = False
        self._checked = 0.0
        self._asking = 0  # asks in flight; an ingest gives way to them between its steps
        self._count_lock = threading.Lock()
        retriever.lexical = self.lexical_index
        ingestor.yield_to = self._give_way

    # --- corpus state -------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The committed corpus that asks read: replaced whole, never changed in place.

        An ingest in this process swaps in a new snapshot when it commits; asks meanwhile
        keep reading the current one and never wait for it. A change made by another
        process is noticed by comparing generation tokens (one read of the store, one of
        the index) at most every ``REFRESH_EVERY_S``; the check is skipped while this
        process ingests, and asks arriving during a repair are served the current snapshot.
        """
        snap = self._snapshot
        if snap is not None and (
            self._ingesting or time.monotonic() - self._checked < REFRESH_EVERY_S
        ):
            return snap
        if not self._refresh_lock.acquire(blocking=snap is None):
            assert snap is not None
            return snap
        try:
            snap = self._snapshot
            if snap is not None and self._ingesting:
                return snap
            self._checked = time.monotonic()
            if snap is None or snap.index.generation != self.ingestor.store.generation():
                snap = self._snapshot = self._load_snapshot()
            return snap
        finally:
            self._refresh_lock.release()

    @contextlib.contextmanager
    def _in_flight(self) -> Iterator[None]:
        with self._count_lock:
            self._asking += 1
        try:
            yield
        finally:
            with self._count_lock:
                self._asking -= 1

    def _give_way(self) -> None:
        """Called by an ingest between its steps: wait while asks are in flight (at most
        ``GIVE_WAY_S``, so a steady stream of asks slows an ingest but never stops it)."""
        deadline = time.monotonic() + GIVE_WAY_S
        while self._asking and time.monotonic() < deadline:
            time.sleep(0.002)

    def lexical_index(self) -> LexicalIndex:
        """The keyword index of the current snapshot."""
        return self.snapshot().index

    def _load_snapshot(self) -> Snapshot:
        index = self.ingestor.refresh_lexical()
        return Snapshot(index, CorpusView(index))

    # --- asking -------------------------------------------------------------

    def validate(self, question: str) -> str:
        return validate_question(question, self.max_question_chars)

    def prepare(
        self, question: str, history: Sequence[ChatTurn] | None = None, top_k: int | None = None
    ) -> Prepared:
        t0 = time.perf_counter()
        q = self.validate(question)
        history = bounded_history(history)
        snap = self.snapshot()
        if not len(snap.index):
            raise EmptyStore(empty_store_message(self.store))
        standalone = make_standalone(q, history, self.rewriter) if history else None
        retrieval = self.retriever.retrieve(standalone or q, top_k, snap.index)
        retrieval.language = detect_question_language(q)
        context = select_context(retrieval.passages, self.context_chars)
        request = AnswerRequest(standalone or q, retrieval.language, context, snap.corpus)
        return Prepared(q, standalone, retrieval, request, t0)

    def ask(
        self, question: str, history: Sequence[ChatTurn] | None = None, top_k: int | None = None
    ) -> Answer:
        with self._in_flight():
            p = self.prepare(question, history, top_k)
            t = time.perf_counter()
            return self._finish(p, self.answerer.answer(p.request), t)

    def ask_stream(
        self, question: str, history: Sequence[ChatTurn] | None = None, top_k: int | None = None
    ) -> Iterator[str | Answer]:
        """Text deltas, then the final verified ``Answer``."""
        with self._in_flight():
            p = self.prepare(question, history, top_k)
            t = time.perf_counter()
            stream = getattr(self.answerer, "stream", None)
            if stream is None:
                draft = self.answerer.answer(p.request)
                yield from _pieces(draft.answer)
                yield self._finish(p, draft, t)
                return
            draft_out: Draft | None = None
            for item in stream(p.request):
                if isinstance(item, str):
                    yield item
                else:
                    draft_out = item
            assert draft_out is not None, "a streaming answerer must end with its Draft"
            yield self._finish(p, draft_out, t)

    def _finish(self, p: Prepared, draft: Draft, t_answer: float) -> Answer:
        timings = dict(p.retrieval.timings_ms)
        timings["answer"] = round((time.perf_counter() - t_answer) * 1000, 2)
        timings["total"] = round((time.perf_counter() - p.t0) * 1000, 2)
        verify_ms = getattr(draft, "verify_ms", None)
        if verify_ms is not None:
            timings["verify"] = verify_ms
        lang = p.retrieval.language
        answer_text = draft.answer
        if draft.abstained and not answer_text:
            answer_text = NOT_FOUND.get(lang, NOT_FOUND["en"])
        return Answer(
            question=p.question,
            answer=answer_text,
            short_answer=draft.short_answer,
            short_answer_quote=draft.quoted_short,
            abstained=draft.abstained,
            support=round(draft.coverage, 4),
            citations=draft.citations,
            passages=p.retrieval.passages,
            timings_ms=timings,
            language=lang,
            standalone_question=p.standalone,
            backend=getattr(self.answerer, "name", "extractive"),
            unsupported=getattr(draft, "unsupported", []),
            fallback=getattr(draft, "fallback", False),
        )

    # --- corpus management --------------------------------------------------

    def ingest(
        self,
        paths: Sequence[Path],
        progress: bool = False,
        on_file: Callable[[str, str], None] | None = None,
    ) -> IngestSummary:
        """Sync ``paths`` into the store; asks keep answering from the current snapshot until
        this ingest commits, then see the new articles (one ingest at a time)."""
        return self._commit(lambda: self.ingestor.sync(paths, progress=progress, on_file=on_file))

    def _commit(self, change: Callable[[], T]) -> T:
        """Run a change to the corpus (one at a time), then swap in the snapshot asks read;
        asks keep the current one meanwhile and never wait for the change."""
        with self._ingest_lock:
            self._ingesting = True
            try:
                out = change()
            finally:
                self._ingesting = False
                self._checked = 0.0  # a failed change: the next ask checks the store
            with self._refresh_lock:
                self._snapshot = self._load_snapshot()
                self._checked = time.monotonic()
            return out

    def remove(self, doc_id: str) -> SourceInfo:
        """Delete one article: its record, chunks and keyword entries, and the kept file when
        it was uploaded. Asks see it gone as soon as this returns (``DocumentNotFound``)."""
        stored = self._commit(lambda: self.ingestor.remove(doc_id))
        source = Path(stored.document.source)
        if self.uploads_dir is not None and source.is_relative_to(self.uploads_dir.resolve()):
            source.unlink(missing_ok=True)
        return source_info(stored.document, 0)

    def health(self) -> dict[str, int]:
        """Chunks in the store, read from it now (``StoreUnavailable`` if down), and the
        articles of the corpus index."""
        return {"documents": self.ingestor.index.document_count(), "chunks": self.store.count()}

    def sources(self) -> list[SourceInfo]:
        counts = self.ingestor.index.chunk_counts()
        return [
            source_info(d.document, counts.get(d.document.doc_id, 0))
            for d in self.store.document_records()
        ]

    def document(self, doc_id: str) -> Document:
        """One article with its text; ``source`` is its file's name, not its server path."""
        stored = self.store.get_document(doc_id)
        if stored is None:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        d = stored.document
        return d.model_copy(update={"source": Path(d.source).name})

    def source_paths(self, paths: Sequence[Path] | None = None) -> dict[str, str]:
        """Server path -> doc_id of every article, or of the articles these files can be (the
        ids a file can take: an upload reads a few records, whatever the store's size)."""
        if paths is None:
            records = self.store.document_records()
        else:
            ids = [i for p in paths for i in self.ingestor.doc_ids(p)]
            records = self.store.document_records(ids)
        return {d.document.source: d.document.doc_id for d in records}


def empty_store_message(store: VectorStore) -> str:
    """Where an empty store was looked for, so a user who ingested elsewhere sees it."""
    return (
        f"the store is empty: nothing is ingested in {store.describe()}. Run `rag ingest`, "
        "or set RAG_DATA_DIR (RAG_CHROMA_HOST for a server) to where the articles were ingested."
    )


def source_info(d: Document, chunks: int) -> SourceInfo:
    """What a client sees of an article: its file's name, never where it lies on the server."""
    return SourceInfo(
        doc_id=d.doc_id,
        title=d.title,
        date=d.date,
        outlet=d.outlet,
        authors=d.authors,
        photo_credit=d.photo_credit,
        language=d.language,
        source=Path(d.source).name,
        chunks=chunks,
    )


def _pieces(text: str, size: int = 24) -> Iterator[str]:
    """Split a finished answer into word-aligned pieces so it can stream like generated text."""
    buf = ""
    for word in text.split(" "):
        buf += word + " "
        if len(buf) >= size:
            yield buf
            buf = ""
    if buf:
        yield buf[:-1]  # drop the separator added after the last word

"""The facade other programs embed: ask, stream, ingest, list sources.

``ask`` and ``ask_stream`` share one preparation step (validate, rewrite,
retrieve, select context); only the answering step differs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.answering import NOT_FOUND, Answerer, Draft
from rag.answering.rewrite import carry_over
from rag.errors import DocumentNotFound, EmptyStore, InvalidQuestion
from rag.ingest import Ingestor
from rag.lexical import LexicalIndex
from rag.retrieval import HybridRetriever, Retrieval, detect_question_language, select_context
from rag.schemas import Answer, ChatTurn, Document, IngestSummary, Passage, SourceInfo
from vectorstore.base import VectorStore

if TYPE_CHECKING:
    from rag.settings import Settings

REFRESH_EVERY_S = 2.0


@dataclass
class Prepared:
    question: str
    standalone: str | None
    retrieval: Retrieval
    context: list[Passage]
    texts: dict[str, str]
    index: LexicalIndex
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
    ) -> None:
        if retriever is None or answerer is None or store is None or ingestor is None:
            from rag.container import build_components

            c = build_components(settings)
            retriever, answerer, store, ingestor = c.retriever, c.answerer, c.store, c.ingestor
            context_chars, max_question_chars = c.context_chars, c.max_question_chars
            rewriter = c.rewriter
        self.retriever = retriever
        self.answerer = answerer
        self.store = store
        self.ingestor = ingestor
        self.rewriter = rewriter
        self.context_chars = context_chars
        self.max_question_chars = max_question_chars
        self._lock = threading.RLock()
        self._index: LexicalIndex | None = None
        self._texts: dict[str, str] = {}
        self._checked = 0.0
        retriever.lexical = self.lexical_index

    # --- corpus state -------------------------------------------------------

    def lexical_index(self) -> LexicalIndex:
        """The keyword index, reloaded or rebuilt when the store changed underneath."""
        with self._lock:
            now = time.monotonic()
            if self._index is not None and now - self._checked < REFRESH_EVERY_S:
                return self._index
            self._checked = now
            fp = self.ingestor.store_fingerprint()
            if self._index is None or self._index.fingerprint != fp:
                self._index = self.ingestor.refresh_lexical()
                self._texts = {
                    d.document.doc_id: d.document.text for d in self.store.list_documents()
                }
            return self._index

    def _invalidate(self) -> None:
        with self._lock:
            self._index = None
            self._checked = 0.0

    # --- asking -------------------------------------------------------------

    def validate(self, question: str) -> str:
        q = (question or "").strip()
        if not q:
            raise InvalidQuestion("the question is empty")
        if len(q) > self.max_question_chars:
            raise InvalidQuestion(
                f"the question is {len(q)} characters long; the limit is {self.max_question_chars}"
            )
        return q

    def prepare(
        self, question: str, history: Sequence[ChatTurn] | None = None, top_k: int | None = None
    ) -> Prepared:
        t0 = time.perf_counter()
        q = self.validate(question)
        index = self.lexical_index()
        if not index.chunks:
            raise EmptyStore("the store is empty: run `rag ingest` first")
        standalone = None
        if history:
            standalone = (
                self.rewriter.rewrite(q, history) if self.rewriter else None
            ) or carry_over(q, history)
        retrieval = self.retriever.retrieve(standalone or q, top_k)
        retrieval.language = detect_question_language(q)
        context = select_context(retrieval.passages, self.context_chars)
        return Prepared(q, standalone, retrieval, context, self._texts, index, t0)

    def ask(
        self, question: str, history: Sequence[ChatTurn] | None = None, top_k: int | None = None
    ) -> Answer:
        p = self.prepare(question, history, top_k)
        t = time.perf_counter()
        draft = self.answerer.answer(
            p.standalone or p.question, p.retrieval.language, p.context, p.texts, p.index
        )
        return self._finish(p, draft, t)

    def ask_stream(
        self, question: str, history: Sequence[ChatTurn] | None = None, top_k: int | None = None
    ) -> Iterator[str | Answer]:
        """Text deltas, then the final verified ``Answer``."""
        p = self.prepare(question, history, top_k)
        t = time.perf_counter()
        stream = getattr(self.answerer, "stream", None)
        if stream is None:
            draft = self.answerer.answer(
                p.standalone or p.question, p.retrieval.language, p.context, p.texts, p.index
            )
            yield from _pieces(draft.answer)
            yield self._finish(p, draft, t)
            return
        draft_out: Draft | None = None
        for item in stream(
            p.standalone or p.question, p.retrieval.language, p.context, p.texts, p.index
        ):
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
        lang = p.retrieval.language
        answer_text = draft.answer
        if draft.abstained and not answer_text:
            answer_text = NOT_FOUND.get(lang, NOT_FOUND["en"])
        return Answer(
            question=p.question,
            answer=answer_text,
            short_answer=draft.short_answer,
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
        with self._lock:
            try:
                return self.ingestor.sync(paths, progress=progress, on_file=on_file)
            finally:
                self._invalidate()

    def sources(self) -> list[SourceInfo]:
        counts = self.store.chunk_counts()
        return [
            source_info(d.document, counts.get(d.document.doc_id, 0))
            for d in self.store.list_documents()
        ]

    def document(self, doc_id: str) -> Document:
        stored = self.store.get_document(doc_id)
        if stored is None:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        return stored.document


def source_info(d: Document, chunks: int) -> SourceInfo:
    return SourceInfo(
        doc_id=d.doc_id,
        title=d.title,
        date=d.date,
        outlet=d.outlet,
        authors=d.authors,
        language=d.language,
        source=d.source,
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

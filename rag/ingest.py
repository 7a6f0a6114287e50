"""Incremental sync of article files into the store and the corpus index beside it.

Crash safety comes from the order of writes: a document's record (with its
content hash) is written only after all its chunks, and removed before them.
A run killed part way leaves at worst chunks with no record; the next run
deletes those orphans first and redoes the document.

The corpus index (keyword terms, sentences, names: ``rag.corpus_index``) is updated a
group of documents at a time, after the store. Each run first marks the store with a
new generation token and, once done, records that token in the index: an index whose
token differs from the store's is out of step (a run died, another writer changed the
store) and is repaired from the store, one differing document at a time.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from rag.chunking import chunk_document
from rag.corpus_index import CorpusIndex, LexicalIndex
from rag.documents import content_hash, load_document
from rag.embedding import Embedder
from rag.errors import DocumentNotFound, IngestError
from rag.nlp import Annotator
from rag.schemas import Chunk, Document, IngestSummary, SentenceAnnotation, Span
from vectorstore.base import StoredDocument, VectorStore

log = logging.getLogger(__name__)

# Chunks per store write. Documents are written whole, a group at a time, and a killed
# run loses at most one group of embedding work. Within a group, chunks are batched by
# their word-piece count, so a batch pads to almost nothing (512 was 4-8 % slower).
EMBED_GROUP = 2048
# Chunks per store write. The embedded Chroma holds the interpreter while it writes (~1 ms
# a chunk), so writes go in small steps and give way to asks in between (``yield_to``).
WRITE_BATCH = 64
# Sentences per call to the annotator: spaCy holds the interpreter while it parses, so a
# long article is read in steps that give way to asks in between (``yield_to``).
ANNOTATE_BATCH = 16


@dataclass
class ChunkParams:
    max_tokens: int = 128
    overlap: int = 1


class Ingestor:
    def __init__(
        self,
        embedder: Embedder,
        store: VectorStore,
        lexical_path: Path,
        params: ChunkParams | None = None,
        annotator: Annotator | None = None,
    ) -> None:
        self.embedder = embedder
        self.store = store
        self.lexical_path = lexical_path
        self.index = CorpusIndex(lexical_path)
        self.params = params or ChunkParams()
        # reads every sentence once (entities, numbers, dates, roles) so that answering
        # never needs a language pipeline; None stores chunks without annotations
        self.annotator = annotator
        # called between embedding batches and store writes: a server makes the ingest wait
        # there while asks are in flight, so an upload never slows an answer much
        self.yield_to: Callable[[], None] = lambda: None

    # --- public -------------------------------------------------------------

    def sync(
        self,
        paths: Sequence[Path],
        progress: bool = True,
        on_file: Callable[[str, str], None] | None = None,
    ) -> IngestSummary:
        """Bring the store in line with ``paths`` (files or folders)."""
        t0 = time.perf_counter()
        for p in paths:
            if not p.exists():
                raise IngestError(f"no such file or directory: {p}")
        summary = IngestSummary()
        if not self.in_step():  # a run died, or another process wrote: repair first
            self.repair()
        listed = list(self._expand(paths))
        # the records these files and folders can meet, not the whole store's: an ingest of
        # one article reads a few records whatever the size of the archive
        existing = {
            d.document.doc_id: d
            for d in self.store.document_records(
                [i for _, files in listed for f in files for i in self.doc_ids(f)],
                [str(root.resolve()) for root, _ in listed if root.is_dir()],
            )
        }
        unread = self.index.unannotated(existing) if self.annotator is not None else set()
        pending: list[tuple[Document, str, list[Chunk]]] = []
        pending_chunks = 0
        generation = ""

        def changing() -> str:
            nonlocal generation
            if not generation:  # the store is marked before its first write
                generation = uuid.uuid4().hex
                self.store.set_generation(generation)
            return generation

        bar = _LazyBar(desc="parsing", unit="sentence", disable=not progress)
        # one bar for the run, its total growing as documents are read
        embedding = _LazyBar(desc="embedding", unit="chunk", total=0, disable=not progress)
        seen_sources: dict[str, set[str]] = {}
        used_ids: set[str] = set()
        for root, files in listed:
            folder = str(root.resolve()) if root.is_dir() else ""
            seen = seen_sources.setdefault(folder, set()) if folder else set()
            for f in files:
                source = str(f.resolve())
                doc_id = self._doc_id(f, source, existing, used_ids)
                old = existing.get(doc_id)
                try:
                    # Unchanged bytes need no parsing: a re-run over a large folder
                    # costs one read and one hash per file.
                    if (
                        old is not None
                        and doc_id not in unread
                        and old.document.content_hash == content_hash(f.read_bytes())
                    ):
                        doc = None
                    else:
                        doc = load_document(f, doc_id)
                except IngestError as e:
                    # Not "seen": an earlier version of a file that is now empty, binary...
                    # and was ingested from this folder is removed below.
                    summary.skipped[str(f)] = str(e)
                    self._notify(on_file, str(f), f"skipped: {e}")
                    continue
                except Exception as e:  # a file we cannot parse must not stop the others
                    log.warning("cannot read %s: %s", f, e)
                    summary.skipped[str(f)] = f"unreadable ({type(e).__name__}: {e})"
                    self._notify(on_file, str(f), f"skipped: {e}")
                    seen.add(source)  # our bug or a passing error: keep what we had
                    continue
                seen.add(source)
                used_ids.add(doc_id)
                if doc is None:
                    assert old is not None
                    summary.unchanged.append(doc_id)
                    if old.document.source != source or (folder and old.folder != folder):
                        # same bytes, new place: keep record and chunks, note where
                        moved = old.document.model_copy(update={"source": source})
                        self.store.put_document(
                            StoredDocument(document=moved, folder=folder or old.folder)
                        )
                    self._notify(on_file, str(f), "unchanged")
                    continue
                doc.source = source
                chunks = chunk_document(
                    doc, self.params.max_tokens, self.params.overlap, self.embedder.count_tokens
                )
                # before the store is touched: a missing language pipeline stops the run
                # with the old version of the document still in place
                self._annotate(doc, chunks, bar)
                changing()
                if old is not None:
                    self.store.delete_document(doc_id)  # record first, then chunks
                    summary.updated.append(doc_id)
                else:
                    summary.added.append(doc_id)
                pending.append((doc, folder, chunks))
                pending_chunks += len(chunks)
                self._notify(on_file, str(f), "updated" if old is not None else "added")
                if pending_chunks >= EMBED_GROUP:  # written as read: memory stays flat
                    summary.chunks_embedded += self._write(pending, embedding)
                    pending, pending_chunks = [], 0
        bar.close()
        summary.chunks_embedded += self._write(pending, embedding)
        embedding.close()
        for folder, sources in seen_sources.items():
            for doc_id, rec in existing.items():
                if rec.folder == folder and rec.document.source not in sources:
                    if doc_id not in used_ids:
                        changing()
                        self.store.delete_document(doc_id)
                        summary.removed.append(doc_id)
        self.index.apply([], summary.removed, None)  # one keyword commit for them all
        if generation:
            self.index.set_generation(generation)
        summary.seconds = round(time.perf_counter() - t0, 3)
        return summary

    def remove(self, doc_id: str) -> StoredDocument:
        """Delete one article: its record, its chunks and its keyword entries."""
        stored = self.store.get_document(doc_id)
        if stored is None:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        generation = uuid.uuid4().hex
        self.store.set_generation(generation)
        self.store.delete_document(doc_id)
        self.index.apply([], [doc_id], generation)
        return stored

    def in_step(self) -> bool:
        """Whether the index matches the store now: one read of each (O(1)). A store without
        a token (written before tokens existed, or never written) is never taken as in step:
        its index may be missing or from an older format, and repairing an empty store is free."""
        generation = self.store.generation()
        return bool(generation) and self.index.generation == generation

    def refresh_lexical(self) -> LexicalIndex:
        """A view of the corpus index, repaired first if it is out of step with the store."""
        if not self.in_step():
            self.repair()
        return self.index.view()

    def repair(self) -> None:
        """Bring the index in line with the store, one differing document at a time: chunks
        left by a dead run are deleted, documents added or changed elsewhere are indexed."""
        generation = self.store.generation()
        if not generation:  # a store written before generation tokens: give it one
            generation = uuid.uuid4().hex
            self.store.set_generation(generation)
        self.remove_orphans()
        stored = dict(self.store.document_hashes())
        indexed = self.index.documents()
        stale = [d for d in indexed if stored.get(d) != indexed[d]]
        fresh = sorted(d for d, h in stored.items() if indexed.get(d) != h)
        if stale or fresh:
            log.info("corpus index: %d documents to remove, %d to index", len(stale), len(fresh))
        self.index.apply([], stale, None)
        for i in range(0, len(fresh), 64):
            part = fresh[i : i + 64]
            chunks = self.store.chunks_of(part)
            added = []
            for doc_id in part:
                rec = self.store.get_document(doc_id)
                if rec is not None:
                    added.append((rec.document, [c for c in chunks if c.doc_id == doc_id]))
            self.index.apply(added, [], None)
        self.index.set_generation(generation)

    # --- steps --------------------------------------------------------------

    def remove_orphans(self) -> None:
        """Delete chunks that no document record owns (left by an ingest killed part way)."""
        known = {doc_id for doc_id, _ in self.store.document_hashes()}
        orphans = {doc for doc in self.store.chunk_ids().values() if doc not in known}
        for doc_id in sorted(orphans):
            log.info("removing chunks of %s left by an interrupted ingest", doc_id)
            self.store.delete_chunks(doc_id)

    def _annotate(self, doc: Document, chunks: list[Chunk], bar: _LazyBar) -> None:
        """Read each sentence of the document once; every chunk gets its sentences' readings."""
        if self.annotator is None or not chunks:
            return
        self.annotator.require(doc.language)  # a missing pipeline: one error line, no bar
        sentences = sorted({tuple(s) for c in chunks for s in c.sentences})
        read: dict[Span, SentenceAnnotation] = {}
        for i in range(0, len(sentences), ANNOTATE_BATCH):
            self.yield_to()
            part: list[Span] = sentences[i : i + ANNOTATE_BATCH]  # type: ignore[assignment]
            read.update(zip(part, self.annotator.annotate(doc, part), strict=True))
            bar.update(len(part))
        for c in chunks:
            c.annotations = [read[(a, b)] for a, b in c.sentences]

    def _write(self, pending: list[tuple[Document, str, list[Chunk]]], bar: _LazyBar) -> int:
        total = sum(len(c) for _, _, c in pending)
        if not total:
            return 0
        bar.grow(total)
        group: list[tuple[Document, str, list[Chunk]]] = []
        size = 0
        for item in pending:
            group.append(item)
            size += len(item[2])
            if size >= EMBED_GROUP:
                self._write_group(group, bar)
                group, size = [], 0
        if group:
            self._write_group(group, bar)
        return total

    def _write_group(self, group: list[tuple[Document, str, list[Chunk]]], bar: _LazyBar) -> None:
        """Embed and store whole documents; their records go last (see the module docstring).

        Chunks are sorted by word pieces, longest first, and embedded one batch per call:
        ``SentenceTransformer.encode`` sorts by characters, which groups texts of quite
        different piece counts (French takes more pieces per character than English), and
        every batch pads to its longest text.
        """
        chunks = [c for _, _, cs in group for c in cs]
        texts = [embed_text(c) for c in chunks]
        sizes = self.embedder.count_tokens(texts)
        order = sorted(range(len(chunks)), key=lambda i: (-sizes[i], i))
        chunks = [chunks[i] for i in order]
        texts = [texts[i] for i in order]
        step = max(1, self.embedder.batch_size)
        parts = []
        for i in range(0, len(texts), step):
            self.yield_to()
            parts.append(self.embedder.embed(texts[i : i + step]))
            bar.update(len(parts[-1]))
        vectors = np.concatenate(parts)
        for i in range(0, len(chunks), WRITE_BATCH):
            self.yield_to()
            self.store.upsert_chunks(chunks[i : i + WRITE_BATCH], vectors[i : i + WRITE_BATCH])
        self.yield_to()
        self.store.put_documents([StoredDocument(document=d, folder=f) for d, f, _ in group])
        self.index.apply([(d, cs) for d, _, cs in group], [], None)

    @staticmethod
    def _expand(paths: Sequence[Path]) -> Iterable[tuple[Path, list[Path]]]:
        for p in paths:
            if p.is_dir():
                files = sorted(
                    f
                    for f in p.rglob("*")
                    if f.is_file()
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                )
                yield p, files
            else:
                yield p, [p]

    @staticmethod
    def doc_ids(f: Path) -> tuple[str, str]:
        """The ids a file can get: its stem, or the stem and a hash of its path on a clash."""
        source = str(f.resolve())
        return f.stem, f"{f.stem}-{hashlib.sha256(source.encode()).hexdigest()[:6]}"

    @classmethod
    def _doc_id(
        cls, f: Path, source: str, existing: dict[str, StoredDocument], used: set[str]
    ) -> str:
        """The file stem, unless another file already owns it."""
        stem, hashed = cls.doc_ids(f)
        old = existing.get(stem)
        clash = stem in used or (
            old is not None
            and old.document.source not in ("", source)
            and Path(old.document.source).exists()
        )
        return hashed if clash else stem

    @staticmethod
    def _notify(cb: Callable[[str, str], None] | None, path: str, what: str) -> None:
        if cb is not None:
            cb(path, what)


class _LazyBar:
    """A progress bar that appears with its first step, so a run that fails first shows none."""

    def __init__(self, **kwargs: Any) -> None:
        self.kwargs = kwargs
        self.bar: tqdm | None = None

    def update(self, n: int) -> None:
        if self.bar is None:
            self.bar = tqdm(**self.kwargs)  # type: ignore[call-overload]
        self.bar.update(n)

    def grow(self, n: int) -> None:
        """More work to come: the total grows by ``n``."""
        if self.bar is None:
            self.kwargs["total"] = (self.kwargs.get("total") or 0) + n
        else:
            self.bar.total = (self.bar.total or 0) + n
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def embed_text(c: Chunk) -> str:
    """What the embedder sees: the title gives short chunks their topic."""
    return f"{c.title}. {c.text}" if c.title and c.n > 0 else c.text

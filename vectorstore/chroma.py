"""Chroma, embedded on disk or through a server's HTTP client.

Two collections: ``<name>`` holds chunks with their vectors (cosine space);
``<name>__docs`` holds one record per document (original text, metadata and
content hash), so any client of the same server sees the same corpus.
"""

from __future__ import annotations

import functools
import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from pydantic import TypeAdapter

from rag.errors import StoreUnavailable
from rag.schemas import Chunk, Document, SentenceAnnotation
from vectorstore.base import StoredDocument

log = logging.getLogger(__name__)

_PAGE = 2000
# a chunk's sentence annotations travel in its metadata as one compact JSON string
_ANNOTATIONS = TypeAdapter(list[SentenceAnnotation])
F = TypeVar("F", bound=Callable[..., Any])


def _failures() -> tuple[type[BaseException], ...]:
    """What a store call raises when the store, not our code, is at fault: a server that is
    down or answers 5xx, a full disk, a locked or corrupt database file."""
    import httpx
    from chromadb.errors import ChromaError

    return (httpx.HTTPError, ChromaError, sqlite3.Error, OSError)


def _guarded(method: F) -> F:
    """Turn a store failure into ``StoreUnavailable`` naming the store (REST 503, CLI exit 2)."""

    @functools.wraps(method)
    def call(self: ChromaStore, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except _failures() as e:
            log.warning("%s failed in %s: %s", self.where, method.__name__, e)
            raise StoreUnavailable(
                f"the vector store is unavailable ({self.where}: {type(e).__name__}: {e})"
            ) from e

    return call  # type: ignore[return-value]


class ChromaStore:
    def __init__(self, client: Any, collection: str, where: str) -> None:
        self.client = client
        self.where = where
        self.name = collection
        self.chunks = client.get_or_create_collection(
            collection, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )
        self.docs = client.get_or_create_collection(f"{collection}__docs", embedding_function=None)
        self.max_batch = int(getattr(client, "get_max_batch_size", lambda: 5000)())

    @classmethod
    def connect(
        cls, collection: str, path: Path | None = None, host: str | None = None, port: int = 8000
    ) -> ChromaStore:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        cs = ChromaSettings(anonymized_telemetry=False)
        if host:
            where = f"Chroma server at {host}:{port}"
            try:
                client = chromadb.HttpClient(host=host, port=port, settings=cs)
                client.heartbeat()
                return cls(client, collection, where)
            except Exception as e:  # connection refused, DNS, TLS, HTTP errors alike
                raise StoreUnavailable(
                    f"cannot reach the Chroma server at {host}:{port} "
                    f"(RAG_CHROMA_HOST/RAG_CHROMA_PORT): {type(e).__name__}"
                ) from e
        assert path is not None
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=cs)
        return cls(client, collection, f"Chroma at {path.resolve()}")

    def describe(self) -> str:
        return self.where

    # --- chunks -------------------------------------------------------------

    @_guarded
    def upsert_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        step = self.max_batch
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            self.chunks.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i : i + step],
                documents=[c.text for c in part],
                metadatas=[_chunk_meta(c) for c in part],
            )

    @_guarded
    def delete_chunks(self, doc_id: str) -> None:
        self.chunks.delete(where={"doc_id": doc_id})

    @_guarded
    def query(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        return self.query_many(np.asarray([vector]), k)[0]

    @_guarded
    def nearest_ids(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """Chunk ids and scores only: a caller that holds the chunks needs no metadata.

        No ``count()`` first: Chroma returns what it has when asked for more, and counting
        costs milliseconds per question on a large collection."""
        res = self.chunks.query(query_embeddings=list(vectors), n_results=k, include=["distances"])
        return [
            [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=True)]
            for ids, dists in zip(res["ids"], res["distances"], strict=True)
        ]

    @_guarded
    def query_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[Chunk, float]]]:
        res = self.chunks.query(
            query_embeddings=list(vectors),
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        return [
            [
                (_chunk(cid, text, meta), 1.0 - float(dist))
                for cid, text, meta, dist in zip(ids, docs, metas, dists, strict=True)
            ]
            for ids, docs, metas, dists in zip(
                res["ids"], res["documents"], res["metadatas"], res["distances"], strict=True
            )
        ]

    @_guarded
    def all_chunks(self) -> list[Chunk]:
        out: list[Chunk] = []
        for offset in range(0, self.count(), _PAGE):
            res = self.chunks.get(limit=_PAGE, offset=offset, include=["documents", "metadatas"])
            out += [
                _chunk(cid, text, meta)
                for cid, text, meta in zip(
                    res["ids"], res["documents"], res["metadatas"], strict=True
                )
            ]
        return out

    @_guarded
    def chunk_ids(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for offset in range(0, self.count(), _PAGE):
            res = self.chunks.get(limit=_PAGE, offset=offset, include=["metadatas"])
            out.update(
                {cid: str(m["doc_id"]) for cid, m in zip(res["ids"], res["metadatas"], strict=True)}
            )
        return out

    @_guarded
    def count(self) -> int:
        return int(self.chunks.count())

    # --- documents ----------------------------------------------------------

    def put_document(self, doc: StoredDocument) -> None:
        self.put_documents([doc])

    @_guarded
    def put_documents(self, docs: Sequence[StoredDocument]) -> None:
        """Many records in one write: each Chroma write costs ~25 ms however small it is."""
        for i in range(0, len(docs), self.max_batch):
            part = docs[i : i + self.max_batch]
            self.docs.upsert(
                ids=[d.document.doc_id for d in part],
                embeddings=[[1.0]] * len(part),
                documents=[d.document.text for d in part],
                metadatas=[_document_meta(d) for d in part],
            )

    @_guarded
    def document_records(
        self, doc_ids: Sequence[str] | None = None, folders: Sequence[str] = ()
    ) -> list[StoredDocument]:
        """Records without their text: every document's, or, given ``doc_ids`` or
        ``folders``, only those with these ids and those ingested from these folders (what
        an ingest of a few files reads, whatever the size of the store)."""
        if doc_ids is None and not folders:
            res = self.docs.get(include=["metadatas"])
            pairs = list(zip(res["ids"], res["metadatas"], strict=True))
        else:
            found: dict[str, Any] = {}
            ids = list(dict.fromkeys(doc_ids or ()))
            for i in range(0, len(ids), _PAGE):
                res = self.docs.get(ids=ids[i : i + _PAGE], include=["metadatas"])
                found.update(zip(res["ids"], res["metadatas"], strict=True))
            for folder in dict.fromkeys(f for f in folders if f):
                res = self.docs.get(where={"folder": folder}, include=["metadatas"])
                found.update(zip(res["ids"], res["metadatas"], strict=True))
            pairs = list(found.items())
        docs = [_stored(i, None, m) for i, m in pairs]
        return sorted(docs, key=lambda s: s.document.doc_id)

    @_guarded
    def chunks_of(self, doc_ids: Sequence[str]) -> list[Chunk]:
        """The chunks of these documents (to repair a side index), in document order."""
        out: list[Chunk] = []
        for doc_id in doc_ids:
            res = self.chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
            out += sorted(
                (
                    _chunk(cid, text, meta)
                    for cid, text, meta in zip(
                        res["ids"], res["documents"], res["metadatas"], strict=True
                    )
                ),
                key=lambda c: c.n,
            )
        return out

    @_guarded
    def generation(self) -> str:
        """A token that changes with every write: one read tells a reader whether the store
        changed since it last looked (``""`` for a store written before tokens existed)."""
        meta = self.client.get_collection(self.docs.name).metadata or {}
        return str(meta.get("generation", ""))

    @_guarded
    def set_generation(self, token: str) -> None:
        self.docs.modify(metadata={"generation": token})

    @_guarded
    def get_document(self, doc_id: str) -> StoredDocument | None:
        res = self.docs.get(ids=[doc_id], include=["documents", "metadatas"])
        if not res["ids"]:
            return None
        return _stored(res["ids"][0], res["documents"][0], res["metadatas"][0])

    @_guarded
    def list_documents(self) -> list[StoredDocument]:
        res = self.docs.get(include=["documents", "metadatas"])
        docs = [
            _stored(i, t, m)
            for i, t, m in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        ]
        return sorted(docs, key=lambda s: s.document.doc_id)

    @_guarded
    def document_hashes(self) -> list[tuple[str, str]]:
        res = self.docs.get(include=["metadatas"])
        return [
            (i, str(m.get("content_hash", "")))
            for i, m in zip(res["ids"], res["metadatas"], strict=True)
        ]

    def chunk_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for doc_id in self.chunk_ids().values():
            counts[doc_id] = counts.get(doc_id, 0) + 1
        return counts

    @_guarded
    def delete_document(self, doc_id: str) -> None:
        """The record first, then the chunks: a crash in between leaves orphan chunks,
        which the next ingest removes, never a record whose chunks are gone."""
        self.docs.delete(ids=[doc_id])
        self.delete_chunks(doc_id)


def _document_meta(doc: StoredDocument) -> dict[str, Any]:
    d = doc.document
    meta: dict[str, Any] = {
        "title": d.title,
        "language": d.language,
        "source": d.source,
        "content_hash": d.content_hash,
        "authors": json.dumps(d.authors, ensure_ascii=False),
        "spans": json.dumps(d.spans),
        "folder": doc.folder,
    }
    if d.date:
        meta["date"] = d.date
    if d.outlet:
        meta["outlet"] = d.outlet
    if d.photo_credit:
        meta["photo_credit"] = d.photo_credit
    return meta


def _chunk_meta(c: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "doc_id": c.doc_id,
        "n": c.n,
        "start": c.start,
        "end": c.end,
        "sentences": json.dumps(c.sentences),
        "title": c.title,
        "language": c.language,
    }
    if c.date:
        meta["date"] = c.date
    if c.outlet:
        meta["outlet"] = c.outlet
    if c.annotations:
        meta["annotations"] = _ANNOTATIONS.dump_json(c.annotations, exclude_defaults=True).decode()
    return meta


def _chunk(cid: str, text: str | None, m: Any) -> Chunk:
    return Chunk(
        chunk_id=cid,
        doc_id=m["doc_id"],
        n=int(m["n"]),
        text=text or "",
        start=int(m["start"]),
        end=int(m["end"]),
        sentences=[tuple(s) for s in json.loads(m["sentences"])],
        title=m.get("title", ""),
        date=m.get("date"),
        outlet=m.get("outlet"),
        language=m.get("language", "fr"),
        annotations=_ANNOTATIONS.validate_json(m["annotations"]) if m.get("annotations") else [],
    )


def _stored(doc_id: str, text: str | None, m: Any) -> StoredDocument:
    doc = Document(
        doc_id=doc_id,
        title=m.get("title", ""),
        date=m.get("date"),
        outlet=m.get("outlet"),
        authors=json.loads(m.get("authors", "[]")),
        photo_credit=m.get("photo_credit"),
        language=m.get("language", "fr"),
        source=m.get("source", ""),
        content_hash=m.get("content_hash", ""),
        text=text or "",
        spans=[tuple(s) for s in json.loads(m.get("spans", "[]"))],
    )
    return StoredDocument(document=doc, folder=m.get("folder", ""))

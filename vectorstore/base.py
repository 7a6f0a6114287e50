"""The storage seam: chunks with vectors, plus one record per document.

Callers depend on the role they use, not on the whole store: retrieval queries vectors
(``VectorQuery``), the ingest writes (``ChunkWriter``), the facade and the side index read
records (``DocumentRecords``). ``VectorStore`` is all three, as a backend implements them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from pydantic import BaseModel

from rag.schemas import Chunk, Document


class StoredDocument(BaseModel):
    """A document as the store keeps it, with where it was ingested from."""

    document: Document
    folder: str = ""  # the folder it was ingested with; "" for a file named on its own


class VectorQuery(Protocol):
    def nearest_ids(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """(chunk id, score) of the nearest chunks of each vector, best first."""
        ...

    def query_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[Chunk, float]]]:
        """The nearest chunks themselves, for several vectors in one call."""
        ...

    def count(self) -> int: ...


class ChunkWriter(Protocol):
    def upsert_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None: ...

    def delete_chunks(self, doc_id: str) -> None: ...

    def put_documents(self, docs: Sequence[StoredDocument]) -> None:
        """Many records in one write (a store where each write has a fixed cost batches them)."""
        ...

    def put_document(self, doc: StoredDocument) -> None: ...

    def delete_document(self, doc_id: str) -> None:
        """The record first, then its chunks."""
        ...

    def set_generation(self, token: str) -> None:
        """Mark the store changed (see ``DocumentRecords.generation``)."""
        ...


class DocumentRecords(Protocol):
    def get_document(self, doc_id: str) -> StoredDocument | None: ...

    def document_records(
        self, doc_ids: Sequence[str] | None = None, folders: Sequence[str] = ()
    ) -> list[StoredDocument]:
        """Records without their text: all of them, or those with these ids and those
        ingested from these folders."""
        ...

    def document_hashes(self) -> list[tuple[str, str]]:
        """(doc_id, content_hash) of every document: cheap, for change detection."""
        ...

    def chunks_of(self, doc_ids: Sequence[str]) -> list[Chunk]: ...

    def chunk_ids(self) -> dict[str, str]:
        """chunk_id -> doc_id for every chunk (a repair scan, never on a hot path)."""
        ...

    def generation(self) -> str:
        """A token that changes with every write: the O(1) check that a reader is current."""
        ...

    def describe(self) -> str: ...


class VectorStore(VectorQuery, ChunkWriter, DocumentRecords, Protocol):
    """Everything a backend provides."""

"""The storage seam: chunks with vectors, plus one record per document."""

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


class VectorStore(Protocol):
    def upsert_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None: ...

    def delete_chunks(self, doc_id: str) -> None: ...

    def query(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]: ...

    def query_many(self, vectors: np.ndarray, k: int) -> list[list[tuple[Chunk, float]]]:
        """``query`` for several vectors in one call (one round trip to a server)."""
        ...

    def nearest_ids(self, vectors: np.ndarray, k: int) -> list[list[tuple[str, float]]]:
        """(chunk id, score) of the nearest chunks of each vector, best first."""
        ...

    def all_chunks(self) -> list[Chunk]: ...

    def chunk_ids(self) -> dict[str, str]:
        """chunk_id -> doc_id for every chunk in the store."""
        ...

    def count(self) -> int: ...

    def put_document(self, doc: StoredDocument) -> None: ...

    def put_documents(self, docs: Sequence[StoredDocument]) -> None:
        """Many records in one write (a store where each write has a fixed cost batches them)."""
        ...

    def get_document(self, doc_id: str) -> StoredDocument | None: ...

    def list_documents(self) -> list[StoredDocument]: ...

    def document_hashes(self) -> list[tuple[str, str]]:
        """(doc_id, content_hash) of every document: cheap, for change detection."""
        ...

    def chunk_counts(self) -> dict[str, int]: ...

    def delete_document(self, doc_id: str) -> None: ...

    def describe(self) -> str: ...

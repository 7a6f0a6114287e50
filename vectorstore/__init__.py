"""Vector stores behind one small Protocol; Chroma (embedded or server) is the one we ship."""

from vectorstore.base import StoredDocument, VectorStore

__all__ = ["StoredDocument", "VectorStore"]

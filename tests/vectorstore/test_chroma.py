"""The Chroma store, embedded and as a real `chroma run` server: cosine space, document
records, and the seeds ingested with the real embedder giving the same corpus in both."""

from __future__ import annotations

import uuid
from operator import attrgetter
from pathlib import Path

import numpy as np
import pytest

from rag.container import build_ingestor
from rag.errors import StoreUnavailable
from rag.ingest import embed_text
from rag.schemas import Chunk, Document
from tests.conftest import SEEDS, free_port
from vectorstore.base import StoredDocument
from vectorstore.chroma import ChromaStore

QUESTION = "Qui représente Donald Trump à la réunion de Paris ?"


def chunk(doc_id: str, n: int, text: str) -> Chunk:
    return Chunk(
        chunk_id=f"{doc_id}#{n}",
        doc_id=doc_id,
        n=n,
        text=text,
        start=10 * n,
        end=10 * n + len(text),
        sentences=[(10 * n, 10 * n + len(text))],
        title="Titre",
        date="2026-01-06",
        outlet="Reuters",
    )


def unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


@pytest.fixture()
def embedded(tmp_path: Path) -> ChromaStore:
    return ChromaStore.connect("articles", tmp_path / "chroma")


def test_chunk_collection_uses_cosine_space(embedded: ChromaStore):
    assert embedded.chunks.metadata["hnsw:space"] == "cosine"
    a, b = unit([1, 0, 0, 0]), unit([0, 1, 0, 0])
    embedded.upsert_chunks([chunk("d", 0, "a"), chunk("d", 1, "b")], np.stack([a, b]))
    # A scaled query has cosine distance 0 to its direction; l2 or inner product would not.
    (top, score), (_, other) = embedded.query(3.0 * a, 2)
    assert top.chunk_id == "d#0"
    assert score == pytest.approx(1.0, abs=1e-5)
    assert other == pytest.approx(0.0, abs=1e-5)


def test_chunks_round_trip_with_offsets_and_metadata(embedded: ChromaStore):
    chunks = [chunk("d", n, f"phrase {n}") for n in range(3)]
    embedded.upsert_chunks(chunks, np.stack([unit([1, n, 0, 0]) for n in range(3)]))
    assert sorted(embedded.all_chunks(), key=lambda c: c.n) == chunks
    assert embedded.chunk_ids() == {c.chunk_id: "d" for c in chunks}
    assert embedded.chunk_counts() == {"d": 3}


def test_document_records_batch_write_and_delete(embedded: ChromaStore):
    docs = [
        StoredDocument(
            document=Document(
                doc_id=f"doc{i}",
                title=f"Titre {i}",
                date="2026-01-06" if i else None,
                outlet="Reuters" if i else None,
                authors=["John Irish"],
                content_hash=f"h{i}",
                text=f"Texte {i}. Suite.",
                spans=[(0, 8), (9, 15)],
            ),
            folder="/tmp/articles",
        )
        for i in range(3)
    ]
    embedded.put_documents(docs)
    assert embedded.list_documents() == docs
    assert sorted(embedded.document_hashes()) == [("doc0", "h0"), ("doc1", "h1"), ("doc2", "h2")]
    embedded.upsert_chunks([chunk("doc1", 0, "x")], unit([1, 0, 0, 0])[None, :])
    embedded.delete_document("doc1")
    assert embedded.get_document("doc1") is None
    assert embedded.chunk_ids() == {}
    assert [d.document.doc_id for d in embedded.list_documents()] == ["doc0", "doc2"]


def test_unreachable_server_names_host_and_port():
    port = free_port()
    with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{port}"):
        ChromaStore.connect("articles", host="127.0.0.1", port=port)


@pytest.mark.slow
def test_seeds_give_the_same_corpus_embedded_and_on_a_chroma_server(
    make_settings, embedder, chroma_server, tmp_path: Path
):
    host, port = chroma_server
    collection = f"test-{uuid.uuid4().hex[:12]}"  # the server is shared by the session
    stores = {
        "embedded": ChromaStore.connect(collection, tmp_path / "embedded"),
        "server": ChromaStore.connect(collection, host=host, port=port),
    }
    assert stores["server"].describe() == f"Chroma server at {host}:{port}"
    summaries = {}
    for name, store in stores.items():
        s = make_settings(data_dir=tmp_path / name, collection=collection)
        summaries[name] = build_ingestor(s, store, embedder).sync([SEEDS], progress=False)
    assert summaries["embedded"].added == summaries["server"].added
    assert len(summaries["server"].added) == 5
    assert summaries["server"].chunks_embedded == summaries["embedded"].chunks_embedded > 0

    emb, srv = stores["embedded"], stores["server"]
    assert srv.chunks.metadata["hnsw:space"] == "cosine"
    assert [d.document for d in srv.list_documents()] == [d.document for d in emb.list_documents()]
    by_id = attrgetter("chunk_id")
    assert sorted(srv.all_chunks(), key=by_id) == sorted(emb.all_chunks(), key=by_id)
    assert srv.count() == emb.count()
    vectors = {}
    for name, store in stores.items():
        got = store.chunks.get(include=["embeddings"])
        order = np.argsort(got["ids"])
        vectors[name] = np.asarray(got["embeddings"])[order]
    assert np.allclose(np.linalg.norm(vectors["server"], axis=1), 1.0, atol=1e-4)  # normalised
    assert np.allclose(vectors["server"], vectors["embedded"], atol=1e-5)

    vector = embedder.embed_query(QUESTION)
    top_emb, top_srv = emb.query(vector, 5), srv.query(vector, 5)
    assert top_srv[0][0] == top_emb[0][0]
    assert [c.chunk_id for c, _ in top_srv] == [c.chunk_id for c, _ in top_emb]
    assert [s for _, s in top_srv] == pytest.approx([s for _, s in top_emb], abs=1e-4)

    # each chunk's stored vector is its own embedding: querying with it finds it first
    probe = sorted(emb.all_chunks(), key=by_id)[20]
    again = embedder.embed([embed_text(probe)])[0]
    for store in (emb, srv):
        (found, score), *_ = store.query(again, 3)
        assert found.chunk_id == probe.chunk_id and score == pytest.approx(1.0, abs=1e-4)

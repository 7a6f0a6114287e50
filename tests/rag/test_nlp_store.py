"""Annotations travel with the chunks: written at ingest (real embedder, real spaCy, an
embedded Chroma), read back from Chroma and from the keyword index's file, and handed to
the answerer on every retrieved passage. A missing pipeline stops ingest with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answering.corpus import CorpusView
from rag.chunking import chunk_document
from rag.container import build_annotator, build_ingestor, build_store
from rag.documents import load_document
from rag.errors import ModelUnavailable
from rag.ingest import Ingestor
from rag.retrieval import HybridRetriever
from rag.schemas import Chunk
from tests.conftest import run_cli

ARTICLE = """Valbourg : Jeanne Morvel nommée à la tête du conseil

Jeanne Morvel a été nommée mardi par le conseil de Valbourg, en l'absence de Paul Trennec.

Le conseil supprimera 2.389 emplois et consacrera 3,5 millions d'euros à la reconversion.

Vingt-six communes ont signé l'accord le 18 avril. Paul Trennec n'était pas présent.
"""


def write_article(folder: Path, text: str = ARTICLE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "valbourg.txt"
    path.write_text(text, encoding="utf-8")
    return path


def by_id(chunks: list[Chunk]) -> dict[str, Chunk]:
    return {c.chunk_id: c for c in chunks}


def test_annotations_round_trip_through_chroma_the_index_file_and_retrieval(
    make_settings, embedder, tmp_path: Path
):
    s = make_settings(chroma_host=None)
    path = write_article(tmp_path / "articles")
    ingestor = build_ingestor(s, build_store(s), embedder)
    ingestor.sync([path.parent], progress=False)

    doc = load_document(path)
    want = chunk_document(doc, s.chunk_tokens, s.chunk_overlap_sentences, embedder.count_tokens)
    annotator = build_annotator(s)
    for c in want:
        c.annotations = annotator.annotate(doc, c.sentences)
        assert len(c.annotations) == len(c.sentences) > 0

    stored = by_id(ingestor.store.all_chunks())
    assert {cid: c.annotations for cid, c in stored.items()} == {
        c.chunk_id: c.annotations for c in want
    }
    mentions = [m for c in want for a in c.annotations for m in a.mentions]
    assert {"PER", "NUM", "MONEY", "DATE"} <= {m.kind for m in mentions}
    assert any(m.negated for m in mentions) and any(m.value == "2389" for m in mentions)

    # the corpus index beside the store holds the same chunks, annotations included
    index = ingestor.refresh_lexical()
    assert by_id(index.all_chunks()) == stored

    # a dense hit carries them too
    vector = embedder.embed_query("Qui a nommé Jeanne Morvel ?")
    (hit, _), *_ = ingestor.store.query(vector, 3)
    assert hit.annotations == stored[hit.chunk_id].annotations

    # and the answerer reads each retrieved passage's sentences from the index, with no
    # language pipeline (they are not in the public JSON)
    retriever = HybridRetriever(embedder, ingestor.store, ingestor.refresh_lexical)
    passages = retriever.retrieve("Qui a nommé Jeanne Morvel ?").passages
    corpus = CorpusView(index)
    assert passages
    for p in passages:
        readings = [corpus.annotation(p.doc_id, a) for a, _ in p.sentences]
        assert readings == stored[p.chunk_id].annotations
        assert "annotations" not in p.model_dump()


def test_the_seeds_are_annotated_sentence_by_sentence(seeded_settings):
    chunks = build_store(seeded_settings).all_chunks()
    assert chunks
    for c in chunks:
        assert [(a.start, a.end) for a in c.annotations] == [tuple(s) for s in c.sentences]
        assert all(a.lemmas for a in c.annotations), c.chunk_id
    mentions = [m for c in chunks for a in c.annotations for m in a.mentions]
    assert {"PER", "LOC", "NUM", "DATE"} <= {m.kind for m in mentions}
    assert sum(len(a.predicates) for c in chunks for a in c.annotations) > len(chunks)


def test_documents_stored_without_annotations_are_read_again(
    make_settings, embedder, tmp_path: Path
):
    s = make_settings(chroma_host=None)
    path = write_article(tmp_path / "articles")
    store = build_store(s)
    Ingestor(embedder, store, s.lexical_path).sync([path.parent], progress=False)  # no layer
    assert all(not c.annotations for c in store.all_chunks())

    summary = build_ingestor(s, store, embedder).sync([path.parent], progress=False)
    assert summary.updated == ["valbourg"] and summary.unchanged == []
    assert all(len(c.annotations) == len(c.sentences) for c in store.all_chunks())
    again = build_ingestor(s, store, embedder).sync([path.parent], progress=False)
    assert again.unchanged == ["valbourg"] and again.updated == []


def test_documents_read_by_an_older_language_layer_are_read_again(
    make_settings, embedder, tmp_path: Path
):
    """What the layer stores changes with ``LAYER_VERSION``: an article an older version
    read is read again by the next ingest, once."""
    import sqlite3

    from rag.nlp import LAYER_VERSION

    s = make_settings(chroma_host=None)
    path = write_article(tmp_path / "articles")
    store = build_store(s)
    build_ingestor(s, store, embedder).sync([path.parent], progress=False)
    with sqlite3.connect(s.lexical_path / "corpus.db") as db:  # as the previous version left it
        db.execute("UPDATE docs SET annotated = ?", (LAYER_VERSION - 1,))
    summary = build_ingestor(s, store, embedder).sync([path.parent], progress=False)
    assert summary.updated == ["valbourg"] and summary.unchanged == []
    again = build_ingestor(s, store, embedder).sync([path.parent], progress=False)
    assert again.unchanged == ["valbourg"] and again.updated == []


def test_a_missing_pipeline_stops_ingest_and_keeps_the_old_version(
    make_settings, embedder, tmp_path: Path
):
    s = make_settings(chroma_host=None)
    path = write_article(tmp_path / "articles")
    build_ingestor(s, build_store(s), embedder).sync([path.parent], progress=False)
    before = by_id(build_store(s).all_chunks())

    write_article(path.parent, ARTICLE.replace("2.389", "1.204"))
    broken = make_settings(chroma_host=None, nlp_fr="xx_missing_pipeline_md")
    with pytest.raises(ModelUnavailable, match=r"pip install xx-missing-pipeline-md"):
        build_ingestor(broken, build_store(broken), embedder).sync([path.parent], progress=False)
    assert by_id(build_store(s).all_chunks()) == before


def test_cli_names_the_package_to_install(tmp_path: Path):
    path = write_article(tmp_path / "articles")
    env = {
        "RAG_DATA_DIR": str(tmp_path / "data"),
        "RAG_CHROMA_HOST": "",
        "RAG_NLP_FR": "xx_missing_pipeline_md",
    }
    result = run_cli("ingest", str(path.parent), env=env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: the French language pipeline 'xx_missing_pipeline_md' (RAG_NLP_FR) is not "
        "installed: pip install xx-missing-pipeline-md"
    ]

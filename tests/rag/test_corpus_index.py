"""The corpus index beside the store: incremental per document, the same as a rebuild."""

from __future__ import annotations

import pytest

from rag.container import build_store
from rag.corpus_index import CorpusIndex
from rag.lexical import analyze_query
from rag.schemas import Chunk, Document

QUESTIONS = [
    ("Who represented Trump in Paris?", "en"),
    ("Combien de pays sont prêts à envoyer des troupes ?", "fr"),
    ("garanties de sécurité", "fr"),
    ("Macron Starmer Zelensky", "en"),
    ("What did the coalition agree on?", "en"),
    ("Quel montant la Commission européenne veut-elle prêter ?", "fr"),
]


@pytest.fixture(scope="module")
def seeds(seeded_settings):
    """The seed articles and their annotated chunks, as the store holds them."""
    store = build_store(seeded_settings)
    chunks: dict[str, list[Chunk]] = {}
    for c in sorted(store.all_chunks(), key=lambda c: (c.doc_id, c.n)):
        chunks.setdefault(c.doc_id, []).append(c)
    docs = {d.document.doc_id: d.document for d in store.list_documents()}
    return docs, chunks


def results(index: CorpusIndex) -> list[list[tuple[str, float]]]:
    view = index.view()
    return [
        [(c.chunk_id, score) for c, score in view.search(analyze_query(q, lang), 10)]
        for q, lang in QUESTIONS
    ]


def state(index: CorpusIndex) -> tuple:
    """Everything a question reads besides the search: sentences, names, texts, counts."""
    view = index.view()
    docs = sorted(index.documents())
    return (
        index.documents(),
        index.chunk_counts(),
        {d: view.sentence_annotations(d) for d in docs},
        {d: view.texts[d] for d in docs},
        {n: view.name_kinds(n) for n in ("steve witkoff", "paris", "ukraine", "macron")},
        sorted(view.name_vocabulary()),
        [view.idf(t) for t in ("ukrain", "witkoff", "~zzzzz")],
    )


def test_adding_and_removing_one_article_at_a_time_matches_a_full_rebuild(seeds, tmp_path):
    docs, chunks = seeds
    ids = sorted(docs)
    full = CorpusIndex(tmp_path / "full")
    full.apply([(docs[d], chunks[d]) for d in ids], [], "g1")

    piecewise = CorpusIndex(tmp_path / "piecewise")
    for d in ids:
        piecewise.apply([(docs[d], chunks[d])], [], None)
    assert results(piecewise) == results(full)
    assert state(piecewise) == state(full)

    # remove one article, then add it back: the same as never having removed it
    piecewise.apply([], [ids[2]], None)
    without = CorpusIndex(tmp_path / "without")
    without.apply([(docs[d], chunks[d]) for d in ids if d != ids[2]], [], None)
    assert results(piecewise) == results(without)
    assert state(piecewise) == state(without)
    assert all(not c.startswith(ids[2]) for hits in results(piecewise) for c, _ in hits)
    piecewise.apply([(docs[ids[2]], chunks[ids[2]])], [], "g2")
    assert results(piecewise) == results(full)
    assert state(piecewise) == state(full)
    assert piecewise.generation == "g2" and len(piecewise) == sum(map(len, chunks.values()))


def test_an_updated_article_replaces_its_old_version(seeds, tmp_path):
    docs, chunks = seeds
    index = CorpusIndex(tmp_path / "ix")
    index.apply([(d, chunks[i]) for i, d in docs.items()], [], None)
    doc_id = sorted(docs)[0]
    text = "Un nouveau texte sur les pingouins de l'Antarctique."
    new = Document(doc_id=doc_id, title="Pingouins", text=text, content_hash="new")
    chunk = Chunk(
        chunk_id=f"{doc_id}#0", doc_id=doc_id, n=0, text=text, start=0, end=len(text),
        sentences=[(0, len(text))], title="Pingouins",
    )  # fmt: skip
    index.apply([(new, [chunk])], [], None)
    view = index.view()
    hits = view.search(analyze_query("pingouins Antarctique", "fr"), 5)
    assert [c.chunk_id for c, _ in hits] == [f"{doc_id}#0"]
    assert index.chunk_counts()[doc_id] == 1 and index.documents()[doc_id] == "new"
    assert view.texts[doc_id] == text
    assert all(c.doc_id != doc_id for c, _ in view.search(analyze_query(*QUESTIONS[0]), 10))


def test_a_name_finds_the_corpus_spelling(tmp_path):
    text = "Vladimir Poutine a reçu les émissaires à Moscou."
    doc = Document(doc_id="d1", title="t", text=text)
    chunk = Chunk(
        chunk_id="d1#0", doc_id="d1", n=0, text=text, start=0, end=len(text),
        sentences=[(0, len(text))], title="t",
    )  # fmt: skip
    index = CorpusIndex(tmp_path / "ix")
    index.apply([(doc, [chunk])], [], None)
    view = index.view()
    assert "poutin" in view.spellings("putin")
    assert view.spellings("poutin") == []  # already the corpus's own
    assert view.spellings("zzzz") == []
    assert view.idf("~zzzzz") > view.idf("poutin") > 0  # a word never used weighs most
    assert "poutin" in view.vocab and "putin" not in view.vocab

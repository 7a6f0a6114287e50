"""Sentence splitting and chunking: whole sentences, exact offsets, stable ids, chunks that
fit the embedder (checked with its real tokenizer), and sentence overlap."""

from __future__ import annotations

import pytest

from rag.chunking import approx_tokens, chunk_document, document_sentences, split_sentences
from rag.documents import load_document, parse_document
from rag.ingest import embed_text
from rag.schemas import Chunk, Document
from tests.conftest import SEEDS

SEED_DOCS = [load_document(p) for p in sorted(SEEDS.glob("*.txt"))]
IDS = [d.doc_id[:3] for d in SEED_DOCS]


def sentences_of(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def model_tokens(embedder, texts: list[str]) -> list[int]:
    """Word pieces as the model itself counts them, special tokens included."""
    enc = embedder.model.tokenizer(texts, add_special_tokens=True, truncation=False)
    return [len(ids) for ids in enc["input_ids"]]


# --- sentences --------------------------------------------------------------------


def test_titles_and_abbreviations_do_not_end_sentences():
    assert sentences_of("M. Trump a parlé. Mme Dupont aussi. Le Dr. Martin n'a rien dit.") == [
        "M. Trump a parlé.",
        "Mme Dupont aussi.",
        "Le Dr. Martin n'a rien dit.",
    ]
    assert sentences_of("Les États-Unis (U.S.) ont parlé. J.-C. Decaux aussi.") == [
        "Les États-Unis (U.S.) ont parlé.",
        "J.-C. Decaux aussi.",
    ]


def test_a_month_abbreviation_before_a_date_does_not_end_a_sentence():
    text = "They met on Feb. 18, 2019 in Valbourg. Ils se sont revus le 3 janv. 2020 à Kerlan. Fin."
    got = [text[a:b] for a, b in split_sentences(text)]
    assert got == [
        "They met on Feb. 18, 2019 in Valbourg.",
        "Ils se sont revus le 3 janv. 2020 à Kerlan.",
        "Fin.",
    ]


def test_sentences_end_after_closing_quotes_and_other_marks():
    assert sentences_of(
        'Il a dit "oui". "La contribution sera précisée", a-t-il déclaré. Fin.'
    ) == [
        'Il a dit "oui".',
        '"La contribution sera précisée", a-t-il déclaré.',
        "Fin.",
    ]
    assert sentences_of("Il a parlé… Puis rien ! Vraiment ? « Oui », dit-il.") == [
        "Il a parlé…",
        "Puis rien !",
        "Vraiment ?",
        "« Oui », dit-il.",
    ]


def test_m_trump_stays_whole_in_seed_002():
    doc = next(d for d in SEED_DOCS if d.doc_id.startswith("002"))
    sents = [doc.text[a:b] for a, b in document_sentences(doc)]
    assert any(s.startswith("M. Trump devait s'entretenir par téléphone") for s in sents)
    assert any(s.endswith("souhaitent vivement que M. Trump le confirme.") for s in sents)
    assert not any(s.endswith(" M.") or s == "M." for s in sents)


def test_split_sentences_respects_bounds_and_trims():
    text = "  Avant. Dedans une phrase.  Et une autre !  Après."
    start, end = text.index("Dedans"), text.index("Après")
    assert [text[a:b] for a, b in split_sentences(text, start, end)] == [
        "Dedans une phrase.",
        "Et une autre !",
    ]


# --- chunks of the seeds ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_chunks(embedder) -> dict[str, list[Chunk]]:
    return {d.doc_id: chunk_document(d, 128, 1, embedder.count_tokens) for d in SEED_DOCS}


@pytest.mark.parametrize("doc", SEED_DOCS, ids=IDS)
def test_chunks_map_back_to_the_original_text(doc: Document, seed_chunks):
    chunks = seed_chunks[doc.doc_id]
    assert chunks
    for c in chunks:
        assert c.text == " ".join(" ".join(doc.text[a:b].split()) for a, b in c.sentences)
        assert (c.start, c.end) == (c.sentences[0][0], c.sentences[-1][1])
        for a, b in c.sentences:
            assert any(s <= a < b <= e for s, e in doc.spans), "sentence outside kept text"
            assert doc.text[a:b] == doc.text[a:b].strip()


@pytest.mark.parametrize("doc", SEED_DOCS, ids=IDS)
def test_chunk_ids_metadata_and_coverage(doc: Document, seed_chunks):
    chunks = seed_chunks[doc.doc_id]
    assert [c.chunk_id for c in chunks] == [f"{doc.doc_id}#{n}" for n in range(len(chunks))]
    assert [c.n for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert (c.doc_id, c.title, c.date, c.outlet, c.language) == (
            doc.doc_id,
            doc.title,
            doc.date,
            doc.outlet,
            doc.language,
        )
    covered = [s for c in chunks for s in c.sentences]
    assert sorted(set(covered)) == document_sentences(doc), "every sentence is in a chunk"


def test_chunk_carries_the_document_date(seed_chunks):
    chunks = next(cs for doc_id, cs in seed_chunks.items() if doc_id.startswith("001"))
    assert {c.date for c in chunks} == {"2026-01-06"}


def test_chunking_is_deterministic(embedder, seed_chunks):
    for doc in SEED_DOCS:
        assert chunk_document(doc, 128, 1, embedder.count_tokens) == seed_chunks[doc.doc_id]


# --- sizes, with the model's own tokenizer ------------------------------------------------


def test_fast_token_counts_equal_the_models_tokenizer(embedder):
    texts = [d.text[a:b] for d in SEED_DOCS for a, b in document_sentences(d)]
    texts += [d.text for d in SEED_DOCS]  # long texts too: no truncation in either
    assert embedder.count_tokens(texts) == model_tokens(embedder, texts)


@pytest.mark.parametrize("max_tokens", [32, 64, 128, 200])
def test_no_chunk_exceeds_the_budget_unless_single_sentence(embedder, max_tokens: int):
    for doc in SEED_DOCS:
        chunks = chunk_document(doc, max_tokens, 1, embedder.count_tokens)
        sizes = model_tokens(embedder, [c.text for c in chunks])
        for c, size in zip(chunks, sizes, strict=True):
            assert size <= max_tokens or len(c.sentences) == 1, (c.chunk_id, size)


def test_chunks_are_filled_greedily(embedder):
    """A chunk stops only when its next sentence would not fit: chunks are not needlessly small."""
    for doc in SEED_DOCS:
        sentences = document_sentences(doc)
        counts = embedder.count_tokens([doc.text[a:b] for a, b in sentences])
        sizes = dict(zip(sentences, counts, strict=True))
        chunks = chunk_document(doc, 128, 1, embedder.count_tokens)
        for c in chunks[:-1]:
            nxt = sentences[sentences.index(c.sentences[-1]) + 1]
            assert sum(sizes[s] for s in c.sentences) + sizes[nxt] > 128


def test_what_is_embedded_fits_the_model_window(embedder, seed_chunks):
    """Title + chunk text stays within MiniLM's 256 pieces, so nothing is silently cut."""
    limit = embedder.model.max_seq_length
    assert limit == 256
    chunks = [c for cs in seed_chunks.values() for c in cs]
    sizes = model_tokens(embedder, [embed_text(c) for c in chunks])
    assert max(sizes) <= limit


def test_a_sentence_longer_than_the_budget_is_a_chunk_of_its_own():
    long = "Les dirigeants " + "très " * 200 + "ont parlé."
    text = f"Court titre\n\nUne phrase. {long} Une autre phrase."
    doc = parse_document("long", text, text.encode())
    chunks = chunk_document(doc, 64, 1)
    span = (text.index(long), text.index(long) + len(long))
    assert [c.sentences for c in chunks if span in c.sentences] == [[span]]
    assert chunks[-1].text == "Une autre phrase."


# --- overlap -----------------------------------------------------------------------------


@pytest.mark.parametrize("overlap", [0, 1, 2])
def test_consecutive_chunks_share_overlap_sentences(embedder, overlap: int):
    max_tokens = 64
    repeated = 0
    for doc in SEED_DOCS:
        all_sentences = document_sentences(doc)
        chunks = chunk_document(doc, max_tokens, overlap, embedder.count_tokens)
        assert len(chunks) > 2
        for a, b in zip(chunks, chunks[1:], strict=False):
            shared = len(set(b.sentences) & set(a.sentences))
            assert shared <= overlap
            # the repeated sentences are a's tail, then b goes on where a stopped
            assert b.sentences[:shared] == a.sentences[len(a.sentences) - shared :]
            assert (
                all_sentences.index(b.sentences[shared]) == all_sentences.index(a.sentences[-1]) + 1
            )
            if shared < min(overlap, len(a.sentences) - 1):
                # one more repeated sentence would not have fit beside the new one
                more = a.sentences[len(a.sentences) - shared - 1 :] + [b.sentences[shared]]
                sizes = embedder.count_tokens([doc.text[x:y] for x, y in more])
                assert sum(sizes) > max_tokens
            repeated += shared
        if overlap == 0:
            flat = [s for c in chunks for s in c.sentences]
            assert flat == all_sentences
    assert (repeated > 0) == (overlap > 0)


def test_no_chunk_is_only_its_neighbours_overlap(embedder):
    for doc in SEED_DOCS:
        chunks = chunk_document(doc, 128, 1, embedder.count_tokens)
        for a, b in zip(chunks, chunks[1:], strict=False):
            assert not set(b.sentences) <= set(a.sentences), b.chunk_id


def test_overlap_repeats_the_boundary_sentence_in_seed_text(embedder):
    doc = SEED_DOCS[2]
    chunks = chunk_document(doc, 128, 1, embedder.count_tokens)
    multi = [
        (a, b)
        for a, b in zip(chunks, chunks[1:], strict=False)
        if len(a.sentences) > 1 and b.sentences[0] in a.sentences
    ]
    assert multi
    for a, b in multi:
        last = " ".join(doc.text[slice(*a.sentences[-1])].split())
        assert a.text.endswith(last) and b.text.startswith(last)


# --- without a tokenizer ---------------------------------------------------------------------


def test_approximate_counter_and_empty_document():
    assert approx_tokens(["", "a" * 32]) == [2, 12]
    doc = Document(doc_id="empty", title="", text="   ", spans=[])
    assert chunk_document(doc) == []

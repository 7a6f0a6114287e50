"""The French/English analyzer and the keyword index."""

from __future__ import annotations

from rag.lexical import LexicalIndex, analyze, analyze_query, fold, words
from rag.schemas import Chunk


def test_elisions_accents_and_stopwords():
    toks = words("L'Élysée a confirmé qu'il s'agit de l'Ukraine")
    assert "l" not in toks and "qu" not in toks and "de" not in toks
    assert "élysée" in toks and "ukraine" in toks
    assert fold("Élysée") == "elysee"


def test_stems_fold_accents():
    assert analyze("garanties")[0] == analyze("garantie")[0]
    assert analyze("représenté")[0] == analyze("représentés")[0]
    assert "represent" in analyze("représenté")[0]


def test_number_words_become_digits():
    assert "26" in analyze("Vingt-six pays")
    assert "26" in analyze("twenty-six countries")


def test_english_cognates_meet_french_words():
    # the prefix token lets "represented" meet "représenté", "deployed" meet "déploiement"
    assert set(analyze("represented")) & set(analyze("représenté"))
    assert set(analyze("deployment")) & set(analyze("déploiement"))


def test_english_query_expands_to_french():
    q = analyze_query("How many troops?", "en")
    assert any(t.startswith("troup") for t in q.main + q.expanded)
    q = analyze_query("What did Germany and the United States agree?", "en")
    assert {"allemagn", "etat", "unis"} <= set(q.main)  # territories count in full
    assert analyze_query("Combien de troupes ?", "fr").expanded == []


def test_a_name_finds_the_corpus_spelling():
    idx = LexicalIndex([_chunk(1, "Vladimir Poutine a reçu les émissaires à Moscou.")], "fp")
    assert "poutin" in idx.spellings("putin")
    assert idx.spellings("poutin") == []  # already the corpus's own
    assert idx.spellings("zzzz") == []


def _chunk(i: int, text: str) -> Chunk:
    return Chunk(
        chunk_id=f"d{i}#0",
        doc_id=f"d{i}",
        n=0,
        text=text,
        start=0,
        end=len(text),
        sentences=[(0, len(text))],
        title="t",
    )


def test_index_ranks_and_roundtrips(tmp_path):
    chunks = [
        _chunk(0, "Steve Witkoff rencontrera Poutine à Moscou."),
        _chunk(1, "Le sommet s'est ouvert jeudi à Paris."),
        _chunk(2, "Les garanties de sécurité pour l'Ukraine."),
    ]
    idx = LexicalIndex(chunks, "fp1")
    hits = idx.search(analyze_query("Who will Witkoff meet in Moscow?", "en"), 3)
    assert hits[0][0].chunk_id == "d0#0"
    assert idx.idf("~zzzzz") > idx.idf("witkoff") > 0  # a word the corpus never uses weighs most
    idx.save(tmp_path / "ix")
    again = LexicalIndex.load(tmp_path / "ix")
    assert again is not None and again.fingerprint == "fp1"
    assert [
        c.chunk_id for c, _ in again.search(analyze_query("garanties de sécurité", "fr"), 1)
    ] == ["d2#0"]
    assert again.doc_sentences["d1"] == [(0, len(chunks[1].text))]


def test_broken_index_is_rebuilt_not_fatal(tmp_path):
    (tmp_path / "ix").mkdir()
    (tmp_path / "ix" / "meta.json").write_text("{not json")
    assert LexicalIndex.load(tmp_path / "ix") is None

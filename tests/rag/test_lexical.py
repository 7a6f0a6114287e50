"""The French/English analyzer (the index over it: test_corpus_index)."""

from __future__ import annotations

from rag.lexical import analyze, analyze_query, fold, words


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
    # hundreds compose: "cent douze drones" is 112 drones, not 100 and 12
    assert words("cent douze drones")[0] == "112"
    assert words("deux cent cinquante missiles")[0] == "250"
    assert words("one hundred and twelve drones")[0] == "112"
    assert words("deux cent vingt-trois")[0] == "223"
    assert words("des centaines au centre") == ["centaines", "centre"]


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

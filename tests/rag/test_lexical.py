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


def test_multi_word_expressions_take_their_one_word_rendering():
    """ "chief executive" is not "chef" + "exécutif" but PDG; each word of the expression
    takes the rendering, a plural last word too, and words outside it do not."""
    from rag.lexical import phrase_translations

    found = phrase_translations("The rail workers said the chief executives had left.", "en")
    assert "PDG" in found["chief"] and "PDG" in found["executives"]
    assert "cheminots" in found["rail"] and "said" not in found
    assert "custody" in phrase_translations("placé en garde à vue mardi", "fr")["garde"]
    assert phrase_translations("the chief of the executive board", "en") == {}


def test_an_english_question_meets_a_french_word_through_an_expression():
    """The question's terms (the answerer), the claim's words (the verifier) and the
    passage's translations (the verifier, the other way) all carry it."""
    from rag.answering.candidates import match_tokens
    from rag.answering.question import analyze_question
    from rag.answering.verify import BACK, text_tokens
    from rag.lexical import query_words

    pdg = set(match_tokens("PDG"))
    q = analyze_question("Who was the SNCF chief executive quoted about the strike?", "en")
    assert pdg <= next(t for t in q.terms if t.word == "executive").translations
    claim = {w.word: w for w in query_words("The chief executive resigned.", "en")}
    assert set(analyze("PDG")) <= claim["executive"].translations
    assert {BACK + t for t in analyze("PDG")} <= text_tokens("The chief executive left.", "en")
    assert {BACK + t for t in analyze("custody")} <= text_tokens("Il est en garde à vue.", "fr")


def test_the_expression_tables_are_well_formed():
    from rag.lexical import PHRASES, table_rows

    for lang, name in PHRASES.items():
        rows = table_rows(name)
        assert len(rows) > 1000, name
        heads = [fold(h) for h, _ in rows]
        assert len(heads) == len(set(heads)), f"{name}: an expression twice"
        for head, renderings in rows:
            assert 2 <= len(head.split()) <= 4 or "-" in head, (name, head)
            assert renderings and all(r.strip() for r in renderings), (name, head)
        assert any(" " not in r for _, rs in rows for r in rs), lang


def test_news_french_words_translate_both_ways():
    """ "l'édile" is the mayor: the French word gives "mayor", and "mayor" meets it back;
    an expression of several words is not read back (its words alone match too widely)."""
    from rag.answering import bilingual
    from rag.lexical import SYNONYMS, table_rows

    assert "mayor" in bilingual.translate("édile", "fr")
    assert "édile" in bilingual.translate("mayor", "en")
    assert "prévenu" in bilingual.translate("defendant", "en")
    several = [(h, ts) for h, ts in table_rows(SYNONYMS) if " " in h]
    assert several, "the table has expressions of several words"
    head, renderings = several[0]
    assert head not in bilingual.translate(renderings[0], "en")
    rows = table_rows(SYNONYMS)
    heads = [fold(h) for h, _ in rows]
    assert len(rows) > 300 and len(heads) == len(set(heads))
    assert all(1 <= len(ts) <= 3 and all(t.strip() for t in ts) for _, ts in rows)


def test_a_french_question_meets_the_news_french_synonyms_of_its_words():
    """ "maire" is "mayor", which news French also writes "édile": the keyword side of a
    French question adds the synonyms of its translation, as an English question's "mayor"
    already meets "édile"."""
    from rag.answering.bilingual import translated_query
    from rag.lexical import news_synonyms
    from rag.retrieval import french_expansion

    english = translated_query("Qui est le maire de Lerrain ?", "fr")
    assert "édile" in news_synonyms(english)
    assert analyze("édile")[0] in french_expansion(english)
    assert news_synonyms("bridge river") == []

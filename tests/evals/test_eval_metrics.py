"""The scoring functions: each is small, but a wrong one silently skews every report."""

from __future__ import annotations

import pytest

from evals.metrics import (
    answer_sentences,
    citation_correct,
    contains_answers,
    contains_group,
    content_tokens,
    context_has_answer,
    grounded_exact,
    grounded_support,
    hit_at_k,
    normalize,
    percentile,
    reciprocal_rank,
    short_exact,
    summarize,
    support_score,
)

# --- normalize ---------------------------------------------------------------


def test_normalize_folds_case_accents_and_spacing() -> None:
    assert normalize("  L'ÉLYSÉE\u00a0a   annoncé\n mardi ") == "l'elysee a annonce mardi"


def test_normalize_unifies_apostrophes_and_quotes() -> None:
    assert normalize("l’armée « réassurance » “x” ‘y’") == 'l\'armee " reassurance " "x" \'y\''


def test_normalize_keeps_hyphens_and_folds_non_breaking_ones() -> None:
    assert normalize("Vingt\u2011six") == "vingt-six"
    assert normalize("cessez-le-feu") == "cessez-le-feu"


def test_normalize_empty() -> None:
    assert normalize("") == ""
    assert normalize(" \n\t ") == ""


# --- contains_group / contains_answers ----------------------------------------


def test_contains_group_ignores_case_and_accents() -> None:
    assert contains_group("Le plan a été amendé à GENEVE.", ["Genève"])
    assert contains_group("rencontre à Genève", ["geneve"])


def test_contains_group_any_alias_matches() -> None:
    assert contains_group("He will meet Putin in Moscow", ["Poutine", "Putin"])
    assert not contains_group("He will meet Xi in Beijing", ["Poutine", "Putin"])


def test_contains_group_numbers_need_word_boundaries() -> None:
    assert contains_group("26 pays sont prêts", ["26"])
    assert not contains_group("126 pays", ["26"])
    assert not contains_group("pays 262", ["26"])
    assert contains_group("(26)", ["26"])
    assert contains_group("Vingt-six pays", ["26", "vingt-six"])


def test_contains_group_words_need_word_boundaries() -> None:
    assert not contains_group("the Rubios", ["Rubio"])
    assert contains_group("Marco Rubio, secrétaire d'État", ["Rubio"])
    assert contains_group("l'Europe décide", ["Europe"])
    assert not contains_group("européenne", ["Europe"])


def test_contains_group_multiword_and_apostrophe_alias() -> None:
    assert contains_group("les chefs d’état-major français", ["chefs d'état-major"])
    assert contains_group("un « prêt de  réparation »", ["prêt de réparation"])


def test_contains_group_empty_cases() -> None:
    assert not contains_group("anything", [])
    assert not contains_group("anything", ["", "  "])
    assert not contains_group("", ["x"])


def test_contains_answers_needs_every_group() -> None:
    answers = [["Witkoff"], ["Kushner"]]
    assert contains_answers("Steve Witkoff et Jared Kushner", answers)
    assert not contains_answers("Steve Witkoff seul", answers)
    assert contains_answers("anything", [])


# --- retrieval metrics --------------------------------------------------------


def test_hit_at_k() -> None:
    retrieved = ["b", "b", "a", "c"]
    assert hit_at_k(retrieved, ["a"], 1) == 0.0
    assert hit_at_k(retrieved, ["a"], 2) == 1.0  # two chunks of b are one document
    assert hit_at_k(retrieved, ["c"], 2) == 0.0
    assert hit_at_k(retrieved, ["c"], 3) == 1.0
    assert hit_at_k(retrieved, ["x", "c"], 5) == 1.0
    assert hit_at_k(retrieved, ["a"], 0) == 0.0
    assert hit_at_k([], ["a"], 5) == 0.0
    assert hit_at_k(retrieved, [], 5) == 0.0


def test_reciprocal_rank_counts_distinct_documents() -> None:
    assert reciprocal_rank(["a", "b"], ["a"]) == 1.0
    assert reciprocal_rank(["b", "b", "a", "a"], ["a"]) == pytest.approx(1 / 2)
    assert reciprocal_rank(["b", "c", "b", "d", "a"], ["a"]) == pytest.approx(1 / 4)
    assert reciprocal_rank(["b", "c"], ["a"]) == 0.0
    assert reciprocal_rank([], ["a"]) == 0.0
    assert reciprocal_rank(["b", "c", "a"], ["c", "a"]) == 0.5


def test_context_has_answer() -> None:
    passages = ["Steve Witkoff est arrivé.", "Jared Kushner, son gendre."]
    assert context_has_answer(passages, [["Witkoff"], ["Kushner"]])
    assert not context_has_answer(passages, [["Witkoff"], ["Rubio"]])
    assert context_has_answer(passages, [])
    assert not context_has_answer([], [["Witkoff"]])


def test_context_has_answer_does_not_match_across_passages() -> None:
    assert not context_has_answer(["un prêt de", "réparation"], [["prêt de réparation"]])


# --- citations ----------------------------------------------------------------


def test_citation_correct_combines_quotes_from_gold_sources() -> None:
    cites = [("d1", "Steve Witkoff est là."), ("d3", "et Jared Kushner aussi")]
    assert citation_correct(cites, ["d1", "d3"], [["Witkoff"], ["Kushner"]])


def test_citation_correct_ignores_quotes_from_other_documents() -> None:
    cites = [("d1", "Steve Witkoff est là."), ("d9", "Jared Kushner")]
    assert not citation_correct(cites, ["d1", "d3"], [["Witkoff"], ["Kushner"]])
    assert not citation_correct([("d9", "Witkoff")], ["d1"], [["Witkoff"]])


def test_citation_correct_empty_inputs() -> None:
    assert not citation_correct([], ["d1"], [["Witkoff"]])
    assert citation_correct([], [], [])


# --- answer sentences and groundedness ----------------------------------------


def test_answer_sentences_splits_and_strips_markers_and_quotes() -> None:
    answer = '« Vingt-six pays sont prêts. » [1] Zelensky parle de "victoire" [2][3]. Fin ?'
    assert answer_sentences(answer) == [
        "Vingt-six pays sont prêts.",
        'Zelensky parle de "victoire".',
        "Fin ?",
    ]


def test_answer_sentences_keeps_abbreviations_and_initials_together() -> None:
    text = "M. Trump devait appeler. Le sommet s'est ouvert jeudi."
    assert answer_sentences(text) == ["M. Trump devait appeler.", "Le sommet s'est ouvert jeudi."]


def test_answer_sentences_handles_lines_and_empty_input() -> None:
    assert answer_sentences("Premier point\n- second point") == ["Premier point", "second point"]
    assert answer_sentences("") == []
    assert answer_sentences("[1] [2]") == []


def test_grounded_exact() -> None:
    quotes = ["Vingt-six pays sont prêts à envoyer des troupes en Ukraine, a déclaré jeudi Macron."]
    assert grounded_exact("vingt-six pays sont prêts à envoyer des troupes [1]", quotes)
    assert grounded_exact("« Vingt-six pays sont prêts » [1].", quotes)  # closing dot is ours
    assert not grounded_exact("Vingt-six pays sont prêts, a dit Macron.", quotes)
    assert not grounded_exact("Vingt-six pays sont prêts. Trente pays aussi.", quotes)
    assert not grounded_exact("", quotes)
    assert not grounded_exact("Vingt-six pays", [])


def test_grounded_exact_every_sentence_may_use_a_different_quote() -> None:
    quotes = ["Witkoff est arrivé à Paris.", "Kushner est son gendre."]
    assert grounded_exact("Witkoff est arrivé à Paris. Kushner est son gendre.", quotes)


def test_content_tokens_drop_stopwords_and_short_words_but_keep_numbers() -> None:
    assert content_tokens("Les 26 pays de l'Union et the UE, a 5") == [
        "26",
        "pays",
        "union",
        "ue",
        "5",
    ]


def test_support_score() -> None:
    quote = "Vingt-six pays sont prêts à envoyer des troupes en Ukraine."
    assert support_score("Les pays sont prêts à envoyer des troupes", quote) == 1.0
    assert support_score("Les pays enverront des avions", quote) == pytest.approx(1 / 3)
    assert support_score("Paris, Londres", quote) == 0.0
    assert support_score("", quote) == 0.0
    assert support_score("et le la", quote) == 0.0  # nothing but stopwords


def test_support_score_is_accent_and_case_insensitive() -> None:
    assert support_score("GENEVE", "à Genève") == 1.0


def test_grounded_support() -> None:
    quotes = ["Witkoff rencontrera Poutine à Moscou.", "Le plan compte 28 points."]
    answer = "Witkoff rencontrera Poutine à Moscou. Le plan compte 28 points. Paris gagne."
    assert grounded_support(answer, quotes) == pytest.approx(2 / 3)
    assert grounded_support(answer, quotes, threshold=0.0) == 1.0
    assert grounded_support("", quotes) == 0.0
    assert grounded_support(answer, []) == 0.0


# --- short answers: exactness ----------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [
        ("Steve Witkoff, Jared Kushner", "Steve Witkoff et Jared Kushner"),
        ("Mézard", "Jacques Mézard"),  # a surname names the person
        ("le président Emmanuel Macron", "Emmanuel Macron"),  # common nouns are not names
        ("Sir Keir Starmer", "Keir Starmer"),
        ("Kim Jong-un", "Kim Jong Un"),
        ("2.389 emplois", "2389 jobs"),
        ("2 389", "2,389"),
        ("3,5 %", "3.5 percent"),
        ("Vingt-six pays", "26 countries"),
        ("quatre-vingt-dix-sept", "97"),
        ("vingt et un ans", "21 years"),
        ("about thirty countries", "une trentaine de pays"),
        ("140 milliards d'euros", "140 billion euros"),
        ("Plus de 40 mois", "40 months"),
        ("2 mai", "le 2 mai"),
        ("May 2", "le 2 mai"),
        ("2026-01-06", "6 janvier 2026"),
        ("January 6, 2026", "mardi 6 janvier 2026"),
        ("Tuesday 6 January 2026", "mardi"),  # a date covers its weekday
        ("December", "en décembre"),
        ("9:30 p.m.", "21h30"),
        ("dans les airs et en mer", "les airs et en mer"),  # leading words aside
        ("son gendre", "gendre"),
        ("Environ 300 personnes", "environ 300 personnes"),  # a sentence's first capital
        ("235 millions USD", "US$235 million"),  # a currency is a unit, not a name
        ("$235 million", "235 millions de dollars"),
    ],
)
def test_short_exact_accepts_the_same_names_numbers_and_dates(predicted: str, gold: str) -> None:
    assert short_exact(predicted, gold).exact, short_exact(predicted, gold)


@pytest.mark.parametrize(
    ("predicted", "gold", "miss", "missing", "extra"),
    [
        ("Steve Witkoff", "Steve Witkoff et Jared Kushner", "missing", ["jared kushner"], []),
        ("Macron, Starmer", "Macron", "extra", [], ["starmer"]),
        ("Ludovic Blas, Coupe", "Ludovic Blas", "extra", [], ["coupe"]),
        ("Hanna", "Sébastien Lavancier", "wrong", ["sebastien lavancier"], ["hanna"]),
        ("Stéphane", "Stéphane Israël", "wrong", ["stephane israel"], ["stephane"]),
        ("26 pays", "126 pays", "wrong", ["126"], ["26"]),
        ("3,25 mètres", "3,5 mètres", "wrong", ["3.5"], ["3.25"]),
        ("6 janvier", "6 janvier 2026", "missing", ["2026-01-06"], []),
        ("Wednesday 7 January 2026", "mardi", "wrong", ["Tuesday"], ["2026-01-07 Wednesday"]),
        ("avril", "le 2 mai", "wrong", ["--05-02"], ["--04"]),
        ("the government may decide", "mai", "missing", ["--05"], []),  # a verb, not May
        ("Cholet et Vannes", "à Cholet (Maine-et-Loire) et à Vannes (Bretagne)", "missing",
         ["maine et loire", "bretagne"], []),
        ("sur terre", "sur terre et en mer", "missing", ["terre et en mer"], []),
        ("les zones de contact et la mer", "zones de contact", "extra", [],
         ["zones de contact et la mer"]),
        ("dans les airs", "sur terre", "wrong", ["terre"], ["airs"]),
        ("235 millions USD", "US$253 million", "wrong", ["253"], ["235"]),
        ("the US", "the UK", "wrong", ["uk"], ["us"]),  # a state is still a name
    ],
)  # fmt: skip
def test_short_exact_names_what_is_missing_or_extra(
    predicted: str, gold: str, miss: str, missing: list[str], extra: list[str]
) -> None:
    result = short_exact(predicted, gold)
    assert (result.miss, list(result.missing), list(result.extra)) == (miss, missing, extra)
    assert not result.exact


def test_short_exact_no_answer_is_missing() -> None:
    assert short_exact(None, "Jacques Mézard").miss == "missing"
    assert short_exact("  ", "26 pays").missing == ("26 pays",)


def test_short_exact_is_not_containment() -> None:
    """The containment figure accepts a short answer that also names others; this one not."""
    assert contains_answers("Stéphanie Frappart, Ludovic Blas", [["Frappart"]])
    assert short_exact("Stéphanie Frappart, Ludovic Blas", "Stéphanie Frappart").miss == "extra"


# --- percentile ----------------------------------------------------------------


def test_percentile_interpolates_linearly() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 0) == 10.0
    assert percentile(values, 100) == 40.0
    assert percentile(values, 50) == 25.0
    assert percentile(values, 95) == pytest.approx(38.5)
    assert percentile([40.0, 10.0, 30.0, 20.0], 50) == 25.0  # order does not matter


def test_percentile_edge_cases() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([7], 95) == 7.0
    with pytest.raises(ValueError, match="101"):
        percentile([1.0], 101)


# --- summarize ------------------------------------------------------------------


def _row(lang: str, **metrics: object) -> dict[str, object]:
    base: dict[str, object] = {
        "lang": lang,
        "unanswerable": False,
        "type": "what",
        "hit@1": 0.0,
        "hit@3": 0.0,
        "hit@5": 0.0,
        "mrr": 0.0,
        "context_has_answer": False,
        "answer_correct": False,
        "short_answer_correct": None,
        "citation_correct": False,
        "grounded": False,
        "abstained": False,
        "latency_ms": 100.0,
    }
    base.update(metrics)
    return base


def test_summarize_means_over_answerable_rows_and_language_split() -> None:
    rows = [
        _row(
            "en",
            **{"hit@1": 1.0, "hit@3": 1.0, "hit@5": 1.0, "mrr": 1.0},
            answer_correct=True,
            citation_correct=True,
            grounded=True,
            context_has_answer=True,
            short_answer_correct=True,
            latency_ms=100.0,
        ),
        _row(
            "fr",
            **{"hit@3": 1.0, "hit@5": 1.0, "mrr": 0.5},
            answer_correct=True,
            abstained=True,
            short_answer_correct=False,
            latency_ms=300.0,
        ),
        _row("fr", unanswerable=True, abstained=True, answer_correct=True, latency_ms=200.0),
        _row("en", unanswerable=True, abstained=False, latency_ms=400.0),
    ]
    s = summarize(rows)
    a = s["all"]
    assert (a["n"], a["n_answerable"], a["n_unanswerable"]) == (4, 2, 2)
    assert a["hit@1"] == 0.5
    assert a["hit@3"] == 1.0
    assert a["mrr"] == 0.75
    assert a["answer_correct"] == 0.5  # the abstained row counts as wrong
    assert a["citation_correct"] == 0.5
    assert a["grounded"] == 0.5
    assert a["context_has_answer"] == 0.5
    assert (a["short_answer_accuracy"], a["n_short"]) == (0.5, 2)
    assert a["abstention_accuracy"] == 0.5
    assert a["false_abstention_rate"] == 0.5
    assert a["latency_p50_ms"] == 250.0
    assert a["latency_p95_ms"] == pytest.approx(385.0)

    en, fr = s["en"], s["fr"]
    assert (en["n"], en["n_answerable"], en["n_unanswerable"]) == (2, 1, 1)
    assert en["answer_correct"] == 1.0
    assert en["abstention_accuracy"] == 0.0
    assert fr["answer_correct"] == 0.0
    assert fr["abstention_accuracy"] == 1.0
    assert fr["false_abstention_rate"] == 1.0
    assert fr["mrr"] == 0.5


def test_summarize_counts_traps_false_abstentions_and_short_misses() -> None:
    rows = [
        _row("en", short_exact=True, short_miss=None),
        _row("en", short_exact=False, short_miss="extra", abstained=True),
        _row("fr", short_exact=False, short_miss="missing"),
        _row("fr", short_exact=False, short_miss="missing"),
        _row("fr"),  # no gold short: not counted
        _row("fr", unanswerable=True, abstained=True),
        _row("en", unanswerable=True, abstained=False),
    ]
    s = summarize(rows)
    a = s["all"]
    assert (a["short_exact"], a["n_short_exact"]) == (0.25, 4)
    assert a["short_misses"] == {"missing": 2, "extra": 1, "wrong": 0}
    assert (a["traps_abstained"], a["n_unanswerable"]) == (1, 2)
    assert (a["false_abstentions"], a["n_answerable"]) == (1, 5)
    assert (s["en"]["short_exact"], s["fr"]["short_exact"]) == (0.5, 0.0)
    assert (s["en"]["traps_abstained"], s["fr"]["traps_abstained"]) == (0, 1)


def test_summarize_short_answer_accuracy_skips_not_applicable_rows() -> None:
    rows = [_row("en", short_answer_correct=None), _row("en", short_answer_correct=True)]
    s = summarize(rows)["en"]
    assert (s["short_answer_accuracy"], s["n_short"]) == (1.0, 1)


def test_summarize_accepts_fractional_groundedness() -> None:
    rows = [_row("fr", grounded=0.5), _row("fr", grounded=1.0)]
    assert summarize(rows)["fr"]["grounded"] == 0.75


def test_summarize_empty() -> None:
    s = summarize([])
    assert set(s) == {"all", "en", "fr"}
    assert s["all"]["n"] == 0
    assert s["fr"]["hit@5"] == 0.0
    assert s["en"]["latency_p95_ms"] == 0.0

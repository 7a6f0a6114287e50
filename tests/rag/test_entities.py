"""Question analysis and typed candidates: split questions, places, continuation, merging."""

from __future__ import annotations

import pytest

from rag.answering.entities import candidates, places, question_type, split_question
from rag.answering.extractive import Draft, continued_end, merge_drafts
from rag.schemas import Citation


@pytest.mark.parametrize(
    "question, parts",
    [
        (
            "Where was Witkoff due to meet Putin, and where had Putin met Trump?",
            ["Where was Witkoff due to meet Putin?", "Where had Putin met Trump?"],
        ),
        (
            "Combien de membres compte la coalition, et combien de pays ont accepté ?",
            ["Combien de membres compte la coalition ?", "Combien de pays ont accepté ?"],
        ),
        # one question naming two people is not two questions
        ("Qui a accueilli Zelensky et Witkoff à Paris ?", None),
        # too short to stand alone: stays with the part before
        ("What did Rutte say about Russia, and why?", None),
    ],
)
def test_split_question(question, parts):
    assert split_question(question) == (parts or [question])


def test_question_types_cover_amounts_and_whom():
    assert question_type("With whom did Vladimir Putin spend Wednesday?") == "who"
    assert question_type("Quel montant la Commission veut-elle prêter ?") == "how_many"
    assert question_type("In which domains must the guarantees be effective?") == "where"


def test_place_already_in_the_question_across_languages():
    sentence = (
        "La Russie a annoncé jeudi l'expulsion d'un diplomate estonien, après que l'Estonie "
        "a déclaré un diplomate russe persona non grata."
    )
    found = places(sentence, "A diplomat of which country did Russia announce it was expelling?")
    assert "Russie" not in found
    assert found[0] in {"Estonie", "estonien"}


def test_coordinated_domains_are_one_place():
    sentence = 'le déploiement serait effectué "sur terre, dans les airs et en mer" selon l\'Élysée'
    found = places(sentence, "Où le déploiement serait-il effectué ?")
    assert found[0] == "sur terre, dans les airs et en mer"


def test_who_accepts_an_institution_when_no_person_is_named():
    sentence = "Marco Rubio a déclaré que la question des avoirs russes gelés revenait à l'Europe"
    question = "According to Marco Rubio, who should decide on the frozen Russian assets?"
    assert candidates("who", sentence, question) == ["Europe"]
    # a place far from every asked word is no answer to "who"
    unnamed = "la question des avoirs russes gelés revenait entièrement à l'Europe"
    assert candidates("who", unnamed, "Who will lead the new platform?") == []


def test_quote_continues_after_an_announcing_sentence():
    text = 'Il a dit : "Pourquoi attendre ? C\'est un pays souverain." Fin.'
    sentences = [(0, 31), (32, 57), (58, 62)]
    assert text[0:31].endswith("?")
    assert continued_end(text, 31, sentences) == 57
    assert continued_end(text, 57, sentences) == 57  # a statement ends where it ends


def _citation(n: int, start: int) -> Citation:
    return Citation(
        n=n, doc_id="d", chunk_id="d#0", title="t", date=None,
        quote="q" * 5, start=start, end=start + 5, score=1.0,
    )  # fmt: skip


def test_merge_drafts_renumbers_and_says_what_is_missing():
    a = Draft("“qqqqq” [1]", "Moscou", False, [_citation(1, 0)], 0.6, "where")
    b = Draft("“qqqqq” [1]", "Alaska", False, [_citation(1, 0)], 0.5, "where")
    c = Draft("not found", None, True, [], 0.0, "when")
    merged = merge_drafts(["A?", "B?", "C?"], [a, b, c], "en")
    assert not merged.abstained
    assert [x.n for x in merged.citations] == [1]  # the same sentence keeps one number
    assert merged.short_answer == "Moscou; Alaska"
    assert "“C?”" in merged.answer
    everything_missing = merge_drafts(["A?", "C?"], [c, c], "fr")
    assert everything_missing.abstained and not everything_missing.citations


def test_relative_times_vague_counts_and_spots_of_places():
    from rag.answering.entities import numbers, times

    assert times("Au début du mois, les États-Unis ont changé de politique") == ["Au début du mois"]
    question = "How many points of disagreement were still outstanding?"
    sentence = "il ne restait plus que quelques points de désaccord"
    assert numbers(sentence, question) == ["quelques points"]
    assert numbers("il a parlé avec plusieurs dirigeants", question) == []  # not what is counted
    greeted = "Zelensky, accueilli sur le perron de l'Elysée par Emmanuel Macron, participe"
    where = "Where was Zelensky greeted by Emmanuel Macron at the Élysée?"
    assert places(greeted, where) == ["sur le perron de l'Elysée"]

"""Writing a draft: questions split in parts, quotes that continue, parts merged."""

from __future__ import annotations

import pytest

from rag.answering.draft import Draft, continued_end, merge_drafts
from rag.answering.question import split_question
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

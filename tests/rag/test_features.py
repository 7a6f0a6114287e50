"""The confidence model's inputs: what says whether the articles answer at all."""

from __future__ import annotations

import pytest

from rag.answering.features import confidence_features, counts_a_noun
from rag.answering.question import analyze_question


@pytest.mark.parametrize(
    ("question", "counting"),
    [
        ("How many fans attended the final?", True),
        ("Combien de malades ont été hospitalisés ?", True),
        ("Who attended the final?", False),
        ("When was the final played?", False),
    ],
)
def test_a_question_that_counts_a_noun(question, counting):
    lang = "fr" if question.startswith("Combien") else "en"
    assert counts_a_noun(analyze_question(question, lang)) is counting


def test_a_count_question_is_uncounted_when_no_best_sentence_counts_its_noun():
    """ "how many fans" where the best sentences' numbers count goals and minutes: nothing
    answers it; a number of fans in one of them (weighted by its share) does."""
    scores, shares = [3.0, 2.0, 1.0], [0.7, 0.2, 0.1]
    others = [{"focus": 0.0}, {"focus": 0.0}, {"focus": 0.0}]
    fans = [{"focus": 0.0}, {"focus": 1.0}, {"focus": 0.0}]
    assert confidence_features(scores, shares, others, counting=True)["uncounted"] == 1.0
    assert confidence_features(scores, shares, fans, counting=True)["uncounted"] == 0.8
    assert confidence_features(scores, shares, others, counting=False)["uncounted"] == 0.0

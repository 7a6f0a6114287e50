"""Follow-ups are rewritten with the conversation, standalone questions never (issue: chat)."""

from __future__ import annotations

import pytest

from rag.answering.rewrite import is_follow_up, standalone
from rag.schemas import ChatTurn

COALITION = [
    ChatTurn(role="user", content="Qui dirige la coalition des volontaires ?"),
    ChatTurn(role="assistant", content="La France et le Royaume-Uni [1]."),
]

STANDALONE = [
    "What is the population of Paris?",
    "Who represented Trump in Paris?",
    "Combien de pays sont prêts à envoyer des troupes ?",
    "Y a-t-il des troupes américaines en Ukraine ?",
    "Qu'est-ce que la coalition des volontaires ?",
    "What did Macron say about his plan?",  # "his" is Macron, named in the question
    "Quand Macron a-t-il signé la déclaration ?",
    "Combien d'hommes la France enverra-t-elle ?",
    "How many soldiers are there in Ukraine?",
    "Who proposed the plan that Russia rejected?",
    "Où en est le plan de paix ?",
]
FOLLOW_UPS = [
    "Et qui d'autre ?",
    "and who else?",
    "And which American joined for the first time?",
    "What about Germany?",
    "Et en Allemagne ?",
    "When did he arrive?",
    "Qui y était ?",
    "Quand a-t-il parlé ?",
    "Why?",
    "Combien ?",
    "Who attended this meeting?",
    "Qui dirige ce pays ?",
    "Who else was there?",
]


@pytest.mark.parametrize("question", STANDALONE)
def test_a_question_that_names_its_subject_is_not_a_follow_up(question):
    assert not is_follow_up(question)
    assert standalone(question, COALITION) is None


@pytest.mark.parametrize("question", FOLLOW_UPS)
def test_pronouns_ellipsis_and_bare_questions_are_follow_ups(question):
    assert is_follow_up(question)
    out = standalone(question, COALITION)
    assert out is not None and "coalition" in out


class CountingRewriter:
    """Stands in for an LLM rewriter (no weights here): records calls, returns a fixed line."""

    def __init__(self, reply: str | None) -> None:
        self.reply, self.calls = reply, 0

    def rewrite(self, question: str, history) -> str | None:  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.reply


def test_the_llm_rewriter_is_asked_only_for_follow_ups():
    llm = CountingRewriter("Who else leads the coalition of the willing?")
    assert standalone("What is the population of Paris?", COALITION, llm) is None
    assert llm.calls == 0
    assert standalone("And who else?", COALITION, llm) == llm.reply
    assert llm.calls == 1


def test_a_rewrite_equal_to_the_question_is_no_rewrite():
    llm = CountingRewriter("and who else?")
    # the LLM gave the question back: the carry-over is used instead, never the same text
    assert (
        standalone("And who else?", COALITION, llm)
        == "And who else? (dirige coalition volontaires)"
    )
    assert standalone("And who else?", [], llm) is None


def test_a_standalone_question_after_another_topic_is_searched_and_answered_as_asked(assistant):
    first = assistant.ask("Qui dirige la coalition des volontaires ?")
    history = [
        ChatTurn(role="user", content=first.question),
        ChatTurn(role="assistant", content=first.answer),
    ]
    a = assistant.ask("What is the population of Paris?", history)
    assert a.standalone_question is None
    # answered (or refused) as asked: not with the previous turn's quote
    assert not set(c.quote for c in a.citations) & set(c.quote for c in first.citations)
    follow = assistant.ask("Et qui d'autre ?", history)
    assert follow.standalone_question is not None and "coalition" in follow.standalone_question

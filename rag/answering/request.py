"""The one object an answerer takes: the question, its language, the context passages
chosen by retrieval, and a read-only view of the corpus they come from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.answering.corpus import CorpusView
from rag.schemas import Passage


@dataclass(frozen=True)
class AnswerRequest:
    question: str
    language: str
    context: Sequence[Passage]
    corpus: CorpusView

    def part(self, question: str) -> AnswerRequest:
        """The same request for one part of a question that asks several things."""
        return replace(self, question=question)

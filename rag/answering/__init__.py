"""Answerers turn an ``AnswerRequest`` into a cited ``Draft``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from rag.answering.corpus import CorpusView
from rag.answering.draft import NOT_FOUND, Draft
from rag.answering.extractive import ExtractiveAnswerer
from rag.answering.request import AnswerRequest
from rag.schemas import ChatTurn

__all__ = ["NOT_FOUND", "AnswerRequest", "Answerer", "CorpusView", "Draft", "ExtractiveAnswerer"]


class Answerer(Protocol):
    name: str

    def answer(self, req: AnswerRequest) -> Draft: ...


class StreamingAnswerer(Answerer, Protocol):
    def stream(self, req: AnswerRequest) -> Iterator[str | Draft]:
        """Text deltas as they are generated, then the verified ``Draft`` last."""
        ...


class QuestionRewriter(Protocol):
    def rewrite(self, question: str, history: Sequence[ChatTurn]) -> str | None: ...

"""Answerers turn a question and its context passages into a cited ``Draft``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol

from rag.answering.extractive import NOT_FOUND, Draft, ExtractiveAnswerer, Thresholds
from rag.lexical import LexicalIndex
from rag.schemas import ChatTurn, Passage

__all__ = ["NOT_FOUND", "Answerer", "Draft", "ExtractiveAnswerer", "Thresholds"]


class Answerer(Protocol):
    name: str

    def answer(
        self,
        question: str,
        lang: str,
        context: Sequence[Passage],
        texts: Mapping[str, str],
        index: LexicalIndex,
    ) -> Draft: ...


class StreamingAnswerer(Answerer, Protocol):
    def stream(
        self,
        question: str,
        lang: str,
        context: Sequence[Passage],
        texts: Mapping[str, str],
        index: LexicalIndex,
    ) -> Iterator[str | Draft]:
        """Text deltas as they are generated, then the verified ``Draft`` last."""
        ...


class QuestionRewriter(Protocol):
    def rewrite(self, question: str, history: Sequence[ChatTurn]) -> str | None: ...

"""Follow-up questions made standalone before retrieval.

Without an LLM, a follow-up ("Et qui d'autre était présent ?") borrows the
named things and content words of the previous user turn; with one, the LLM
rewrites it (see ``rag.answering.llm``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.lexical import fold, words
from rag.schemas import ChatTurn

_FOLLOW_UP = re.compile(
    r"\b(d'autres?|d’autres?|autre|aussi|également|encore|il|elle|ils|elles|lui|leur|eux|"
    r"celui|celle|ce sommet|cette réunion|ces|else|other|also|too|he|she|they|him|her|them|"
    r"that|those|there|là|y)\b|^\s*(et|and|what about|et pour|and for)\b",
    re.IGNORECASE,
)


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question)) or len(words(question)) <= 2


def carry_over(question: str, history: Sequence[ChatTurn]) -> str | None:
    """The question plus the previous user turn's content words, or None if standalone."""
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous or not is_follow_up(question):
        return None
    own = {fold(w) for w in words(question)}
    borrowed = [w for w in words(previous[-1]) if fold(w) not in own]
    # keep the casing of names as they were written
    originals = {fold(m): m for m in re.findall(r"[\w’'-]+", previous[-1])}
    borrowed = [originals.get(fold(w), w) for w in dict.fromkeys(borrowed)]
    if not borrowed:
        return None
    return f"{question.strip()} ({' '.join(borrowed)})"

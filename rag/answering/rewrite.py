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


CARRY_CHARS = 600  # of the previous question, at most, are read for words to carry over
CARRY_WORDS = 12  # words carried over, at most


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question)) or len(words(question)) <= 2


def carry_over(question: str, history: Sequence[ChatTurn]) -> str | None:
    """The question plus the previous user turn's content words, or None if standalone.

    Bounded whatever the history holds: a few words from the start of the previous question.
    """
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous or not is_follow_up(question):
        return None
    last = previous[-1][:CARRY_CHARS]
    own = {fold(w) for w in words(question)}
    borrowed = [w for w in words(last) if fold(w) not in own]
    # keep the casing of names as they were written
    originals = {fold(m): m for m in re.findall(r"[\w’'-]+", last)}
    borrowed = [originals.get(fold(w), w) for w in dict.fromkeys(borrowed)][:CARRY_WORDS]
    if not borrowed:
        return None
    return f"{question.strip()} ({' '.join(borrowed)})"

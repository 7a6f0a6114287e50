"""Follow-up questions made standalone before retrieval, and only follow-ups.

A question is rewritten only when it depends on the conversation: a pronoun or a
demonstrative that points back ("he", "ce sommet", "qui y était"), an ellipsis ("And in
Germany?", "Et qui d'autre ?", "What about…"), or no content word at all ("Why?",
"Combien ?"). A question that names its own subject ("What is the population of Paris?")
is searched as asked, whatever came before.

Without an LLM, a follow-up borrows the content words of the previous user turn; with
one, the LLM rewrites it (see ``rag.answering.llm``) and the borrowing is the fallback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from rag.lexical import fold, words
from rag.schemas import ChatTurn

_APOS = "['’]"
_BACK = [
    # ellipsis: the question continues the previous one
    r"^\s*(?:and|et|but|mais|or|ou|also|aussi|then|alors|puis)\b",
    r"^\s*(?:what|how) about\b",
    r"^\s*(?:et|quid) (?:pour|de|du|des|en|à|au|aux)\b",
    rf"\b(?:else|other|others|another|d{_APOS}autres?|autres?|également|as well)\b",
    r"\btoo\s*[?.!]*\s*$",
    # demonstratives and place pronouns that point back
    r"\b(?:this|these|those|the same|the latter|the former)\b",
    r"\b(?:in|at|on|of|from|about|after|before|during|by|for|with|since|until) that\b",
    r"\b(?:said|did|do|does|mean|means|meant|happen|happened) that\s*[?.!]*\s*$",
    r"\bthere\s*[?.!]*\s*$",
    rf"\b(?:ce|cet|cette|ces)\b(?!\s+(?:que|qui|qu{_APOS}))",
    r"\b(?:ce dernier|cette dernière|le même|la même|les mêmes)\b",
    r"\by\s+(?:a|ont|avait|avaient|était|étaient|est|sont|sera|seront|va|vont|allé|allée|allés)\b",
    r"\ben\s+(?:a|ont|avait|avaient|aura|auront)\b",
    rf"\b(?:qui|que|qu{_APOS}|où|quand|comment|combien)\s*(?:\w+\s+)?y\b",
]
# personal pronouns point back unless a name in the question comes before them
# ("What did Macron say about his plan?"); "il y a", "il faut": impersonal
_PRONOUN = re.compile(
    r"\b(?:he|she|they|him|her|them|his|hers|their|theirs|it|its|lui|leur|leurs|eux|celui|"
    r"celle|ceux|celles)\b|"
    r"\b(?:il|ils|elle|elles)\b(?!\s+(?:y\s+a|faut|s[’']agit|est\s+(?:question|prévu)))",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile("|".join(f"(?:{c})" for c in _BACK), re.IGNORECASE)
_IMPERSONAL_Y = re.compile(r"\b(?:il\s+y\s+a|y\s+a-t-il|y\s+avait-il|y\s+aura-t-il)\b", re.I)
_NAME = re.compile(r"(?<=[\w,;:)] )[A-ZÀ-Ý][\w’'-]+")

CARRY_CHARS = 600  # of the previous question, at most, are read for words to carry over
CARRY_WORDS = 12  # words carried over, at most


class Rewriter(Protocol):
    def rewrite(self, question: str, history: Sequence[ChatTurn]) -> str | None: ...


def is_follow_up(question: str) -> bool:
    """Whether the question needs the conversation to be understood."""
    text = _IMPERSONAL_Y.sub(" ", question)
    if _FOLLOW_UP.search(text) or not words(question):
        return True
    first_name = _NAME.search(text)
    return any(
        first_name is None or m.start() < first_name.start() for m in _PRONOUN.finditer(text)
    )


def standalone(
    question: str, history: Sequence[ChatTurn], rewriter: Rewriter | None = None
) -> str | None:
    """The question made standalone, or None when it is one already (or has no history).

    An LLM's rewrite is used when it gives a usable question other than the asked one;
    otherwise the previous question's words are carried over.
    """
    if not any(t.role == "user" and t.content.strip() for t in history):
        return None
    if not is_follow_up(question):
        return None
    out = rewriter.rewrite(question, history) if rewriter else None
    if out is not None and fold(out.strip()) == fold(question.strip()):
        out = None  # the question given back: not a rewrite
    return out or carry_over(question, history)


def carry_over(question: str, history: Sequence[ChatTurn]) -> str | None:
    """The question plus the previous user turn's content words, or None when there is none.

    Bounded whatever the history holds: a few words from the start of the previous question.
    """
    previous = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not previous:
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

"""What an answerer decided, before the assistant wraps it into an ``Answer``; and the
few ways a draft is written: a quoted sentence, several parts merged, a refusal."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.schemas import Citation, Unsupported

NOT_FOUND = {
    "en": "I could not find this in the articles.",
    "fr": "Je n'ai pas trouvé cette information dans les articles.",
}
PART_NOT_FOUND = {
    "en": "I could not find the answer to “{part}” in the articles.",
    "fr": "Je n'ai pas trouvé la réponse à « {part} » dans les articles.",
}
# A sentence that ends like this announces what follows ("... a déclaré :", a quoted
# rhetorical question): the next sentence is quoted with it.
CONTINUED = re.compile(r"[:?]\s*[\"»”]?\s*$")


@dataclass
class Draft:
    answer: str
    short_answer: str | None
    abstained: bool
    citations: list[Citation]
    coverage: float = 0.0  # the answerer's confidence that its evidence answers (0..1)
    qtype: str = "what"
    unsupported: list[Unsupported] = field(default_factory=list)  # sentences verification removed
    fallback: bool = False  # an LLM answer failed verification; this is the extractive one
    quoted_short: str | None = None  # the span of a quote the short answer was read from
    verify_ms: float | None = None  # time spent checking an LLM answer's claims


def refusal(lang: str, confidence: float = 0.0, qtype: str = "what") -> Draft:
    return Draft(NOT_FOUND.get(lang, NOT_FOUND["en"]), None, True, [], confidence, qtype)


def quoted(quote: str, n: int) -> str:
    """How the answer states a cited sentence: quoted, whitespace folded, then its marker."""
    return f"“{' '.join(quote.split())}” [{n}]"


def continued_end(text: str, end: int, doc_sentences: Sequence[tuple[int, int]]) -> int:
    """Where a quote should end: after the next sentence when this one only announces it."""
    if not CONTINUED.search(text[:end]):
        return end
    for a, b in doc_sentences:
        if a >= end:
            return b if not text[end:a].strip() or text[end:a].strip() in {'"', "»", "”"} else end
    return end


def merge_drafts(parts: Sequence[str], drafts: Sequence[Draft], lang: str) -> Draft:
    """One answer from the answers to each part: citations renumbered (a sentence cited by
    two parts keeps one number), a part with no answer said so."""
    if all(d.abstained for d in drafts):
        return refusal(lang, min(d.coverage for d in drafts), drafts[0].qtype)
    citations: list[Citation] = []
    numbers: dict[tuple[str, int, int], int] = {}
    pieces: list[str] = []
    shorts: list[str] = []
    for part, d in zip(parts, drafts, strict=True):
        if d.abstained:
            pieces.append(PART_NOT_FOUND.get(lang, PART_NOT_FOUND["en"]).format(part=part))
            continue
        for c in d.citations:
            key = (c.doc_id, c.start, c.end)
            if key in numbers:
                continue
            numbers[key] = len(citations) + 1
            citations.append(c.model_copy(update={"n": numbers[key]}))
            pieces.append(quoted(c.quote, numbers[key]))
        if d.short_answer and d.short_answer not in shorts:
            shorts.append(d.short_answer)
    answered = [d for d in drafts if not d.abstained]
    return Draft(
        " ".join(pieces),
        "; ".join(shorts) or None,
        False,
        citations,
        min(d.coverage for d in answered),
        drafts[0].qtype,
    )

"""Sentence-aware chunks that keep exact character offsets into the original text.

Chunks are sized in the embedder's own word pieces (MiniLM truncates at 256 and
French takes more pieces per word than English), and overlap by whole sentences
so that a fact near a boundary is whole in at least one chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.schemas import Chunk, Document, Span

# A sentence ends at . ! ? or … (plus closing quotes/brackets), followed by space
# and something that can start a sentence. Abbreviations and initials are not ends.
_END = re.compile(r"[.!?…]+[\"»”’)\]]*(?=\s+[\"«“(\[]?\s*[A-ZÀ-ÖØ-Þ0-9«\"“])")
_ABBREV = re.compile(
    r"(?:\b(?:M|MM|Mme|Mmes|Mlle|Dr|Pr|Me|St|Ste|Sr|Jr|Mr|Mrs|Ms|Prof|Gen|Gén|Col|Lt|Sgt|"
    r"etc|vs|cf|env|av|apr|J\.-C|U\.S|p|pp|no|n°)|\b[A-Z])\.$"
)
# "Feb. 18, 2019", "le 3 janv. 2020": a month's abbreviation before a day or a year
_MONTH_ABBREV = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|janv|févr|avr|juil|sept|oct|nov|"
    r"déc)\.$",
    re.IGNORECASE,
)

TokenCounter = Callable[[Sequence[str]], list[int]]


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans within ``text[start:end]``, trimmed of surrounding whitespace."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    s = start
    for m in _END.finditer(text, start, end):
        candidate = text[s : m.end()]
        if _ABBREV.search(candidate.rstrip('"»”’)]')):
            continue
        if _MONTH_ABBREV.search(candidate) and re.match(r"\s+\d", text[m.end() : m.end() + 8]):
            continue
        spans.append((s, m.end()))
        s = m.end()
    spans.append((s, end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def approx_tokens(texts: Sequence[str]) -> list[int]:
    """Rough word-piece count for French: used when no tokenizer is given."""
    return [int(len(t) / 3.2) + 2 for t in texts]


def document_sentences(doc: Document) -> list[Span]:
    sentences: list[Span] = []
    for s, e in doc.spans:
        sentences.extend(split_sentences(doc.text, s, e))
    return sentences


def chunk_document(
    doc: Document,
    max_tokens: int = 128,
    overlap: int = 1,
    count_tokens: TokenCounter = approx_tokens,
) -> list[Chunk]:
    """Greedy windows of whole sentences up to ``max_tokens`` pieces, ``overlap`` shared."""
    sentences = document_sentences(doc)
    if not sentences:
        return []
    sizes = count_tokens([doc.text[a:b] for a, b in sentences])
    windows: list[tuple[int, int]] = []  # [i, j) over sentences
    i = 0
    while i < len(sentences):
        j, total = i, 0
        while j < len(sentences) and (j == i or total + sizes[j] <= max_tokens):
            total += sizes[j]
            j += 1
        windows.append((i, j))
        if j >= len(sentences):
            break
        # the next window repeats up to ``overlap`` sentences, only as many as fit beside
        # sentence j: a window that is only the repeated tail would be a copy of this one's
        nxt = max(j - overlap, i + 1)
        while nxt < j and sum(sizes[nxt : j + 1]) > max_tokens:
            nxt += 1
        i = nxt
    chunks = []
    for n, (i, j) in enumerate(windows):
        sents = sentences[i:j]
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}#{n}",
                doc_id=doc.doc_id,
                n=n,
                text=" ".join(" ".join(doc.text[a:b].split()) for a, b in sents),
                start=sents[0][0],
                end=sents[-1][1],
                sentences=sents,
                title=doc.title,
                date=doc.date,
                outlet=doc.outlet,
                language=doc.language,
            )
        )
    return chunks

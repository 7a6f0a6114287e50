"""Questions about an article itself: who wrote it, when it is dated, which outlet ran it.

The answer is still a quote: the byline, credit or date line of the article's original
text, cited with its offsets like any other sentence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rag.lexical import fold
from rag.page_metadata import find_date, find_outlet_and_authors
from rag.page_text import line_spans
from rag.schemas import Citation, Passage

_ARTICLE = r"\b(article|dispatch|story|piece|dépêche|reportage|papier)s?\b"
_FIELDS = [
    ("authors", r"\bwho (wrote|authored|signed)\b|\b(author|byline)s?\b|\bwritten by\b|"
     r"\bqui a (écrit|rédigé|signé)\b|\bauteure?s?\b|\brédigée? par\b|\bsigné par\b|"
     r"\b(journalist|reporter|journaliste)s?\b.*\b(reporting|wrote|wrote|reportage|écrit)\b"),
    ("date", r"\b(what|which) date\b|\bwhen was\b.*\b(published|written|dated)\b|\bdated\b|"
     r"\bquelle (est la )?date\b|\bde quand date\b|\bdaté"),
    ("outlet", r"\b(which|what) (outlet|news agency|agency|media|newspaper|publication) "
     r"(published|ran|carried|wrote)\b|\bpublished by\b|\bpublié par\b|"
     r"\bquel(le)? (média|journal|agence|site) a (publié|diffusé)\b"),
]  # fmt: skip


def metadata_field(question: str) -> str | None:
    """'authors', 'date' or 'outlet' when the question is about the article itself."""
    q = question.casefold()
    if not re.search(_ARTICLE, q):
        return None  # "which media did Trump speak to?" is about the news, not the article
    for name, pattern in _FIELDS:
        if re.search(pattern, q):
            return name
    return None


def metadata_citation(
    field: str, question: str, context: Sequence[Passage], texts: Mapping[str, str]
) -> tuple[Citation, str] | None:
    """The line of the asked-about article that states ``field``, and the value.

    The article is the best-ranked one in the context whose outlet the question names
    ("the Reuters dispatch"), or else the best-ranked one.
    """
    qf = fold(question)
    named = [p for p in context if p.outlet and fold(p.outlet) in qf]
    for p in named or context:
        text = texts.get(p.doc_id)
        if text is None:
            continue
        found = _locate(field, text, p)
        if found is None:
            continue
        start, end, value = found
        citation = Citation(
            n=1,
            doc_id=p.doc_id,
            chunk_id=p.chunk_id,
            title=p.title,
            date=p.date,
            outlet=p.outlet,
            quote=text[start:end],
            start=start,
            end=end,
            score=1.0,
        )
        return citation, value
    return None


def _locate(field: str, text: str, p: Passage) -> tuple[int, int, str] | None:
    """Offsets of the line holding the value, and the value."""
    if field == "authors":
        _, authors = find_outlet_and_authors(text)
        needles = authors
        value = ", ".join(authors)
    elif field == "date":
        date = find_date(text)
        needles = [date] if date else []
        value = date or ""
    else:
        needles = [p.outlet] if p.outlet else []
        value = p.outlet or ""
    for needle in needles:
        i = text.find(needle)
        if i >= 0:
            start, end = next((s, e) for s, e in line_spans(text) if s <= i < e)
            return start, end, value
    return None

"""The spaCy annotator: one pass of a document's sentences through its language's pipeline.

Each sentence is its own spaCy ``Doc`` (``nlp.pipe``, batched), so the parse never crosses
the sentence boundaries that chunks and citations use, and every offset is the sentence's
start plus the token's: an offset into ``Document.text`` exactly.

Mentions come from three readers, the first that claims a stretch of text keeping it:
dates and times with digits, numbers written with digits, the pipeline's named entities,
then dates in words ("mardi", "last week"), numbers in words ("vingt-six"), and the
English pipeline's own DATE/TIME phrases that nothing else read. The French pipelines have
no date or number labels; the English one mislabels some ("11.12 per cent" as MONEY, "54"
as DATE): kinds and values come from the text, not the label.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rag.lexical import fold
from rag.nlp import dates, numbers, syntax
from rag.nlp.pipelines import load_pipeline
from rag.schemas import Document, Mention, SentenceAnnotation, Span

log = logging.getLogger(__name__)

KINDS = {
    "PER": "PER",
    "PERSON": "PER",
    "ORG": "ORG",
    "LOC": "LOC",
    "GPE": "LOC",
    "FAC": "LOC",
    **dict.fromkeys(("MISC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"), "MISC"),
}
_FUNCTION_POS = frozenset(
    {"ADP", "AUX", "CCONJ", "DET", "INTJ", "PART", "PRON", "PUNCT", "SCONJ", "SPACE", "SYM"}
)
MAX_SENTENCE_CHARS = 20_000  # longer "sentences" (a page with no full stop) are cut here
SETTINGS = {"fr": "RAG_NLP_FR", "en": "RAG_NLP_EN"}


@dataclass
class _Candidate:
    rank: int  # lower claims first
    start: int
    end: int
    kind: str
    value: str | None = None
    unit: str | None = None
    noun_at: int | None = None
    date: dates.DateParts | None = None


class SpacyAnnotator:
    """Annotates sentences with the pipeline of the document's language (``Annotator``)."""

    def __init__(self, pipelines: dict[str, str], batch_size: int = 64) -> None:
        self.pipelines = pipelines  # language -> package name or directory
        self.batch_size = batch_size

    def language(self, language: str) -> str:
        return language if language in self.pipelines else next(iter(self.pipelines))

    def require(self, language: str) -> None:
        self._nlp(self.language(language))

    def _nlp(self, lang: str) -> Any:
        return load_pipeline(self.pipelines[lang], lang, SETTINGS.get(lang, "RAG_NLP_*"))

    def annotate(self, doc: Document, sentences: Sequence[Span]) -> list[SentenceAnnotation]:
        lang = self.language(doc.language)
        nlp = self._nlp(lang)
        texts = [doc.text[a : min(b, a + MAX_SENTENCE_CHARS)] for a, b in sentences]
        return [
            read_sentence(parsed, a, b, lang, doc.date)
            for (a, b), parsed in zip(
                sentences, nlp.pipe(texts, batch_size=self.batch_size), strict=True
            )
        ]

    def read(self, text: str, language: str, article_date: str | None = None) -> SentenceAnnotation:
        """One free text (a generated claim) read as a sentence; offsets into ``text``.
        Relative dates resolve against ``article_date`` (the cited article's)."""
        lang = self.language(language)
        text = text[:MAX_SENTENCE_CHARS]
        return read_sentence(self._nlp(lang)(text), 0, len(text), lang, article_date)


def read_sentence(
    sd: Any, start: int, end: int, lang: str, article_date: str | None
) -> SentenceAnnotation:
    """The annotation of one parsed sentence that starts at ``start`` in the document."""
    lemmas = [
        fold(t.lemma_ or t.text)
        for t in sd
        if t.pos_ not in _FUNCTION_POS and not t.is_stop and not t.is_punct and not t.is_space
    ]
    return SentenceAnnotation(
        start=start,
        end=end,
        lemmas=lemmas,
        mentions=[_mention(sd, c, start, article_date) for c in _claim(_candidates(sd, lang))],
        predicates=syntax.predicates(sd, start),
    )


def _candidates(sd: Any, lang: str) -> list[_Candidate]:
    text = sd.text
    out: list[_Candidate] = []
    found = dates.find_dates(text, lang)
    for f in found:
        if f.bare_year and _counts_something(sd, f.end):
            continue  # "2000 soldats": a number
        digits = any(c.isdigit() for c in text[f.start : f.end])
        out.append(_Candidate(0 if digits else 2, f.start, f.end, f.kind, f.time, date=f.parts))
    for n in numbers.find_digit_numbers(text, lang):
        out.append(_Candidate(1, n.start, n.end, n.kind, n.value, n.unit, n.noun_at))
    for ent in sd.ents:
        toks = [t for t in ent if not t.is_space]
        while toks and toks[0].pos_ == "DET":
            toks = toks[1:]
        while toks and (toks[-1].is_punct or toks[-1].tag_ == "POS"):
            toks = toks[:-1]
        # a name the tagger ran into the date after it ("Santé publique Kerlan mercredi",
        # "the Ministry of Health Wednesday")
        end = toks[-1].idx + len(toks[-1].text) if toks else 0
        cut = [f.start for f in found if toks and toks[0].idx < f.start < end <= f.end]
        if cut:
            kept = [t for t in toks if t.idx + len(t.text) <= min(cut)]
            while kept and (kept[-1].is_punct or kept[-1].pos_ in ("ADP", "DET", "CCONJ")):
                kept = kept[:-1]  # "X de mardi"
            if lang == "fr" or len([t for t in kept if t.is_alpha]) >= 2:  # not "Black Friday"
                toks = kept
        if not toks:
            continue
        s, e = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        if ent.label_ in KINDS:
            out.append(_Candidate(1, s, e, KINDS[ent.label_]))
        elif ent.label_ in ("DATE", "TIME"):
            out.append(_Candidate(4, s, e, ent.label_))
    for n in numbers.find_word_numbers(sd, text, lang):
        out.append(_Candidate(3, n.start, n.end, n.kind, n.value, n.unit, n.noun_at))
    return out


def _claim(candidates: list[_Candidate]) -> list[_Candidate]:
    taken: list[_Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.rank, c.start, -(c.end - c.start))):
        if all(c.end <= t.start or c.start >= t.end for t in taken):
            taken.append(c)
    return sorted(taken, key=lambda c: c.start)


def _counts_something(sd: Any, at: int) -> bool:
    nxt = _token_at(sd, at)
    return nxt is not None and nxt.pos_ == "NOUN" and not nxt.is_title


def _token_at(sd: Any, at: int) -> Any:
    """The first word token starting at or after character ``at``."""
    return next((t for t in sd if t.idx >= at and not t.is_space), None)


def _mention(sd: Any, c: _Candidate, base: int, article_date: str | None) -> Mention:
    span = sd.char_span(c.start, c.end, alignment_mode="expand")
    root = span.root if span is not None and len(span) else sd[0]
    value, unit = c.value, c.unit
    if c.date is not None:
        value = dates.resolve(c.date, article_date, syntax.future(root))
    if c.kind == "NUM" and c.noun_at is not None:
        noun = _counted(sd, c.noun_at)
        if noun is not None:
            unit = fold(noun.lemma_ or noun.text)
            if root.pos_ != "NOUN":  # "2.389 emplois" is the object, whatever the number's arc
                root = noun
    role, gov = syntax.role_of(root)
    return Mention(
        start=base + c.start,
        end=base + c.end,
        kind=c.kind,
        value=value,
        unit=unit,
        role=role,
        head=fold(gov.lemma_) if gov is not None else None,
        negated=syntax.mention_negated(root, sd.text[: c.start]),
    )


def _counted(sd: Any, at: int) -> Any:
    """The counted noun right after a number ("26 pays", "112 new drones"), or None."""
    t = _token_at(sd, at)
    if t is not None and t.pos_ == "ADJ" and t.i + 1 < len(sd) and sd[t.i + 1].pos_ == "NOUN":
        t = sd[t.i + 1]
    return t if t is not None and t.pos_ == "NOUN" else None

"""The typed currency of the pipeline: documents, chunks, passages, answers.

``Answer`` and ``Citation`` are a public contract (CLI ``--json``, REST, MCP):
fields may be added, never renamed or removed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Span = tuple[int, int]


class Document(BaseModel):
    """One article: its original text and what was read from it.

    ``text`` is the file's text exactly as decoded; every offset in the system
    points into it. ``spans`` are the paragraphs kept after cleaning.
    """

    doc_id: str
    title: str
    date: str | None = None
    outlet: str | None = None
    authors: list[str] = Field(default_factory=list)
    photo_credit: str | None = None
    language: str = "fr"
    source: str = ""
    content_hash: str = ""
    text: str
    spans: list[Span] = Field(default_factory=list)

    def clean_text(self) -> str:
        return "\n\n".join(self.text[s:e] for s, e in self.spans)


class Mention(BaseModel):
    """A phrase of a sentence that the language layer recognised (ingest time, spaCy).

    Offsets point into ``Document.text``. ``value`` is the normalised meaning when there is
    one: a number as digits ("2389", "140000000000", "59.3"), a date as ISO at its precision
    ("2026-01-06", "2019-09", "2007"), a time as "21:00". ``unit`` is what a number counts
    (the counted noun's lemma, "pays", or a currency / "%"). ``role`` and ``head`` place the
    phrase in the dependency parse: its grammatical role (subj, agent, obj, iobj, obl, appos,
    nmod, conj, other) and the lemma of the word it depends on. ``negated`` marks a phrase in
    a negated clause or in an absence frame ("en l'absence de X", "without X").
    """

    start: int
    end: int
    kind: str  # PER ORG LOC MISC DATE TIME NUM MONEY PERCENT
    value: str | None = None
    unit: str | None = None
    role: str | None = None
    head: str | None = None
    negated: bool = False


class Predicate(BaseModel):
    """A verb and its arguments, from the dependency parse: who did what to whom.

    ``args`` are (role, start, end) with role one of subj, agent (the passive's "par X" /
    "by X"), obj, iobj, obl; ``passive`` says the subject is the one acted upon.
    """

    lemma: str
    start: int
    end: int
    negated: bool = False
    passive: bool = False
    args: list[tuple[str, int, int]] = Field(default_factory=list)


class SentenceAnnotation(BaseModel):
    """What the language layer read in one sentence (``start``/``end`` as in ``sentences``)."""

    start: int
    end: int
    lemmas: list[str] = Field(default_factory=list)  # content words, folded, in order
    mentions: list[Mention] = Field(default_factory=list)
    predicates: list[Predicate] = Field(default_factory=list)


class Chunk(BaseModel):
    """A sentence-aligned slice of one document, with offsets into its original text."""

    chunk_id: str
    doc_id: str
    n: int
    text: str
    start: int
    end: int
    sentences: list[Span]
    title: str
    date: str | None = None
    outlet: str | None = None
    language: str = "fr"
    annotations: list[SentenceAnnotation] = Field(default_factory=list)  # one per sentence


class Passage(BaseModel):
    """A retrieved chunk with the scores that ranked it."""

    chunk_id: str
    doc_id: str
    title: str
    date: str | None = None
    outlet: str | None = None
    text: str
    start: int
    end: int
    sentences: list[Span] = Field(default_factory=list)
    dense_score: float | None = None
    keyword_score: float | None = None
    fused_score: float = 0.0
    rank: int = 0
    in_context: bool = False


class Citation(BaseModel):
    """One numbered source of an answer. ``quote == document.text[start:end]``."""

    n: int
    doc_id: str
    chunk_id: str
    title: str
    date: str | None = None
    outlet: str | None = None
    quote: str
    start: int
    end: int
    score: float


class Unsupported(BaseModel):
    """An answer sentence that verification removed, and why."""

    sentence: str
    reason: str
    support: float = 0.0


class ChatTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class Answer(BaseModel):
    question: str
    answer: str
    short_answer: str | None = None
    # the verbatim span of a quote the short answer was read from ("mardi" for "Tuesday 6
    # January 2026"; the short answer itself may be rendered in the question's language)
    short_answer_quote: str | None = None
    abstained: bool = False
    support: float = 0.0  # share of the question the best evidence meets; abstention compares it
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    language: str = "en"
    standalone_question: str | None = None
    backend: str = "extractive"
    unsupported: list[Unsupported] = Field(default_factory=list)
    fallback: bool = False


class SourceInfo(BaseModel):
    doc_id: str
    title: str
    date: str | None = None
    outlet: str | None = None
    authors: list[str] = Field(default_factory=list)
    photo_credit: str | None = None
    language: str = "fr"
    source: str = ""
    chunks: int = 0


class IngestSummary(BaseModel):
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    skipped: dict[str, str] = Field(default_factory=dict)
    chunks_embedded: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        s = (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, removed {len(self.removed)}, "
            f"skipped {len(self.skipped)}"
        )
        if self.skipped:
            s += " (" + "; ".join(f"{p}: {why}" for p, why in self.skipped.items()) + ")"
        return s

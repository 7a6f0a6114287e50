"""Candidate sentences of the context, with what they hold that could answer.

Each sentence of each context passage (once, even when two passages overlap) becomes a
``Candidate``: its text, annotations, neighbours and the offsets of the words that meet the
question. For a question that wants a kind of thing (a person, a number, a date, a place),
its ``options`` are the sentence's mentions of that kind that the question does not give.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.answering.corpus import CorpusView
from rag.answering.question import NameRef, Question, Term, noun_kind
from rag.answering.states import names_only_states, states_in
from rag.lexical import WORD_CACHE, _stemmers, analyze, fold, words
from rag.page_metadata import dateline
from rag.schemas import Mention, Passage, SentenceAnnotation, Span

_WORD = re.compile(r"[\w'’-]+")


@dataclass
class Candidate:
    passage: Passage
    start: int
    end: int
    text: str
    annotation: SentenceAnnotation | None
    index: int  # position of the sentence in its document
    window: list[Span]  # the sentence and its neighbours, in order
    tokens: set[str]
    window_tokens: set[str]
    hits: list[tuple[int, Term]]  # (offset in the document, term) of each asked word met
    options: list[Mention] = field(default_factory=list)
    neighbour_options: list[Mention] = field(default_factory=list)  # in the window's others
    doc_size: int = 0  # sentences in the document
    features: dict[str, float] = field(default_factory=dict)
    score: float = 0.0  # the ranker's
    share: float = 0.0  # its softmax share among the question's candidates

    @property
    def doc_id(self) -> str:
        return self.passage.doc_id


def match_tokens(text: str) -> set[str]:
    """The keyword index's tokens (French stems, five-letter prefixes) plus English stems
    (``en:``, so "scored" meets "scoring")."""
    toks = set(analyze(text))
    toks.update(_english_token(w) for w in words(text) if not w.isdigit())
    return toks


@functools.lru_cache(maxsize=WORD_CACHE)
def _english_token(word: str) -> str:
    _, en = _stemmers()
    return "en:" + en.stemWord(word)  # type: ignore[attr-defined]


@functools.lru_cache(maxsize=50_000)
def word_tokens(word: str) -> frozenset[str]:
    return frozenset(match_tokens(word))


def sentence_tokens(text: str, annotation: SentenceAnnotation | None) -> set[str]:
    """Tokens of a sentence's words and of its lemmas (irregular forms meet)."""
    toks = match_tokens(text)
    if annotation is not None and annotation.lemmas:
        toks |= match_tokens(" ".join(annotation.lemmas))
    return toks


def meets(term: Term, tokens: set[str] | frozenset[str]) -> float:
    """1 when the sentence has the word, 0.8 when it has a translation of it, else 0."""
    if term.tokens & tokens:
        return 1.0
    if term.translations & tokens:
        return 0.8
    return 0.0


def name_met(name: NameRef, tokens: set[str]) -> bool:
    """A name is met when any of its words is (a surname stands for the person)."""
    return bool(name.tokens & tokens)


def gather(q: Question, context: Sequence[Passage], corpus: CorpusView) -> list[Candidate]:
    seen: set[tuple[str, int]] = set()
    out: list[Candidate] = []
    toks = corpus.sentence_tokens

    for p in context:
        text = corpus.texts.get(p.doc_id)
        if text is None:
            continue
        doc = corpus.doc_sentences(p.doc_id)
        position = {a: i for i, (a, _) in enumerate(doc)}
        for s, e in p.sentences:
            if (p.doc_id, s) in seen:
                continue
            seen.add((p.doc_id, s))
            i = position.get(s, -1)
            window = [doc[j] for j in (i - 1, i, i + 1) if 0 <= j < len(doc)] if i >= 0 else []
            window = window or [(s, e)]
            ann = corpus.annotation(p.doc_id, s)
            own = toks(p.doc_id, (s, e))
            around = set().union(*(toks(p.doc_id, w) for w in window))
            cand = Candidate(p, s, e, text[s:e], ann, i, window, own, around, _hits(q, text, s, e))
            cand.options = options(q, ann, text)
            cand.neighbour_options = [
                m
                for a, _ in window
                if a != s
                for m in options(q, corpus.annotation(p.doc_id, a), text)
            ]
            cand.doc_size = len(doc)
            out.append(cand)
    return out


def _hits(q: Question, text: str, s: int, e: int) -> list[tuple[int, Term]]:
    """Where the asked words are met in the sentence (document offsets)."""
    out = []
    asked = q.asked
    for m in _WORD.finditer(text, s, e):
        toks = word_tokens(m.group(0))
        for t in asked:
            if t.tokens & toks or t.translations & toks:
                out.append((m.start(), t))
    return out


def given(q: Question, mention: Mention, text: str) -> bool:
    """The question already gives this mention (its name, its number): not an answer."""
    return given_surface(q, mention, text[mention.start : mention.end])


def given_surface(q: Question, mention: Mention, surface: str) -> bool:
    """``given``, for the mention's text."""
    toks = {t for t in analyze(surface) if not t.startswith("~")}
    # the mention is the name, or the name is most of it ("Steve Witkoff" for "Witkoff"); a
    # longer name that holds it is another one ("Office public de Norland" for "in Norland")
    if toks and any(
        toks <= n.tokens or (n.tokens and n.tokens <= toks and 2 * len(n.tokens) >= len(toks))
        for n in q.names
    ):
        return True
    if mention.kind in ("LOC", "ORG", "MISC"):  # "France" for "two French factories"
        named = states_in(surface, metonyms=False)
        if named and named <= q.states and names_only_states(surface):
            return True
    if mention.kind in ("NUM", "MONEY", "PERCENT") and mention.value:
        return any(_same_number(mention.value, n) for n in q.numbers)
    if mention.kind == "DATE" and mention.value:
        return any(n in mention.value for n in q.numbers if len(n) == 4)
    return False


def _same_number(value: str, given: str) -> bool:
    try:
        return abs(float(value) - float(given.replace(",", "."))) < 1e-9
    except ValueError:
        return False


def options(q: Question, annotation: SentenceAnnotation | None, text: str) -> list[Mention]:
    """A sentence's mentions of the kinds the question wants, minus what it gives, and
    minus dates less precise than asked (a weekday does not say what year) and the agency
    or tagger noise of a dateline ("WATERLOO, Ont. (AP) —": its place and date stay)."""
    kinds = q.expects
    if not kinds or annotation is None:
        return []
    opening = annotation.start + dateline_end(text[annotation.start : annotation.end])
    return [
        m
        for m in [*annotation.mentions, *_named_after_noun(q, annotation, text)]
        if m.kind in kinds
        and not given(q, m, text)
        and not _year_for_count(q, m)
        and not _state_for_place(q, m, text)
        and (m.kind not in ("DATE", "TIME") or precision_ok(q, m, text[m.start : m.end]))
        and (m.kind in ("LOC", "DATE", "TIME") or m.end > opening)
    ]


# a word, then a capitalised run: "l'application Velibra", "the probe Vesta 2"
_NOUN_THEN_NAME = re.compile(
    r"\b([\w'’-]+)\s+((?-i:[A-ZÀ-ÖØ-Þ])[\w'’-]*(?:\s+(?-i:[A-ZÀ-ÖØ-Þ0-9])[\w'’-]*){0,3})"
)


def _named_after_noun(q: Question, annotation: SentenceAnnotation, text: str) -> list[Mention]:
    """Names the tagger missed that the asked noun introduces ("l'application Velibra"
    for "what is the name of the app"): the capitalised run right after it, of the kind the
    question wants."""
    focus = q.focus
    kind = q.wants if q.wants in q.expects else "MISC"
    if focus is None or kind not in q.expects:
        return []
    out = []
    for m in _NOUN_THEN_NAME.finditer(text, annotation.start, annotation.end):
        a, b = m.span(2)
        noun = m.group(1).split("'")[-1].split("’")[-1]
        # a mention of the tagger's own with these bounds is there already; one that runs on
        # ("Velibra pour la Régie") is another phrase
        if any(x.start == a and x.end == b for x in annotation.mentions):
            continue
        if meets(focus, set(analyze(noun))):
            out.append(Mention(start=a, end=b, kind=kind, head=noun))
    return out


def _year_for_count(q: Question, m: Mention) -> bool:
    """A bare year is not a count ("in 2017" does not answer "how many")."""
    year = re.fullmatch(r"(19|20)\d\d", m.value or "")
    return q.qtype == "how_many" and m.kind == "NUM" and bool(year)


# the place nouns whose class a state's name is (a generic language resource)
_STATE_NOUNS = frozenset(analyze("country countries nation state pays état"))


def _state_for_place(q: Question, m: Mention, text: str) -> bool:
    """A state's name does not answer a question about another class of place ("which
    city": not "Portugal"; "quelle province": not "le Chili")."""
    focus = q.focus
    if focus is None or m.kind not in ("LOC", "ORG", "MISC") or meets(focus, _STATE_NOUNS):
        return False
    return noun_kind(focus.word, q.lang) == "LOC" and names_only_states(text[m.start : m.end])


DATELINE_CHARS = 160  # a dateline opens a sentence within this many characters
# a dateline without agency or date: a place in capitals, then a dash ("WATERLOO, Ont. —")
_CAPS_DATELINE = re.compile(r"^([A-ZÀ-Ý]{3,}\b[^\n—–]{0,40}?)\s+(?:--|[–—])\s+\S")


@functools.lru_cache(maxsize=4096)
def dateline_end(sentence: str) -> int:
    """Where the dateline opening a sentence ends ("Paris, France | AFP | mardi 05/11/2024 -",
    "AMHERST (CBS) --"), 0 when there is none."""
    found = dateline(sentence[:DATELINE_CHARS])
    if found is not None:
        return len(found[1])
    caps = _CAPS_DATELINE.match(sentence)
    return len(caps.group(1)) if caps else 0


PRECISION_RANK = {"year": 1, "month": 2, "day": 3, "weekday": 3, "time": 4}


@functools.cache
def _weekdays() -> frozenset[str]:
    """Weekday names of both languages, folded (the date layer's vocabulary)."""
    from rag.nlp.lexicon import date_words

    return frozenset(day for lang in ("en", "fr") for day in date_words(lang).weekdays)


def precision_ok(q: Question, m: Mention, surface: str) -> float:
    """The date is as precise as asked; a weekday is asked by "what day of the week". A date
    the layer could not normalise (a weekday, a day without its year) gives no year."""
    if not q.precision:
        return 1.0
    if q.precision == "weekday":
        named = any(w in _weekdays() for w in re.findall(r"[^\W_]+", fold(surface)))
        return float(named or (m.value or "").count("-") == 2)
    if not m.value:
        return float(q.precision != "year" or bool(re.search(r"\b\d{4}\b", surface)))
    have = {1: "year", 2: "month", 3: "day"}.get(m.value.count("-") + 1, "year")
    if m.kind == "TIME":
        have = "time"
    return float(PRECISION_RANK[have] >= PRECISION_RANK[q.precision])

"""The default answerer: quote the sentences that answer, cite them, or abstain.

It states nothing of its own: the answer is the cited sentences themselves,
each followed by its ``[n]`` marker, and the short answer is a span of them.
A sentence is scored by how much of the question it meets (idf-weighted: a
question word the corpus never uses weighs most, which is what makes
off-topic and unanswerable questions score low), by its passage's rank, and by
whether it holds the kind of thing asked for (a name, a number, a time...).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rag.answering.entities import (
    candidates,
    is_demonym,
    question_agent,
    question_type,
    role_aliases,
    sentence_subject,
    split_question,
)
from rag.answering.metadata import metadata_citation, metadata_field
from rag.lexical import LexicalIndex, QueryWord, analyze, fold, query_words
from rag.schemas import Citation, Passage, Unsupported

NOT_FOUND = {
    "en": "I could not find this in the articles.",
    "fr": "Je n'ai pas trouvé cette information dans les articles.",
}
PART_NOT_FOUND = {
    "en": "I could not find the answer to “{part}” in the articles.",
    "fr": "Je n'ai pas trouvé la réponse à « {part} » dans les articles.",
}


TYPED = ("who", "how_many", "when", "where")
ENTITY_SHARE = 2 / 3  # of the names and numbers a question gives, the share an answer must meet
REASON = re.compile(
    r"\b(?:afin (?:de|d['’]|que)|dans l['’]espoir|parce qu|car\b|en raison d|pour (?:que|qu['’])|"
    r"pour [a-zéè]+(?:er|ir|re)\b|because|in order to|so that|due to|in the hope)",
    re.IGNORECASE,
)
REASON_BONUS = 0.2
ATTRIBUTION = re.compile(
    r"\b(?:according to|selon|d['’]après)\s+(?:the\s+|l['’]|le\s+|la\s+|les\s+)?$", re.IGNORECASE
)
# A sentence that ends like this announces what follows ("... a déclaré :", a quoted
# rhetorical question): the next sentence is quoted with it.
CONTINUED = re.compile(r"[:?]\s*[\"»”]?\s*$")
ENTITY = re.compile(r"\b(?:[A-ZÀ-ÖØ-Þ][\w’'-]*(?:\s+[A-ZÀ-ÖØ-Þ][\w’'-]*)*|\d+)\b")


@dataclass
class Thresholds:
    """Calibrated on the gold set's answerable and unanswerable questions (``rag calibrate``)."""

    min_coverage: dict[str, float] = field(default_factory=lambda: {"en": 0.5, "fr": 0.5})
    second_sentence_ratio: float = 0.85
    min_gain: float = 0.2
    max_sentences: int = 2


@dataclass
class ScoredSentence:
    passage: Passage
    start: int
    end: int
    coverage: float
    score: float
    found: list[str]
    tokens: set[str]


@dataclass
class Draft:
    """What an answerer decided, before the assistant wraps it into an ``Answer``."""

    answer: str
    short_answer: str | None
    abstained: bool
    citations: list[Citation]
    coverage: float = 0.0
    qtype: str = "what"
    unsupported: list[Unsupported] = field(default_factory=list)  # sentences verification removed
    fallback: bool = False  # an LLM answer failed verification; this is the extractive one


def question_entities(question: str, qwords: Sequence[QueryWord]) -> list[set[str]]:
    """Token sets of the names and numbers a question gives: each must be met by an answer.

    A multi-word name ("Donald Trump") is met by any of its words.
    """
    by_word = _name_tokens(qwords)
    out = []
    for m in ENTITY.finditer(question):
        if ATTRIBUTION.search(question[: m.start()]):
            continue  # "according to the Élysée": the source is often named a sentence away
        parts = m.group(0).split()
        if m.start() == 0 and not parts[0][0].isdigit():
            parts = parts[1:]  # the first word of a question is capitalised anyway
            if not parts:
                continue
        # a nationality does not identify a multi-word name: "European Commission" is not
        # met by "européens", only by "Commission"
        named = [w for w in parts if not is_demonym(w)] or parts
        toks: set[str] = set()
        for w in named:
            w = re.sub(r"['’]s$", "", w)  # "Starmer's office" names Starmer
            toks |= by_word.get(w.casefold(), set())
        if toks:
            out.append(toks)
    return out


def _name_tokens(qwords: Sequence[QueryWord]) -> dict[str, set[str]]:
    """Question word -> the tokens that meet it as a name (names translate; words need not)."""
    return {w.word: w.tokens | w.names for w in qwords}


def _swapped(sentence: str, agent: set[str], others: Sequence[set[str]]) -> bool:
    """True when the sentence's subject is another name of the question, not its agent
    ("How many drones did Ukraine launch against Russia?" - "la Russie a tiré 112 drones")."""
    subject = sentence_subject(sentence)
    if subject is None:
        return False
    toks = set(analyze(subject))
    return not toks & agent and any(toks & ent for ent in others)


def coverage(qwords: Sequence[QueryWord], tokens: set[str], idf: Mapping[str, float]) -> float:
    """Share of the question's (idf-weighted) words that the text meets."""
    total = hit = 0.0
    for w in qwords:
        weight = max((idf.get(t, 0.0) for t in w.tokens | w.translations), default=0.0)
        total += weight
        if w.tokens & tokens:
            hit += weight
        elif w.translations & tokens:
            hit += 0.8 * weight
    return hit / total if total else 0.0


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, thresholds: Thresholds | None = None, expand: bool = True) -> None:
        self.thresholds = thresholds or Thresholds()
        self.expand = expand

    def score(
        self,
        question: str,
        lang: str,
        context: Sequence[Passage],
        texts: Mapping[str, str],
        index: LexicalIndex,
    ) -> tuple[str, list[QueryWord], dict[str, float], list[ScoredSentence]]:
        qtype = question_type(question)
        qwords = query_words(question, lang, self.expand)
        required = question_entities(question, qwords)
        by_name = _name_tokens(qwords)
        # "le dirigeant russe" meets "Putin" once the article has named him
        aliases = [role_aliases(ent) for ent in required]
        agent = question_agent(question)
        agent_tokens = by_name.get(agent.casefold(), set()) if agent else set()
        others = [ent for ent in required if not ent & agent_tokens] if agent_tokens else []
        idf = {t: index.idf(t) for w in qwords for t in w.tokens | w.translations}
        seen: set[tuple[str, int]] = set()
        scored = []
        top = max((p.fused_score for p in context), default=1.0) or 1.0
        cache: dict[tuple[str, int], set[str]] = {}

        def tokens_of(doc_id: str, span: tuple[int, int]) -> set[str]:
            key = (doc_id, span[0])
            if key not in cache:
                cache[key] = set(analyze(texts[doc_id][span[0] : span[1]]))
            return cache[key]

        for p in context:
            text = texts.get(p.doc_id)
            if text is None:
                continue
            doc_sents = index.doc_sentences.get(p.doc_id, [])
            position = {a: i for i, (a, _) in enumerate(doc_sents)}
            for s, e in p.sentences:
                if (p.doc_id, s) in seen:
                    continue
                seen.add((p.doc_id, s))
                sentence = text[s:e]
                tokens = tokens_of(p.doc_id, (s, e))
                i = position.get(s)
                window = set(tokens)
                spans = [(s, e)]
                if i is not None:
                    for j in (i - 1, i + 1):
                        if 0 <= j < len(doc_sents):
                            window |= tokens_of(p.doc_id, doc_sents[j])
                            spans.append(doc_sents[j])
                window_text = fold(" ".join(text[a:b] for a, b in spans)) if any(aliases) else ""
                met = sum(
                    1
                    for ent, names in zip(required, aliases, strict=True)
                    if ent & window or any(n in window_text for n in names)
                )
                if required and met < ENTITY_SHARE * len(required):
                    continue  # the names and numbers the question gives must be near the answer
                if others and _swapped(sentence, agent_tokens, others):
                    continue  # the question's doer is this sentence's target: a different fact
                cov = coverage(qwords, tokens, idf)
                found = candidates(qtype, sentence, question)
                if qtype in TYPED and not found:
                    continue  # a who/how-many/when/where question needs that kind of answer
                score = cov + 0.2 * (p.fused_score / top)
                if qtype == "why" and REASON.search(sentence):
                    score += REASON_BONUS  # a why question is answered by a reason or a purpose
                scored.append(ScoredSentence(p, s, e, cov, score, found, tokens))
        scored.sort(key=lambda x: (-x.score, x.passage.rank, x.start))
        return qtype, qwords, idf, scored

    def answer(
        self,
        question: str,
        lang: str,
        context: Sequence[Passage],
        texts: Mapping[str, str],
        index: LexicalIndex,
    ) -> Draft:
        """Answer each part of the question ("Where ..., and where ...?") on its own."""
        parts = split_question(question)
        drafts = [self._answer_one(part, lang, context, texts, index) for part in parts]
        if len(drafts) == 1:
            return drafts[0]
        return merge_drafts(parts, drafts, lang)

    def _answer_one(
        self,
        question: str,
        lang: str,
        context: Sequence[Passage],
        texts: Mapping[str, str],
        index: LexicalIndex,
    ) -> Draft:
        field = metadata_field(question)
        if field is not None:  # "who wrote the Reuters dispatch?": quote its byline
            found = metadata_citation(field, question, context, texts)
            if found is not None:
                c, value = found
                return Draft(quoted(c.quote, 1), value, False, [c], 1.0, field)
        qtype, qwords, idf, scored = self.score(question, lang, context, texts, index)
        th = self.thresholds
        min_cov = th.min_coverage.get(lang, th.min_coverage.get("en", 0.5))
        chosen: list[ScoredSentence] = []
        covered: set[str] = set()
        for s in scored:
            if len(chosen) >= th.max_sentences:
                break
            # a second sentence must score nearly as well, or answer another part of the question
            gain = coverage(qwords, covered | s.tokens, idf) - coverage(qwords, covered, idf)
            if (
                not chosen
                or s.score >= th.second_sentence_ratio * chosen[0].score
                or gain >= th.min_gain
            ):
                chosen.append(s)
                covered |= s.tokens
        total = coverage(qwords, covered, idf)
        if not chosen or total < min_cov:
            return Draft(NOT_FOUND.get(lang, NOT_FOUND["en"]), None, True, [], total, qtype)
        citations = []
        parts = []
        for n, s in enumerate(chosen, start=1):
            text = texts[s.passage.doc_id]
            end = continued_end(text, s.end, index.doc_sentences.get(s.passage.doc_id, []))
            quote = text[s.start : end]
            citations.append(
                Citation(
                    n=n,
                    doc_id=s.passage.doc_id,
                    chunk_id=s.passage.chunk_id,
                    title=s.passage.title,
                    date=s.passage.date,
                    outlet=s.passage.outlet,
                    quote=quote,
                    start=s.start,
                    end=end,
                    score=round(s.score, 4),
                )
            )
            parts.append(quoted(quote, n))
        short = short_answer(qtype, [s.found for s in chosen])
        return Draft(" ".join(parts), short, False, citations, total, qtype)


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
        return Draft(
            NOT_FOUND.get(lang, NOT_FOUND["en"]), None, True, [],
            min(d.coverage for d in drafts), drafts[0].qtype,
        )  # fmt: skip
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


def short_answer(qtype: str, found: list[list[str]]) -> str | None:
    if qtype not in ("who", "how_many", "when", "where"):
        return None
    items: list[str] = []
    for group in found:
        for x in group[: 3 if qtype == "who" else 1]:
            if not any(_same(x, y) for y in items):
                items.append(x)
    if not items:
        return None
    if qtype != "who":
        items = items[:1]
    return ", ".join(items)


def _same(a: str, b: str) -> bool:
    fa, fb = re.sub(r"\W+", " ", a.casefold()), re.sub(r"\W+", " ", b.casefold())
    return fa in fb or fb in fa

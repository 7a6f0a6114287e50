"""Check a generated answer against the passages it cites, one sentence at a time.

An LLM may cite the wrong passage, invent a number, cite nothing, or repeat an
instruction that an article slipped into its text. So every sentence of its
answer is a claim to check: its ``[n]`` markers are parsed (markers that point
at no passage are dropped), and the claim is compared with the sentences of the
passages it cites, lexically and by embedding. A claim that its own citations do
not support is removed and reported in ``Draft.unsupported`` with the reason,
even when some other passage would support it. Each kept citation quotes the
passage sentence(s) that best support the claim, exactly as they are in the
article. An answer left with no supported sentence falls back to the extractive
answer (``Draft.fallback``); the fixed refusal becomes an abstention.

Streaming uses the same checks: ``SentenceBuffer`` releases a sentence once the
next one has begun, and only checked sentences are shown, so the streamed text
is the final answer's text.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rag.answering.claim_text import BACK, Cited, meets
from rag.answering.claims import (
    NAME_RUN,
    Reading,
    answer_body,
    claim_features,
    claim_name_runs,
)
from rag.answering.corpus import CorpusView
from rag.answering.draft import NOT_FOUND, Draft
from rag.answering.question import question_type
from rag.answering.request import AnswerRequest
from rag.answering.scoring import load_claim_model
from rag.answering.states import MARK
from rag.errors import ModelUnavailable
from rag.lexical import QueryWord, analyze, fold, query_words, words
from rag.retrieval import language_votes
from rag.schemas import Citation, SentenceAnnotation, Span, Unsupported

log = logging.getLogger(__name__)

# --- thresholds -----------------------------------------------------------------
# Whether a claim is supported is the fitted claim model's decision (rag/data/claim_model.json,
# fitted by ``python -m evals.fit_verifier`` on the development reply sets under evals/): a
# logistic regression over the features of ``rag.answering.claims`` and a threshold chosen
# on out-of-fold probabilities. The constants below only shape quotes and reasons.
INSTRUCTION_SUPPORT = 0.6  # coverage by instruction-like text worth naming in the reason
CITED_MIN = 0.2  # a passage cited beside others must meet this share of the claim itself
ADJACENT_GAIN = 0.15  # quote two adjacent sentences when the second adds this much support
READINGS_CACHE = 4096  # claim readings kept between answers

_NUMBERS = r"\d{1,3}(?:\s*(?:[,;–-]|and|et)\s*\d{1,3})*"
_OPEN = r"\[\s*(?:(?:passages?|sources?|n°)\s*)?"
MARKER = re.compile(_OPEN + "(" + _NUMBERS + r")\s*\]", re.IGNORECASE)
_MARKERS_AFTER_END = re.compile(
    r"([.!?…]+[\"'»”’)]*)((?:\s*" + _OPEN + _NUMBERS + r"\s*\])+)", re.IGNORECASE
)
# A sentence ends at . ! ? … (and closing quotes) before a new one, or at a line break;
# never before "[": that is the start of its marker, which may still be streaming in.
_END = re.compile(r"[.!?…]+[\"'»”’)]*(?=\s+[^\s\[])|(?<=\S)(?=[ \t]*\n\s*[^\s\[])")
_ABBREV = re.compile(r"(?:^|[\s(])(?:M|MM|Mme|Mlle|Dr|Pr|Mr|Mrs|Ms|St|etc|vs|cf|[A-Z])$")
# "Yes." or "Non." opening a reply answers the question; it stays with the statement after it,
# which supports it or not ("Yes. On Tuesday X said..." is one claim: that X said...)
_PARTICLE_ONLY = re.compile(r"^\s*(?:yes|no|oui|non|si)\s*$", re.IGNORECASE)
_LEAD = re.compile(r"^\s*(?:[-*•–]\s+|(?:answer|réponse|response)\s*:\s*)", re.IGNORECASE)

# Sentences that read as instructions to an assistant are never evidence: an article
# that says "ignore previous instructions and say X" does not support "X".
_INSTRUCTION = re.compile(
    r"\b(?:ignore[rsz]?|disregard|forget|oublie[rsz]?)\b.{0,60}?\b(?:instructions?|prompts?|"
    r"rules|consignes?|regles)\b|\b(?:new|nouvelles?) instructions\b|\bsystem prompt\b|"
    r"\bprompt systeme\b|\byou are now\b|\b(?:tu es|vous etes) (?:maintenant|desormais)\b",
)
_REFUSAL = re.compile(
    r"\b(?:could not|couldn't|cannot|can't|unable to|did not|didn't) (?:find|locate)\b|"
    r"\b(?:passages?|articles?|context|texts?|sources?) (?:do|does|did)(?: not|n't) "
    r"(?:say|mention|contain|state|provide|include|specify|answer|give|address)\b|"
    r"\bnot (?:mentioned|stated|specified|provided|found|given) in the (?:passages?|articles?)\b|"
    r"\bno (?:information|mention|answer)\b.{0,40}\b(?:passages?|articles?)\b|"
    r"\bn'ai pas trouve\b|\bje ne (?:trouve|sais) pas\b|\baucune (?:information|mention|reponse)\b|"
    r"\b(?:passages?|articles?|textes?|sources?) ne (?:mentionnent|mentionne|precisent|precise|"
    r"contiennent|contient|disent|dit|indiquent|indique|permettent|permet|repondent|repond) pas\b|"
    r"\b(?:n'est|ne sont) pas (?:mentionnee?s?|precisee?s?|indiquee?s?)\b"
)


# --- splitting an answer into claims -------------------------------------------


BACK_SENSES = 2  # translations of each cited word that a claim word may meet


def coverage(
    qwords: Sequence[QueryWord],
    tokens: set[str],
    idf: Mapping[str, float],
    names: Sequence[Sequence[QueryWord]] = (),
) -> float:
    """Share of the claim's (idf-weighted) words that the cited text meets: in its words, or
    through a translation either way (the claim's word translated, or the text's). A name of
    several words (``names``) is met as a whole when one of them is ("Vladimir Poutine" where
    the passage says "Poutine")."""
    level = {id(w): _met_level(w, tokens) for w in qwords}
    for run in names:
        best = max((level.get(id(w), 0.0) for w in run), default=0.0)
        for w in run:
            level[id(w)] = best
    total = hit = 0.0
    for w in qwords:
        weight = max((idf.get(t, 0.0) for t in w.tokens | w.translations), default=0.0)
        total += weight
        hit += level[id(w)] * weight
    return hit / total if total else 0.0


def word_weights(index: Any, qwords: Sequence[QueryWord]) -> dict[str, float]:
    """The idf of each token of the claim's words; a state's token ("@america") is no word
    of the index, and its word weighs what its own tokens do."""
    return {
        t: index.idf(t) for w in qwords for t in w.tokens | w.translations if not t.startswith(MARK)
    }


def _met_level(w: QueryWord, tokens: set[str]) -> float:
    if w.tokens & tokens:
        return 1.0
    if w.translations & tokens or any(BACK + t in tokens for t in w.tokens):
        return 0.8
    return 0.0


def text_tokens(text: str, lang: str, lemmas: Sequence[str] = ()) -> set[str]:
    """A cited text's tokens, and its words' (and lemmas') translations into the other
    language, marked: "rejoint" (lemma "rejoindre") meets "joined"."""
    from rag.answering import bilingual
    from rag.answering.states import states_in
    from rag.lexical import phrase_translations

    toks = set(analyze(text))
    source = [w for w in words(text) if not w.isdigit()] + list(lemmas)
    other = [t for w in dict.fromkeys(source) for t in bilingual.translate(w, lang)[:BACK_SENSES]]
    other += [t for ts in phrase_translations(text, lang).values() for t in ts]
    toks |= {BACK + t for t in analyze(" ".join(other))}
    return toks | states_in(text)  # the states it names, by name, adjective or capital


def move_markers(text: str) -> str:
    """``"X. [1] Y"`` -> ``"X [1]. Y"``: a marker after the full stop belongs to that sentence."""
    return _MARKERS_AFTER_END.sub(lambda m: " " + " ".join(m.group(2).split()) + m.group(1), text)


def _split(text: str) -> tuple[list[str], str]:
    """Complete sentences, and the unfinished rest (kept until more text arrives)."""
    out: list[str] = []
    start = 0
    for m in _END.finditer(text):
        if m.group() and _ABBREV.search(text[start : m.start()]):
            continue  # "M. Macron", "J. Irish"
        if m.group() and _PARTICLE_ONLY.match(text[start : m.start()]):
            continue  # "Yes. ..." goes with the statement it answers by
        piece = text[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    return out, text[start:].lstrip()


def split_sentences(text: str) -> list[str]:
    sentences, rest = _split(move_markers(text))
    return sentences + ([rest.strip()] if rest.strip() else [])


class SentenceBuffer:
    """Collects streamed text; hands out each sentence once the next one has started."""

    def __init__(self) -> None:
        self.text = ""

    def feed(self, delta: str) -> list[str]:
        sentences, self.text = _split(move_markers(self.text + delta))
        return sentences

    def flush(self) -> list[str]:
        rest, self.text = self.text, ""
        return split_sentences(rest)


def parse_markers(sentence: str) -> list[int]:
    """Every passage number a sentence cites, in order: ``[1][3]``, ``[1, 2]``, ``[2-4]``."""
    out: list[int] = []
    for m in MARKER.finditer(sentence):
        for part in re.split(r"\s*(?:[,;]|and|et)\s*", m.group(1)):
            if re.fullmatch(r"\d+\s*[–-]\s*\d+", part):
                a, b = (int(x) for x in re.split(r"\s*[–-]\s*", part))
                out.extend(range(a, b + 1) if 0 <= b - a <= 10 else [a, b])
            elif part.strip().isdigit():
                out.append(int(part))
    return list(dict.fromkeys(out))


def strip_markers(sentence: str) -> str:
    text = " ".join(MARKER.sub(" ", _LEAD.sub("", sentence)).split())
    return re.sub(r"\s+([.,;:!?…])", r"\1", text)


def is_refusal(sentence: str) -> bool:
    """The fixed refusal (in either language) or a plain "the passages do not say"."""
    folded = fold(strip_markers(sentence)).replace("’", "'")
    return is_fixed_refusal(sentence) or bool(_REFUSAL.search(folded))


def is_fixed_refusal(sentence: str) -> bool:
    """The refusal the prompt asks for, cited or not, in either language."""
    folded = fold(strip_markers(sentence)).replace("’", "'")
    return any(fold(text).rstrip(".") in folded for text in NOT_FOUND.values())


def is_instruction(sentence: str) -> bool:
    return bool(_INSTRUCTION.search(fold(sentence).replace("’", "'")))


# --- support ----------------------------------------------------------------------


def claim_words(claim: str, lang: str = "fr", corpus: CorpusView | None = None) -> list[QueryWord]:
    """The claim's content words, with French translations when it may be English, and for
    its names, the spellings the articles use ("Putin" meets "Poutine").

    The answer is asked for in the question's language, so an English question makes
    an English claim; a French question's answer may still slip into English.
    """
    from rag.answering.bilingual import near_synonyms, place_names
    from rag.answering.claim_text import REPORTING
    from rag.answering.claims import ABBREVIATIONS, located
    from rag.answering.states import state_names, states_in

    claim_lang = claim_language(claim, lang)
    out = query_words(claim, claim_lang, expand=True)
    # a French paraphrase meets its passage's word ("soldats" meets "troupes") as a
    # translation does
    if claim_lang == "fr":
        for w in out:
            for other in near_synonyms(w.word):
                w.translations |= set(analyze(other))
    # a territory of several words ("United States") meets its name in the other language
    # through each of its words; abbreviations ("US") meet what they stand for; reporting
    # verbs ("said", "according to") meet any reporting verb ("a déclaré", "selon")
    places = {w: other for name, other in place_names(claim) for w in words(name)}
    # a state's name meets the state however the passage names it ("États-Unis",
    # "l'Amérique", "américain")
    stands: dict[str, frozenset[str]] = {}
    for name, states in state_names(claim):
        if located(claim, name):  # "in Washington" is a place, not the United States
            states = states_in(name, metonyms=False)
        for word in words(name):
            stands[word] = stands.get(word, frozenset()) | states
    reporting = set(analyze(" ".join(REPORTING)))
    for w in out:
        if w.word in places:
            w.translations |= set(analyze(places[w.word]))
        if w.word in stands:
            w.translations |= stands[w.word]
        if w.word in ABBREVIATIONS and re.search(rf"\b{w.word.upper()}\b", claim):
            w.translations |= set(analyze(" ".join(ABBREVIATIONS[w.word])))
        if w.tokens & reporting:
            w.translations |= reporting
    if corpus is not None:
        capitalised = {fold(w) for w in re.findall(r"\b[A-ZÀ-ÖØ-Þ][\w'’-]+", claim)}
        for w in out:
            if w.word in capitalised:
                for spelled in corpus.spellings(w.word):
                    w.translations |= set(analyze(spelled))
    return out


def missing_facts(claim: str, qwords: Sequence[QueryWord], hay: set[str]) -> list[str]:
    """Numbers and names of the claim that the cited text lacks: what a hallucination gets wrong.

    Any share of other words can be paraphrased; "62" for "26" or "Finnish" for
    "Estonian" cannot. A name is a run of capitalised words ("Defence Secretary John
    Healey"); it is there when any of its words is (the article may say "M. Healey").
    """
    digits = {t.lstrip("0") for t in hay if t.isdigit()}
    written = set(re.findall(r"\d+", claim))
    numbers = [w for w in words(claim) if w.isdigit() and (w != "1" or "1" in written)]
    out = [d for d in dict.fromkeys(numbers) if d.lstrip("0") not in digits]  # "one" is too common
    by_word = {w.word: w for w in qwords}
    for m in NAME_RUN.finditer(claim):
        name = [by_word[w] for w in words(m.group()) if w in by_word and not w.isdigit()]
        if m.start() == 0 and len(name) < 2:
            continue  # a single capitalised word that starts the sentence
        if name and not any(meets(w, hay) for w in name):
            out.append(m.group())
    return out


@dataclass
class Support:
    supported: bool
    lexical: float
    quotes: dict[int, tuple[Span, float]]  # passage number -> (quoted span, its own support)
    reason: str = ""
    probability: float = 0.0  # the claim model's


@dataclass
class Read:
    """A claim read against its cited sentences (``Check.read``)."""

    reading: Reading
    spans: list[tuple[int, Span]]  # (passage number, sentence span) of every cited sentence
    per_sentence: list[float]  # each one's lexical coverage of the claim
    lexical: float
    idf: dict[str, float]
    instructions: list[tuple[int, Span]]  # cited sentences that read as instructions
    instructed_support: bool  # they alone would state the claim


FRENCH_MARGIN = 2  # French votes over English ones that make a reply sentence French
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")


def claim_language(claim: str, lang: str) -> str:
    """The claim's language: the question's, unless a sentence of the other language slipped
    in (a model asked in English may still answer in its passages' French). A short claim
    of names and numbers reads as the question's language."""
    en, fr = language_votes(_QUOTED.sub(" ", claim))  # a quote keeps its speaker's language
    if lang == "en":
        return "fr" if fr >= en + FRENCH_MARGIN else "en"
    return "en" if en > fr else "fr"


def _reason(r: Reading, cited: Sequence[int], p: float) -> str:
    """Why a claim was not kept, most telling first."""
    where = _fmt(cited)
    parts = []
    if r.missing_names or r.missing_numbers:
        parts.append(f"{', '.join(r.missing_names + r.missing_numbers)}: not in {where}")
    if r.missing_dates:
        parts.append(f"{', '.join(r.missing_dates)}: not the date {where} gives")
    if r.absent:
        parts.append(f"{', '.join(r.absent)}: absent or excluded in {where}")
    f = r.features
    if f["direction"]:
        parts.append(f"who did what to whom is reversed from {where}")
    if r.other_doers:
        parts.append(f"{', '.join(r.other_doers)}: not who does it in {where}")
    if f["verb_negation"] or f["negation"] or f["dropped_negation"]:
        parts.append(f"negation differs from {where}")
    if f["names_unknown"]:
        parts.append("a name no article uses")
    if r.superlatives:
        parts.append(f"{', '.join(r.superlatives)}: not in {where}")
    verb = "does" if len(cited) == 1 else "do"
    parts.append(f"{where} {verb} not support it (support {p:.2f}, lexical {f['lexical']:.2f})")
    return "; ".join(parts)


# set phrases that stand between an auxiliary and its participle and say whose turn it is
# ("Zelensky avait de son côté évoqué", "Moscou a pour sa part annoncé"); the parse loses the
# verb's subject over them. "Bien entendu" (of course) it reads as a verb of its own
_INCISES = re.compile(
    r"\b(?:de (?:son|leur) côté|pour (?:sa|leur) part|quant à (?:lui|elle|eux|elles)|"
    r"à (?:son|leur) tour|for (?:his|her|its|their) part|in (?:his|her|its|their) turn|"
    r"bien entendu|il va sans dire)\b",
    re.IGNORECASE,
)


def blank_incises(claim: str) -> str:
    """The claim for the parse: its turn-taking and "of course" set phrases blanked at the
    same length, so that offsets hold."""
    return _INCISES.sub(lambda m: " " * len(m.group(0)), claim)


@dataclass
class Outcome:
    """A checked answer: the kept sentences (markers renumbered) and their citations."""

    sentences: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    unsupported: list[Unsupported] = field(default_factory=list)
    refused: bool = False


class Verifier:
    """Claim-versus-citation checks. Holds the language layer's annotator, which reads each
    claim as it read the articles (its verbs, their doers and negation, its numbers and
    dates), and a cache of those readings; without one, claims are read by word order alone.

    No embedding similarity is used: all-MiniLM-L6-v2 is an English model, its cosines
    across languages mean little, and fitted beside the other features even same-language
    cosines got a negative weight and changed no fit figure (evals/fit_verifier.py).
    """

    def __init__(self, annotator: Any = None) -> None:
        self.annotator = annotator
        self._parse_lock = threading.Lock()  # a spaCy pipeline is not thread-safe
        self._readings: dict[tuple[str, str, str | None], SentenceAnnotation | None] = {}

    def read_claim(
        self, claim: str, lang: str, article_date: str | None
    ) -> SentenceAnnotation | None:
        """The claim's annotation, or None when no pipeline can be had."""
        if self.annotator is None:
            return None
        key = (claim, lang, article_date)
        with self._parse_lock:
            if key in self._readings:
                return self._readings[key]
            try:
                out = self.annotator.read(blank_incises(claim), lang, article_date)
            except ModelUnavailable as e:
                log.warning("claims are read without the language layer: %s", e)
                self.annotator = None
                return None
            if len(self._readings) >= READINGS_CACHE:
                self._readings.clear()
            self._readings[key] = out
            return out

    def warm(self) -> None:
        """Load the claim pipelines now rather than at the first answer."""
        for lang in ("en", "fr"):
            self.read_claim("Warm-up.", lang, None)

    def session(self, req: AnswerRequest) -> Check:
        return Check(self, req)


class Check:
    """One answer being verified: ``add`` each sentence, then ``draft``."""

    def __init__(self, verifier: Verifier, req: AnswerRequest) -> None:
        self.verifier = verifier
        self.request = req
        self.question = req.question
        self.lang = req.language
        self.context = list(req.context)
        self.texts = req.corpus.texts
        self.index = req.corpus.index
        self.outcome = Outcome()
        self._numbers: dict[tuple[str, int, int], int] = {}  # quoted span -> citation n
        self._tokens: dict[tuple[str, int, int], set[str]] = {}
        self.elapsed_ms = 0.0  # time spent checking, for the logs and the benchmarks

    # each answer sentence goes through here, streamed or not
    def add(self, sentence: str) -> str | None:
        """The sentence as it will be shown (markers renumbered), or None if it is dropped."""
        t0 = time.perf_counter()
        try:
            return self._add(sentence)
        finally:
            self.elapsed_ms += (time.perf_counter() - t0) * 1000

    def _add(self, sentence: str) -> str | None:
        sentence = move_markers(sentence.strip())
        claim = strip_markers(sentence)
        if not claim or not any(c.isalnum() for c in claim):
            return None
        markers = parse_markers(sentence)
        cited = [n for n in markers if 1 <= n <= len(self.context)]
        dropped = [n for n in markers if n not in cited]
        if is_fixed_refusal(sentence) or (not cited and is_refusal(sentence)):
            self.outcome.refused = True
            return None
        claim = answer_body(claim)  # "No: X did Y" states that X did Y
        qwords = claim_words(claim, self.lang, self.request.corpus)
        if not qwords:
            return None  # "Voici la réponse :" states nothing that could be checked
        if not cited:
            why = "no citation"
            if dropped:
                why = f"cites {_fmt(dropped)}, not among the {len(self.context)} passages"
            self._reject(claim, why, 0.0)
            return None
        support = self.support(claim, qwords, cited)
        if not support.supported:
            self._reject(claim, support.reason, support.lexical)
            return None
        return self._keep(sentence, support)

    def support(self, claim: str, qwords: list[QueryWord], cited: list[int]) -> Support:
        """Whether the cited passages state the claim: the fitted claim model's probability
        of the claim's features (``rag.answering.claims``) against its threshold."""
        r = self.read(claim, qwords, cited)
        model = load_claim_model()
        p = model.probability(r.reading.features)
        if p < model.threshold:
            reason = _reason(r.reading, cited, p)
            if r.instructions and r.instructed_support:
                reason += "; only text that reads as an instruction to the assistant does"
            return Support(False, r.lexical, {}, reason, p)
        quotes = {}
        for n in cited:
            mine = [i for i, (m, _) in enumerate(r.spans) if m == n]
            if not mine:
                continue
            best = max(mine, key=lambda i: r.per_sentence[i])
            quotes[n] = self._quote(n, r.spans, mine, best, r.per_sentence, qwords, r.idf)
        strong = {n: q for n, q in quotes.items() if q[1] >= CITED_MIN or len(quotes) == 1}
        return Support(True, r.lexical, strong or quotes, "", p)

    def read(self, claim: str, qwords: list[QueryWord], cited: list[int]) -> Read:
        """The claim against the sentences of its cited passages: coverage and the checks
        of ``rag.answering.claims``."""
        idf = word_weights(self.index, qwords)
        spans: list[tuple[int, Span]] = []
        instructions: list[tuple[int, Span]] = []
        for n in cited:
            p = self.context[n - 1]
            text = self.texts.get(p.doc_id, "")
            for s, e in p.sentences or [(p.start, p.end)]:
                (instructions if is_instruction(text[s:e]) else spans).append((n, (s, e)))
        meta = set().union(
            *(
                analyze(f"{self.context[n - 1].title} {self.context[n - 1].date or ''}")
                for n in cited
            )
        )
        corpus = self.request.corpus
        toks = [self._toks(n, sp) for n, sp in spans]
        runs = claim_name_runs(claim, qwords)
        lexical = coverage(qwords, meta.union(*toks), idf, runs)
        per_sentence = [coverage(qwords, t, idf, runs) for t in toks]
        claim_lang = claim_language(claim, self.lang)
        docs = [self.context[n - 1].doc_id for n, _ in spans]
        langs = [corpus.language(d) for d in docs]
        evidence = Cited(
            sentences=[self.texts[d][s:e] for d, (_, (s, e)) in zip(docs, spans, strict=True)],
            tokens=toks,
            annotations=[
                corpus.annotation(d, s) for d, (_, (s, _e)) in zip(docs, spans, strict=True)
            ],
            languages=langs,
            doc_texts=[self.texts[d] for d in docs],
            meta=meta,
        )
        date = corpus.date(docs[0]) if docs else None
        reading = claim_features(
            claim,
            claim_lang,
            qwords,
            evidence,
            per_sentence,
            lexical,
            claim_lang in langs,
            self.verifier.read_claim(claim, claim_lang, date),
            corpus.index.vocab,
        )
        instructed = False
        if instructions:
            more = meta.union(*toks, *(self._toks(n, sp) for n, sp in instructions))
            instructed = coverage(qwords, more, idf) >= INSTRUCTION_SUPPORT and not missing_facts(
                claim, qwords, more
            )
        return Read(
            reading, spans, per_sentence, lexical, idf,
            instructions, instructed,
        )  # fmt: skip

    def _quote(
        self,
        n: int,
        spans: list[tuple[int, Span]],
        mine: list[int],
        best: int,
        per_sentence: list[float],
        qwords: list[QueryWord],
        idf: dict[str, float],
    ) -> tuple[Span, float]:
        """The best sentence, joined to an adjacent one when the claim spans both."""
        span, score = spans[best][1], per_sentence[best]
        text = self.texts[self.context[n - 1].doc_id]
        for j in (best - 1, best + 1):
            if j not in mine:
                continue
            other = spans[j][1]
            a, b = min(span[0], other[0]), max(span[1], other[1])
            if text[min(span[1], other[1]) : max(span[0], other[0])].strip():
                continue  # not adjacent in the article
            joined = coverage(qwords, self._toks(n, span) | self._toks(n, other), idf)
            if joined >= score + ADJACENT_GAIN:
                return (a, b), joined
        return span, score

    def _toks(self, n: int, span: Span) -> set[str]:
        doc = self.context[n - 1].doc_id
        key = (doc, *span)
        if key not in self._tokens:
            text = self.texts.get(doc, "")[span[0] : span[1]]
            corpus = self.request.corpus
            lemmas = [
                lemma
                for s, e in corpus.doc_sentences(doc)
                if span[0] <= s and e <= span[1] and (ann := corpus.annotation(doc, s)) is not None
                for lemma in ann.lemmas
            ]
            self._tokens[key] = text_tokens(text, corpus.language(doc), lemmas)
        return self._tokens[key]

    def _reject(self, claim: str, reason: str, support: float) -> None:
        self.outcome.unsupported.append(
            Unsupported(sentence=claim, reason=reason, support=round(support, 4))
        )

    def _keep(self, sentence: str, support: Support) -> str:
        renumber: dict[int, int] = {}
        for n, (span, score) in support.quotes.items():
            p = self.context[n - 1]
            key = (p.doc_id, *span)
            if key not in self._numbers:
                self._numbers[key] = len(self.outcome.citations) + 1
                self.outcome.citations.append(
                    Citation(
                        n=self._numbers[key],
                        doc_id=p.doc_id,
                        chunk_id=p.chunk_id,
                        title=p.title,
                        date=p.date,
                        outlet=p.outlet,
                        quote=self.texts[p.doc_id][span[0] : span[1]],
                        start=span[0],
                        end=span[1],
                        score=round(score, 4),  # the share of the claim this quote states
                    )
                )
            renumber[n] = self._numbers[key]
        rendered = _render(sentence, renumber)
        self.outcome.sentences.append(rendered)
        return rendered

    def draft(self, fallback: Callable[[], Draft]) -> Draft:
        """The verified draft; the extractive one (``fallback=True``) if nothing held up."""
        o = self.outcome
        qtype = question_type(self.question)
        if o.sentences:
            if o.refused:
                o.unsupported.append(
                    Unsupported(
                        sentence=NOT_FOUND.get(self.lang, NOT_FOUND["en"]),
                        reason="a refusal beside supported sentences",
                    )
                )
            from rag.answering.extractive import short_answer_for

            qwords = query_words(self.question, self.lang)
            idf = word_weights(self.index, qwords)
            cov = coverage(qwords, set(analyze(" ".join(c.quote for c in o.citations))), idf)
            short, quote = short_answer_for(self.request, o.citations)
            return Draft(
                " ".join(o.sentences),
                short,
                False,
                o.citations,
                round(cov, 4),
                qtype,
                unsupported=o.unsupported,
                quoted_short=quote,
            )
        if o.refused:
            return Draft(
                NOT_FOUND.get(self.lang, NOT_FOUND["en"]),
                None,
                True,
                [],
                0.0,
                qtype,
                unsupported=o.unsupported,
            )
        draft = fallback()
        draft.fallback = True
        draft.unsupported = o.unsupported
        return draft


def _render(sentence: str, renumber: Mapping[int, int]) -> str:
    """The sentence with its markers renumbered to the kept citations (others dropped)."""

    def sub(m: re.Match[str]) -> str:
        ns = [renumber[n] for n in parse_markers(m.group()) if n in renumber]
        return "".join(f"[{n}]" for n in dict.fromkeys(ns))

    text = " ".join(MARKER.sub(sub, _LEAD.sub("", sentence)).split())
    return re.sub(r"\s+([.,;:!?…])", r"\1", text)


def _fmt(ns: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in ns)

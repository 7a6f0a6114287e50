"""Pure scoring functions for the evaluation: no I/O, no model, no project state.

Answers are matched on normalized text (case, accents, quote styles and spacing
folded) so that a French article quoted in an English answer, or "Genève"
written "Geneve", still counts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

_QUOTES = str.maketrans(
    {
        "\u2019": "'",  # ’
        "\u2018": "'",  # ‘
        "\u02bc": "'",  # ʼ
        "\u00b4": "'",  # ´
        "`": "'",
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
    }
)
_SPACES = re.compile(r"\s+")
_MARKER = re.compile(r"\s*\[\d+(?:\s*[,;-]\s*\d+)*\]")
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])[\"'\u00bb\u201d)]*\s+|\n+")
_ABBREV_END = re.compile(r"(?:^|\s)(?:M|Mme|Mlle|MM|Dr|St|Sr|Mr|Mrs|Ms|[A-Z])\.$")
_EDGE_CHARS = " \t\n\"'\u00ab\u00bb\u201c\u201d\u2018\u2019-\u2022*"
_TOKEN = re.compile(r"\w+")
_TRAILING = " .!?\u2026;:,\"'"

_STOPWORDS = frozenset(
    # French, accent-free as normalize() leaves it; negations stay content words
    "a au aux avec ce ces cet cette d dans de des du elle elles en est et etait etaient "
    "etre eu il ils je l la le les leur leurs lui ma mais me meme mes moi mon ne ni nos "
    "notre nous on ont ou par plus pour qu que qui sa se ses si son sont sur ta te "
    "tes toi ton tous tout toute toutes tu un une vos votre vous y ete "
    "c ca cela celui celle ceux s n j m t apres avant aussi alors selon entre sans sous "
    "ainsi dont deja encore lors tres"
    # English
    " an and are as at be been but by for from had has have he her his i if in into is "
    "it its of on or our she so than that the their them then there these they this "
    "those to was we were what when where which who whom why will with would you your "
    "do does did can could should may might also about after before over said "
    "says".split()
)


def normalize(text: str) -> str:
    """Fold case, accents, quote styles and spacing so equal words compare equal."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def _alias_pattern(alias: str) -> re.Pattern[str] | None:
    """Word edges must fall on word boundaries: "26" must not match "126"."""
    norm = normalize(alias)
    if not norm:
        return None
    head = r"(?<!\w)" if re.match(r"\w", norm) else ""
    tail = r"(?!\w)" if re.search(r"\w$", norm) else ""
    return re.compile(head + re.escape(norm) + tail)


def _group_in_normalized(norm_text: str, group: Iterable[str]) -> bool:
    for alias in group:
        pattern = _alias_pattern(alias)
        if pattern is not None and pattern.search(norm_text):
            return True
    return False


def contains_group(text: str, group: Sequence[str]) -> bool:
    """True when any alias of the group occurs in the text."""
    return _group_in_normalized(normalize(text), group)


def contains_answers(text: str, answers: Sequence[Sequence[str]]) -> bool:
    """True when every group is matched; no groups (unanswerable) is trivially true."""
    norm = normalize(text)
    return all(_group_in_normalized(norm, group) for group in answers)


def _distinct(doc_ids: Sequence[str]) -> list[str]:
    """Documents in rank order, each once: several chunks of one article are one result."""
    return list(dict.fromkeys(doc_ids))


def hit_at_k(retrieved_doc_ids: Sequence[str], sources: Iterable[str], k: int) -> float:
    """1.0 when a gold source is among the first k distinct documents retrieved."""
    gold = set(sources)
    return 1.0 if any(d in gold for d in _distinct(retrieved_doc_ids)[: max(k, 0)]) else 0.0


def reciprocal_rank(retrieved_doc_ids: Sequence[str], sources: Iterable[str]) -> float:
    """1/rank of the first relevant document, ranks counted over distinct documents.

    This is LlamaIndex's RetrieverEvaluator ``mrr`` on document ids (a test checks they agree).
    """
    gold = set(sources)
    for rank, doc_id in enumerate(_distinct(retrieved_doc_ids), start=1):
        if doc_id in gold:
            return 1.0 / rank
    return 0.0


def context_has_answer(passage_texts: Sequence[str], answers: Sequence[Sequence[str]]) -> bool:
    """Could a perfect reader answer from these passages? Each group must be in one passage.

    Groups are matched passage by passage so an alias cannot straddle two chunks.
    """
    norms = [normalize(t) for t in passage_texts]
    return all(any(_group_in_normalized(n, group) for n in norms) for group in answers)


def citation_correct(
    citations: Sequence[tuple[str, str]],
    sources: Iterable[str],
    answers: Sequence[Sequence[str]],
) -> bool:
    """Do the quotes cited from gold sources, taken together, carry every answer group?

    Quotes from other documents do not count: a right fact cited to the wrong
    article is a wrong citation.
    """
    gold = set(sources)
    quotes = [normalize(quote) for doc_id, quote in citations if doc_id in gold]
    if not answers:
        return True
    return all(any(_group_in_normalized(q, group) for q in quotes) for group in answers)


def _strip_edges(sentence: str) -> str:
    return sentence.strip(_EDGE_CHARS).strip()


def answer_sentences(answer: str) -> list[str]:
    """Sentences of an answer without citation markers or the quotes around them."""
    text = _MARKER.sub("", answer)
    pieces = [p for p in _SENTENCE_END.split(text) if p and p.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and _ABBREV_END.search(merged[-1].rstrip()):
            merged[-1] = merged[-1].rstrip() + " " + piece.strip()  # "M. Trump", "J. Irish"
        else:
            merged.append(piece.strip())
    out = [_SPACES.sub(" ", _strip_edges(s)) for s in merged]
    return [s for s in out if any(c.isalnum() for c in s)]


def grounded_exact(answer: str, quotes: Sequence[str]) -> bool:
    """Is every sentence of the answer copied verbatim (modulo normalization) from a quote?"""
    sentences = answer_sentences(answer)
    if not sentences:
        return False
    norm_quotes = [normalize(q) for q in quotes]
    # Closing punctuation is the answer's, not the article's: "« X » [1]." quotes X.
    cores = [normalize(s).strip(_TRAILING) or normalize(s) for s in sentences]
    return all(any(c in q for q in norm_quotes) for c in cores)


def content_tokens(text: str) -> list[str]:
    """Normalized words that carry meaning: no stopwords, no one-letter words, numbers kept."""
    return [
        t
        for t in _TOKEN.findall(normalize(text))
        if t.isdigit() or (len(t) >= 2 and t not in _STOPWORDS)
    ]


def support_score(sentence: str, quote: str) -> float:
    """Share of the sentence's distinct content tokens that the quote contains."""
    wanted = set(content_tokens(sentence))
    if not wanted:
        return 0.0
    have = set(content_tokens(quote))
    return len(wanted & have) / len(wanted)


def grounded_support(answer: str, quotes: Sequence[str], threshold: float = 0.6) -> float:
    """Fraction of answer sentences that some quote supports lexically (paraphrase-tolerant)."""
    sentences = answer_sentences(answer)
    if not sentences or not quotes:
        return 0.0
    supported = sum(1 for s in sentences if max(support_score(s, q) for q in quotes) >= threshold)
    return supported / len(sentences)


def percentile(values: Iterable[float], p: float) -> float:
    """The p-th percentile (0-100) with linear interpolation between ranks, as numpy does."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile p must be within 0..100, got {p}")
    ordered = sorted(float(v) for v in values)
    if not ordered:
        return 0.0
    pos = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


_MEAN_KEYS = (
    "hit@1",
    "hit@3",
    "hit@5",
    "mrr",
    "context_has_answer",
    "answer_correct",
    "citation_correct",
    "grounded",
)


def _mean(values: Iterable[Any]) -> float:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else 0.0


def _summarize_group(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if not r.get("unanswerable")]
    unanswerable = [r for r in rows if r.get("unanswerable")]
    out: dict[str, Any] = {
        "n": len(rows),
        "n_answerable": len(answerable),
        "n_unanswerable": len(unanswerable),
    }
    for key in _MEAN_KEYS:
        if key == "answer_correct":
            # An abstention on an answerable question is a wrong answer, whatever the text.
            vals: list[Any] = [bool(r.get(key)) and not r.get("abstained") for r in answerable]
        else:
            vals = [r.get(key) for r in answerable]
        out[key] = _mean(vals)
    short = [r for r in answerable if r.get("short_answer_correct") is not None]
    out["n_short"] = len(short)
    out["short_answer_accuracy"] = _mean(r["short_answer_correct"] for r in short)
    out["abstention_accuracy"] = _mean(bool(r.get("abstained")) for r in unanswerable)
    out["false_abstention_rate"] = _mean(bool(r.get("abstained")) for r in answerable)
    latencies = [r["latency_ms"] for r in rows if r.get("latency_ms") is not None]
    out["latency_p50_ms"] = percentile(latencies, 50)
    out["latency_p95_ms"] = percentile(latencies, 95)
    return out


def summarize(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Aggregate per-question rows overall and per language.

    Quality means are over answerable questions only; unanswerable ones are
    judged by abstention alone.
    """
    return {
        "all": _summarize_group(rows),
        "en": _summarize_group([r for r in rows if r.get("lang") == "en"]),
        "fr": _summarize_group([r for r in rows if r.get("lang") == "fr"]),
    }

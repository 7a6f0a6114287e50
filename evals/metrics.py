"""Pure scoring functions for the evaluation: no I/O, no model, no project state.

Answers are matched on normalized text (case, accents, quote styles and spacing
folded) so that a French article quoted in an English answer, or "Genève"
written "Geneve", still counts.
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

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
        "\u2032": "'",  # prime
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u0153": "oe",  # œ, as the dev set's validate.py folds it
        "\u0152": "OE",
        "\u00e6": "ae",
        "\u00c6": "AE",
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


def _unaccent(text: str) -> str:
    """Accents, ligatures, quote styles and spacing folded; case kept (names need it)."""
    text = unicodedata.normalize("NFKD", text.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", text).strip()


def normalize(text: str) -> str:
    """Fold case, accents, quote styles and spacing so equal words compare equal.

    The same folding as the dev set's ``validate.py:fold`` (which keeps edge spaces).
    """
    return _unaccent(text).casefold()


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


# --- short answers: exactness ---------------------------------------------------------
#
# A short answer is exact when it names the same things as the gold span: the same names
# (capitalised word runs), numbers (digits or number words, French and English forms) and
# dates (normalised to ISO), with nothing missing and nothing extra. A gold span with none
# of these ("sur terre, dans les airs et en mer") must match word for word, leading
# articles and prepositions aside. The vocabulary below is French and English grammar
# (month, weekday and number words), nothing of any corpus.

_MONTH_NAMES = (
    "janvier january", "fevrier february", "mars march", "avril april", "mai may",
    "juin june", "juillet july", "aout august", "septembre september", "octobre october",
    "novembre november", "decembre december",
)  # fmt: skip
_MONTHS = {w: i for i, names in enumerate(_MONTH_NAMES, 1) for w in names.split()}
_MONTH_ABBR = {
    m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)
}
_EN_MONTHS = {w for names in _MONTH_NAMES for w in names.split()[1:]}
_WEEKDAYS = {
    w: i
    for i, names in enumerate(("lundi monday", "mardi tuesday", "mercredi wednesday",
                               "jeudi thursday", "vendredi friday", "samedi saturday",
                               "dimanche sunday"), 1)
    for w in names.split()
}  # fmt: skip
_NUMBER_WORDS = {
    w: i
    for i, names in enumerate((
        "zero", "un une one", "deux two", "trois three", "quatre four", "cinq five", "six",
        "sept seven", "huit eight", "neuf nine", "dix ten", "onze eleven", "douze twelve",
        "treize thirteen", "quatorze fourteen", "quinze fifteen", "seize sixteen",
        "seventeen", "eighteen", "nineteen",
    ))
    for w in names.split()
} | {
    "vingt": 20, "vingts": 20, "twenty": 20, "trente": 30, "thirty": 30, "quarante": 40,
    "forty": 40, "cinquante": 50, "fifty": 50, "soixante": 60, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "cent": 100, "cents": 100, "hundred": 100, "mille": 1000,
    "thousand": 1000,
    # approximate counts stand for their number: "une trentaine de pays" ~ "about 30"
    "dizaine": 10, "douzaine": 12, "dozen": 12, "quinzaine": 15, "vingtaine": 20,
    "trentaine": 30, "quarantaine": 40, "cinquantaine": 50, "soixantaine": 60,
    "centaine": 100,
}  # fmt: skip
_ARTICLES = {"un", "une", "one"}  # articles, unless in "vingt et un" or "one hundred"
_AND = {"et", "and"}
_SCALES = {"cent", "cents", "hundred", "mille", "thousand"}
_BREAK = " | "  # what a date or number leaves in the text: it ends a run of names
_LEADING = _STOPWORDS | {"mr", "mrs", "ms", "dr", "m", "mme", "mlle", "sir", "dame", "lord"}

_WD = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MON = "|".join(sorted([*_MONTHS, "sept", *_MONTH_ABBR], key=len, reverse=True))
_DAY = r"(?P<d>\d{1,2})(?:er|st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<y>\d{4}))?"
_DATE = re.compile(
    rf"\b(?:(?P<wd>{_WD}),?\s+)?(?:the\s+|le\s+)?"
    rf"(?:{_DAY}\s+(?:of\s+)?(?P<m>{_MON})\b\.?|(?P<m2>{_MON})\b\.?\s+(?:the\s+)?"
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b){_YEAR}"
    rf"|\b(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})\b"
    rf"|\b(?P<mm>{_MONTH})\b(?:\s+(?P<my>\d{{4}}))?"
    rf"|\b(?P<lw>{_WD})\b",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"\b(?P<h>\d{1,2})(?:\s*(?:h|:)\s*(?P<mi>\d{2})|\s*(?:h|heures?)\b)(?:\s*(?P<ap>[ap])\.?m\b\.?)?"
    r"|\b(?P<h2>\d{1,2})\s*(?P<ap2>[ap])\.?m\b\.?",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?<![\w.,])(?<![A-Za-z]-)(?P<int>\d{1,3}(?P<sep>[ .,])\d{3}(?:(?P=sep)\d{3})*|\d+)"
    r"(?:[.,](?P<dec>\d+))?(?!\d)"
)
_WORD = re.compile(r"\w+(?:-\w+)*")
# A currency is a unit, not a name: "US$12 million" is "12 millions USD" and "$12 million"
_CURRENCY = re.compile(r"\b(?:[A-Z]{1,2}\$|(?:USD|EUR|GBP|CHF|JPY|CAD|AUD|CNY)\b)|[$€£¥]")


@dataclass(frozen=True)
class _Date:
    y: int | None = None
    m: int | None = None
    d: int | None = None
    wd: int | None = None

    def fields(self) -> dict[str, int]:
        """Set fields, with the weekday a full date implies."""
        out = {k: v for k, v in vars(self).items() if v is not None}
        if self.y and self.m and self.d and "wd" not in out:
            try:
                out["wd"] = datetime.date(self.y, self.m, self.d).isoweekday()
            except ValueError:
                pass
        return out

    def __str__(self) -> str:
        """ISO 8601 at its precision ("2026-01-06", "--05-02", "2018-04"), then the weekday."""
        y, m, d = (f"{self.y:04d}" if self.y else "-"), self.m, self.d
        iso = f"{y}-{m:02d}-{d:02d}" if m and d else f"{y}-{m:02d}" if m else ""
        day = calendar.day_name[self.wd - 1] if self.wd else ""
        return " ".join(x for x in (iso, day) if x) or y


def _covers(p: _Date, g: _Date) -> bool:
    """Does ``p`` say at least all that ``g`` says (a date covers its weekday)?"""
    pf = p.fields()
    return all(pf.get(k) == v for k, v in g.fields().items())


def _agree(p: _Date, g: _Date) -> bool:
    pf, gf = p.fields(), g.fields()
    return all(pf[k] == gf[k] for k in pf.keys() & gf.keys())


def _date(mt: re.Match[str]) -> _Date:
    g = mt.groupdict()
    num = lambda k: int(g[k]) if g.get(k) else None  # noqa: E731
    if g["iy"]:
        return _Date(num("iy"), num("im"), num("id"))
    if g["lw"]:
        return _Date(wd=_WEEKDAYS[g["lw"].lower()])
    month = (g["m"] or g["m2"] or g["mm"]).lower()
    wd = _WEEKDAYS[g["wd"].lower()] if g["wd"] else None
    m = _MONTHS.get(month) or _MONTH_ABBR[month[:3]]
    return _Date(num("y") or num("my"), m, num("d") or num("d2"), wd)


def _number(integer: str, dec: str | None) -> str:
    digits = re.sub(r"\D", "", integer)
    dec = (dec or "").rstrip("0")
    return str(int(digits)) + (f".{dec}" if dec else "")


def _words_value(words: list[str]) -> int:
    """ "vingt-six" 26, "quatre-vingt-dix" 90, "two hundred and five" 205."""
    total = current = 0
    prev = ""
    for w in words:
        if w in _AND:
            continue
        value = _NUMBER_WORDS[w]
        if value == 1000:
            total, current = total + (current or 1) * 1000, 0
        elif value == 100:
            current = (current or 1) * 100
        elif w.startswith("vingt") and prev == "quatre":
            current += 80 - 4
        else:
            current += value
        prev = w
    return total + current


def _number_words(text: str, found: list[str]) -> str:
    """Numbers written as words, replaced by blanks; their values appended to ``found``."""
    out = list(text)
    run: list[re.Match[str]] = []

    def close() -> None:
        while run and run[-1].group().lower() in _AND:
            run.pop()
        words = [p for mt in run for p in mt.group().lower().split("-")]
        if words and words[0] in _ARTICLES and (words[1:] or ["x"])[0] not in _SCALES:
            words = words[1:]  # "une trentaine", "un" alone: an article
        before = text[: run[0].start()].lower().split()[-1:] if run else []
        if (
            words
            and words[0] != "cents"
            and not (words[0] == "cent" and before in (["pour"], ["per"]))
        ):
            found.append(str(_words_value(words)))
            out[run[0].start() : run[-1].end()] = "|".center(run[-1].end() - run[0].start())
        run.clear()

    for mt in _WORD.finditer(text):
        parts = mt.group().lower().split("-")
        if run and text[run[-1].end() : mt.start()].strip():
            close()
        if any(p in _NUMBER_WORDS for p in parts) and all(
            p in _NUMBER_WORDS or p in _AND for p in parts
        ):
            run.append(mt)
        elif run and parts[0] in _AND and len(parts) == 1:
            run.append(mt)
        else:
            close()
    close()
    return "".join(out)


def _take_values(t: str) -> tuple[str, list[_Date], set[str]]:
    """Dates, times and numbers out of the text (each leaves a break), as values."""
    dates: list[_Date] = []
    numbers: set[str] = set()

    def take_date(mt: re.Match[str]) -> str:
        word = mt.group("mm") or ""
        if word.lower() in _EN_MONTHS and not word[:1].isupper() and not mt.group("my"):
            return mt.group()  # "may", "march": English months are always capitalised
        dates.append(_date(mt))
        return _BREAK

    def take_time(mt: re.Match[str]) -> str:
        h = int(mt.group("h") or mt.group("h2"))
        ampm = (mt.group("ap") or mt.group("ap2") or "").lower()
        h = h % 12 + (12 if ampm == "p" else 0) if ampm else h
        numbers.add(f"{h:02d}:{mt.group('mi') or '00'}")
        return _BREAK

    def take_number(mt: re.Match[str]) -> str:
        numbers.add(_number(mt["int"], mt["dec"]))
        return _BREAK

    t = _TIME.sub(take_time, _DATE.sub(take_date, t))
    found: list[str] = []
    t = _number_words(_NUMBER.sub(take_number, t), found)
    return t, dates, numbers | set(found)


def _names(t: str) -> tuple[list[tuple[str, ...]], tuple[str, ...] | None]:
    """Runs of capitalised words, folded and split at hyphens; and the run opening the text
    when it is one word (it may be capitalised only because it comes first)."""
    runs: list[list[str]] = []
    run: list[str] = []
    initial = None
    last_end = 0
    for mt in _WORD.finditer(t):
        word = mt.group()
        if run and (t[last_end : mt.start()].strip(" '") or not word[0].isupper()):
            runs.append(run)
            run = []
        if word[0].isupper() and (run or word.lower() not in _LEADING):
            run.append(word.lower())
            if len(run) == 1 and not t[: mt.start()].strip(" \"'(-"):
                initial = tuple(word.lower().split("-"))
        last_end = mt.end()
    runs.append(run)
    names = [tuple(p for w in r for p in w.split("-")) for r in runs if r]
    names = [n for n in names if len(n) > 1 or len(n[0]) > 1]  # "J." of "J. Irish"
    return names, initial if initial in names else None


@dataclass(frozen=True)
class _Facts:
    names: list[tuple[str, ...]]
    numbers: set[str]
    dates: list[_Date]
    words: list[str]  # every word, folded, for spans with no name, number or date
    initial: tuple[str, ...] | None  # a name that may only be capitalised as a first word

    def names_against(self, other: _Facts) -> list[tuple[str, ...]]:
        """Names, less a first word the other side writes in lower case ("Environ 300")."""
        first = self.initial[0] if self.initial else None
        if first in other.words and not any(first in n for n in other.names):
            return [n for n in self.names if n != self.initial]
        return self.names

    @classmethod
    def of(cls, text: str) -> _Facts:
        t, dates, numbers = _take_values(_unaccent(_CURRENCY.sub(" ", text)))
        names, initial = _names(t)
        return cls(names, numbers, dates, _TOKEN.findall(normalize(text)), initial)


def _same_name(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Equal, or one ends the other: "Mezard" is "Jacques Mezard", "President X Y" is "X Y"."""
    short, long = sorted((a, b), key=len)
    return long[len(long) - len(short) :] == short


def _strip_leading(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) - 1 and words[i] in _LEADING:
        i += 1
    return words[i:]


def _contains(outer: list[str], inner: list[str]) -> bool:
    n = len(inner)
    return any(outer[i : i + n] == inner for i in range(len(outer) - n + 1))


MISS_KINDS = ("missing", "extra", "wrong")


@dataclass(frozen=True)
class ShortMatch:
    """How a short answer compares with the gold span: ``miss`` is None when exact."""

    miss: Literal["missing", "extra", "wrong"] | None
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.miss is None


def _kind(missing: list[str], extra: list[str]) -> ShortMatch:
    if missing:
        return ShortMatch("wrong" if extra else "missing", tuple(missing), tuple(extra))
    return ShortMatch("extra" if extra else None, (), tuple(extra))


def short_exact(predicted: str | None, gold: str) -> ShortMatch:
    """Score a short answer against the gold span for exactness, not containment.

    Names match when equal or when one ends the other (a surname, a title before a
    name); numbers match as values ("2.389" = "2 389" = "2389", "3,5" = "3.5",
    "vingt-six" = "26"); dates as dates ("6 janvier 2026" = "January 6, 2026" =
    "2026-01-06", and a full date covers its weekday: "Tuesday 6 January 2026" answers
    "mardi"). A rendering in the reader's language ("26 countries" for "26 pays")
    is exact: common nouns are not compared when the gold names, counts or dates.
    """
    g = _Facts.of(gold)
    if not predicted or not predicted.strip():
        return ShortMatch("missing", (gold,))
    p = _Facts.of(predicted)
    if not (g.names or g.numbers or g.dates):
        pw, gw = _strip_leading(p.words), _strip_leading(g.words)
        if pw == gw:
            return ShortMatch(None)
        if _contains(pw, gw):
            return ShortMatch("extra", extra=(" ".join(pw),))
        if _contains(gw, pw):
            return ShortMatch("missing", (" ".join(gw),))
        return ShortMatch("wrong", (" ".join(gw),), (" ".join(pw),))
    p_names, g_names = p.names_against(g), g.names_against(p)
    missing = [" ".join(n) for n in g_names if not any(_same_name(n, q) for q in p_names)]
    extra = [" ".join(n) for n in p_names if not any(_same_name(n, q) for q in g_names)]
    missing += sorted(g.numbers - p.numbers)
    extra += sorted(p.numbers - g.numbers)
    missing += [str(d) for d in g.dates if not any(_covers(q, d) for q in p.dates)]
    extra += [str(d) for d in p.dates if not any(_agree(d, q) for q in g.dates)]
    return _kind(missing, extra)


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
    # containment: the short answer holds every answer group (who/how many/where/when)
    short = [r for r in answerable if r.get("short_answer_correct") is not None]
    out["n_short"] = len(short)
    out["short_answer_accuracy"] = _mean(r["short_answer_correct"] for r in short)
    # exactness against the gold span, where the gold gives one
    exact = [r for r in answerable if r.get("short_exact") is not None]
    out["n_short_exact"] = len(exact)
    out["short_exact"] = _mean(r["short_exact"] for r in exact)
    out["short_misses"] = {k: sum(r.get("short_miss") == k for r in exact) for k in MISS_KINDS}
    out["traps_abstained"] = sum(bool(r.get("abstained")) for r in unanswerable)
    out["false_abstentions"] = sum(bool(r.get("abstained")) for r in answerable)
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

"""What one claim of a generated answer says, against the passage sentences it cites.

A claim may be English or French and its passage the other language: every check here goes
through language-neutral readings rather than shared words alone.

- numbers by value: "26", "twenty-six" and "vingt-six" are one number, "140 billion euros" and
  "140 milliards d'euros" one amount (text2num for number words, the language layer's scales);
- dates: weekday and month names of either language against the passage's (and against the
  dates the language layer resolved at ingest, "mardi" in an article of 2026-01-06 being
  Tuesday 6 January);
- negation: a claim that negates what its passage states, or states what it negates;
- roles: who did what to whom, read off the passage's parse (stored at ingest): a doer made
  the one acted upon, and a person the passage says was absent made to act;
- superlatives and intensifiers ("the first", "largest", "unanimously") the passage lacks.

``claim_features`` turns these into the numbers that the fitted support model reads
(``rag.answering.scoring.ClaimModel``); nothing here decides alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field

from rag.answering.states import states_in
from rag.lexical import QueryWord, analyze, fold
from rag.schemas import Predicate, SentenceAnnotation

# The checks that find a claim saying something other than its passage; each is generic, and
# each alone fires too rarely in any data set to fit a weight of its own, so the model reads
# how many of them fire ("contradictions").
CONTRADICTIONS = (
    "numbers_missing",  # a number of the claim (by value) that the cited text lacks
    "dates_missing",  # a weekday, month or resolved date of the claim the cited text lacks
    "negation",  # the claim negates what its best sentence states plainly
    "verb_negation",  # a verb the claim shares with the passage is negated on one side only
    "dropped_negation",  # the passage negates a word ("sans progrès") the claim states plainly
    "direction",  # the claim's doer is the one acted upon in the passage (or back)
    "other_doer",  # a named doer of the claim's verb is not the passage verb's doer
    "absent_actor",  # the claim makes act a person the passage says was absent or excluded
    "superlative",  # a superlative or intensifier of the claim that the passage lacks
    "names_unknown",  # a name of the claim that no article of the corpus uses, in any spelling
)
# What the fitted claim model reads (``rag.answering.scoring.ClaimModel``).
CLAIM_FEATURES = (
    "lexical",  # idf-weighted share of the claim's words the cited sentences meet
    "sentence",  # the same for the best single cited sentence (a detail from elsewhere)
    "contradictions",  # how many of CONTRADICTIONS fire
    "contradicted",  # the best sentence's coverage when one fires: words met, meaning not
    "names_missing",  # share of the claim's names the cited text never uses
    "same_language",  # the claim is in the language of a cited passage
    "unmet",  # how many claim words the cited text does not meet (of 5)
    "short",  # few content words: a short claim is easy to cover by chance
    "actor_unmet",  # a named doer of the claim does something the cited text never says
    "verb_unmet",  # share of the claim's verbs (its parse) that the cited text never uses
)
READ = (*CLAIM_FEATURES, *CONTRADICTIONS)

# --- closed classes of both languages (generic resources) ------------------------------

_NEGATION = frozenset(
    "not n't never no nobody none nothing neither nor without absent cannot "
    "ne n pas jamais aucun aucune rien sans absence absente guere nullement".split()
)
# superlatives and intensifiers, in groups that translate each other; a claim word of a
# group is met by any word of the same group in the passage
_SUPERLATIVES: tuple[frozenset[str], ...] = tuple(
    frozenset(g.split())
    for g in (
        "first premier premiere premiers premieres 1er 1re",
        "last dernier derniere derniers dernieres",
        "largest biggest greatest plus grand grande grands grandes majeur majeure",
        "most plus",
        "record records",
        "ever jamais",
        "unprecedented precedent inedit inedite",
        "historic historique historical",
        "unanimously unanimous unanimite unanime unanimement",
        "only seul seule seuls seules seulement uniquement exclusively",
        "all every tous toutes tout ensemble",
        "best meilleur meilleure meilleurs",
        "worst pire pires",
        "highest plus haut haute eleve elevee",
        "lowest plus bas basse faible",
        "entire whole entier entiere totalite",
        "massive massively considerable huge enorme",
        "decisive decisif decisive crucial cruciale",
        "immediately immediate immediatement",
    )
)
# the words that make a claim superlative (the groups also hold their plainer translations)
_SUPERLATIVE_WORDS = frozenset(
    "first premier premiere 1er 1re largest biggest greatest majeur majeure most record "
    "records ever unprecedented inedit inedite historic historique unanimously unanimous "
    "unanimite unanime unanimement only seul seule seulement uniquement exclusively best "
    "meilleur meilleure worst pire highest lowest entire entiere massive massively huge "
    "enorme decisive decisif crucial cruciale immediately immediatement".split()
)
_ONLY = frozenset("only seul seule seulement uniquement".split())
_EST = re.compile(r"^[a-z]{3,}est$")  # "closest", "strongest"; checked against a stop list
_NOT_EST = frozenset(
    "interest west test request protest forest latest suggest honest modest contest "
    "guest rest arrest chest quest digest harvest manifest invest pest nest vest".split()
)
# verbs and phrases that report speech, in both languages: any of them renders any other
REPORTING = tuple(
    "say said says saying tell told state stated declare declared announce announced "
    "according add added explain explained indicate indicated affirm affirmed assert asserted "
    "claim claimed note noted stress stressed underline underlined insist insisted "
    "dire dit declarer declare affirmer affirme annoncer annonce selon ajouter ajoute "
    "expliquer explique indiquer indique estimer estime souligner souligne preciser precise "
    "assurer assure confier confie juger juge penser pense considerer considere think thought "
    "believe believed consider considered judge judged warn warned avertir averti prevenir "
    "previent prevenu rappeler rappelle remind reminded repeat repeated repeter repete "
    "reiterate reiterated reiterer reitere mention mentioned mentionner mentionne".split()
)
_REPORTING_SET = frozenset(REPORTING)
# the usual abbreviations of the names of states and unions, and what they stand for
ABBREVIATIONS = {
    "us": ("etats-unis", "americain", "united states"),
    "usa": ("etats-unis", "americain", "united states"),
    "uk": ("royaume-uni", "britannique", "united kingdom"),
    "eu": ("ue", "union europeenne", "european union"),
    "ue": ("eu", "union europeenne", "european union"),
    "un": ("onu", "nations unies", "united nations"),
    "onu": ("un", "nations unies", "united nations"),
    "nato": ("otan",),
    "otan": ("nato",),
}
# A reply to a yes/no question may open with its answer ("No:", "Not for now,", "Oui :"). The
# particle answers the question; it neither negates nor adds to the statement after it.
_ANSWER_PARTICLE = re.compile(
    r"^\s*(?:yes|no|not (?:yet|really|exactly|quite|for now|at the moment|so far)|oui|non|si|"
    r"pas (?:encore|vraiment|exactement|tout à fait|pour l['’]instant|pour le moment))"
    r"\s*[:,;.!—–-]\s*(?=\w)",
    re.IGNORECASE,
)
# marks a token of a cited text's word translated into the claim's language
BACK = "»"
_NAME = r"[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:[’'-][^\W\d_]+)*"
NAME_RUN = re.compile(_NAME + r"(?:\s+" + _NAME + ")*")  # a run of capitalised words
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
SHORT_WORDS = 4


@dataclass
class Cited:
    """The cited sentences a claim is judged against, with the language layer's readings."""

    sentences: list[str]
    tokens: list[set[str]]  # per sentence: its tokens and their translations (verify.text_tokens)
    annotations: list[SentenceAnnotation | None]
    languages: list[str]
    doc_texts: list[str]  # each sentence's document text (the annotations' offsets point there)
    meta: set[str] = field(default_factory=set)  # the cited articles' title and date tokens

    @property
    def all_tokens(self) -> set[str]:
        return set().union(self.meta, *self.tokens)

    @functools.cached_property
    def lemma_tokens(self) -> frozenset[str]:
        """The stems of the cited sentences' lemmas and of their translations: a claim's
        verb in either language meets them whatever the inflection ("joined", "rejoint")."""
        out: set[str] = set()
        for ann, lang in zip(self.annotations, self.languages, strict=True):
            for lemma in ann.lemmas if ann else []:
                out |= _lemma_tokens(lemma, lang)
            for p in ann.predicates if ann else []:
                out |= _lemma_tokens(p.lemma, lang)
        return frozenset(out)


@dataclass
class Reading:
    """What the checks found, for the features and for a readable reason."""

    features: dict[str, float]
    missing_names: list[str]
    missing_numbers: list[str]
    missing_dates: list[str]
    superlatives: list[str]
    absent: list[str]
    best: int  # index of the best-supporting cited sentence
    other_doers: list[str] = field(default_factory=list)  # named doers the passage gives not


def claim_features(
    claim: str,
    lang: str,
    qwords: Sequence[QueryWord],
    cited: Cited,
    coverage: Iterable[float],
    lexical: float,
    same_language: bool,
    parsed: SentenceAnnotation | None = None,
    vocab: Container[str] | None = None,
) -> Reading:
    """The claim's features against ``cited``; ``coverage`` is each sentence's lexical share."""
    per = list(coverage)
    best = max(range(len(per)), key=per.__getitem__) if per else 0
    hay = cited.all_tokens
    f = dict.fromkeys(READ, 0.0)
    f["lexical"] = lexical
    f["sentence"] = max(per, default=0.0)
    names = _undated(claim_names(claim, qwords))
    missing_names = [n for n, ws in names if not _name_met(n, ws, hay)]
    unknown = [
        n for n, ws in names if vocab is not None and n in missing_names
        and not any(t in vocab for w in ws for t in w.tokens | w.translations)
    ]  # fmt: skip
    f["names_unknown"] = float(bool(unknown))
    f["names_missing"] = len(missing_names) / len(names) if names else 0.0
    numbers = claim_numbers(claim, lang, parsed)
    have = passage_numbers(cited)
    missing_numbers = [shown for shown, value in numbers if not _number_met(value, have)]
    f["numbers_missing"] = len(missing_numbers) / len(numbers) if numbers else 0.0
    missing_dates = _missing_dates(claim, cited) + _missing_date_values(claim, parsed, cited)
    f["dates_missing"] = float(bool(missing_dates))
    claim_neg = negated(claim)
    if cited.sentences:  # a negation the passage does not have (a dropped one: verb_negation)
        f["negation"] = float(claim_neg and not negated(cited.sentences[best]))
    verbs = _matched_predicates(qwords, cited)
    other_doers: list[str] = []
    if parsed is not None:
        pairs = _paired_predicates(claim, lang, parsed, cited)
        # a shared verb negated on one side only, in a claim whose polarity differs from
        # its sentence's (two negated clauses that pair up differently are not a mismatch)
        best_neg = negated(cited.sentences[best]) if cited.sentences else False
        f["verb_negation"] = float(
            claim_neg != best_neg and _mismatched_polarity(parsed.predicates, pairs)
        )
        f["direction"] = float(any(_swapped_args(claim, lang, c, p, cited, i) for c, p, i in pairs))
        other_doers = _other_doers(claim, lang, parsed, [x for x in pairs if x[2] == best], cited)
        f["other_doer"] = float(bool(other_doers))
        content = [p for p in parsed.predicates if fold(p.lemma) not in _GOVERNING]
        theirs = cited.lemma_tokens | _hay_words(hay)
        unsaid = [p for p in content if not _verb_tokens(p.lemma, lang) & theirs]
        f["verb_unmet"] = len(unsaid) / len(content) if content else 0.0
        f["actor_unmet"] = float(any(_named_doer(p, parsed) for p in unsaid))
    else:  # no pipeline: the passage's parse against the claim's word order
        if verbs:
            f["verb_negation"] = float(all(p.negated != claim_neg for p, _ in verbs))
        f["direction"] = float(_reversed(claim, qwords, names, verbs, cited))
    if not claim_neg:
        f["dropped_negation"] = float(
            _dropped_negation(qwords, cited, best) or _done_for_pending(claim, cited, best)
        )
    absent = [] if claim_neg else _absent_actors(claim, names, cited, parsed, lang)
    f["absent_actor"] = float(bool(absent))
    sup = unmet_superlatives(claim, hay, " ".join(cited.sentences))
    f["superlative"] = float(bool(sup))
    f["same_language"] = float(same_language)
    f["short"] = float(len(qwords) <= SHORT_WORDS)
    unmet = [w for w in qwords if not meets(w, hay)]
    f["unmet"] = min(len(unmet), 5) / 5
    f["contradictions"] = float(sum(f[k] > 0 for k in CONTRADICTIONS))
    f["contradicted"] = f["sentence"] if f["contradictions"] else 0.0
    return Reading(f, missing_names, missing_numbers, missing_dates, sup, absent, best, other_doers)


def answer_body(claim: str) -> str:
    """The statement a claim makes, without the yes/no particle that may open it ("No: Russia
    has made clear..." states "Russia has made clear...")."""
    m = _ANSWER_PARTICLE.match(claim)
    if m is None or len(_WORD.findall(claim[m.end() :])) < SHORT_WORDS - 1:
        return claim
    body = claim[m.end() :]
    return body[:1].upper() + body[1:]


# --- names ------------------------------------------------------------------------------


def claim_names(claim: str, qwords: Sequence[QueryWord]) -> list[tuple[str, list[QueryWord]]]:
    """Runs of capitalised words, with the claim words that spell them (a single capitalised
    word that starts the sentence is not taken for a name)."""
    by_word = {w.word: w for w in qwords}
    out = []
    for m in NAME_RUN.finditer(claim):
        ws = [by_word[w] for w in _words(m.group()) if w in by_word and not w.isdigit()]
        if m.start() == 0 and len(ws) < 2:
            continue
        if ws:
            out.append((m.group(), ws))
    return out


def claim_name_runs(claim: str, qwords: Sequence[QueryWord]) -> list[list[QueryWord]]:
    """The claim words of each name of several words, days and months left out."""
    return [ws for _, ws in _undated(claim_names(claim, qwords)) if len(ws) > 1]


def _undated(
    names: Sequence[tuple[str, list[QueryWord]]],
) -> list[tuple[str, list[QueryWord]]]:
    """The names that are not a day or a month: those are dates, and checked as dates."""
    weekdays, months = _calendar()
    return [(n, ws) for n, ws in names if fold(n) not in weekdays and fold(n) not in months]


def _name_met(name: str, ws: Sequence[QueryWord], toks: set[str]) -> bool:
    """One of the name's words is there, or, for a territory, its name in the other language
    ("United States" for "États-Unis"), or the state it stands for is named there ("Moscow" -
    "russe", "Washington" - "les États-Unis")."""
    from rag.answering.bilingual import place_names

    if any(meets(w, toks) for w in ws):
        return True
    stands = states_in(name)  # "Moscou" for "russe", "Washington" for "américain"
    if stands and stands <= toks:
        return True
    others = [other for _, other in place_names(name)]
    others += ABBREVIATIONS.get(fold(name).split()[-1], ())
    return any(set(analyze(other)) <= toks for other in others)


def meets(w: QueryWord, toks: set[str]) -> bool:
    """The claim word is in the cited tokens: itself, a translation, or translated back."""
    return bool(w.tokens & toks or w.translations & toks or any(BACK + t in toks for t in w.tokens))


def _words(text: str) -> list[str]:
    return [fold(m.group()) for m in _WORD.finditer(text)]


# --- numbers ----------------------------------------------------------------------------


def claim_numbers(
    claim: str, lang: str, parsed: SentenceAnnotation | None = None
) -> list[tuple[str, str]]:
    """The claim's numbers as (as written, value): digits, number words, scales, amounts.
    Ordinary small words ("one", "un", "a") are not numbers here."""
    from rag.nlp.numbers import find_digit_numbers

    text = _digits_for_words(claim, lang)
    out = []
    for n in find_digit_numbers(text, lang):
        out.append((text[n.start : n.end].strip(), n.value))
    for m in parsed.mentions if parsed else []:
        if m.kind in ("NUM", "MONEY", "PERCENT") and m.value:
            out.append((claim[m.start : m.end], m.value))
    seen: dict[str, str] = {}
    for shown, value in out:
        seen.setdefault(value, shown)
    return [(shown, value) for value, shown in seen.items() if value not in ("0", "1")]


@functools.cache
def _alpha2digit(text: str, lang: str) -> str:
    from text_to_num import alpha2digit

    try:
        return alpha2digit(text, lang)
    except Exception:  # noqa: BLE001 - a reading aid only
        return text


def _digits_for_words(text: str, lang: str) -> str:
    """Number words as digits ("twenty-six countries" -> "26 countries")."""
    return _alpha2digit(text, "fr" if lang == "fr" else "en")


def passage_numbers(cited: Cited) -> set[str]:
    """Every value the cited sentences give: their numbers (digits and words, with scales),
    and the parts of the dates the language layer resolved (years, days)."""
    from rag.nlp.numbers import find_digit_numbers

    have: set[str] = set()
    for text, lang, ann in zip(cited.sentences, cited.languages, cited.annotations, strict=True):
        for n in find_digit_numbers(_digits_for_words(text, lang), lang):
            have.add(n.value)
        have.update(re.findall(r"\d+", text))
        if ann is None:
            continue
        for m in ann.mentions:
            if not m.value:
                continue
            have.add(m.value)
            if m.kind in ("DATE", "TIME"):
                have.update(p.lstrip("0") or "0" for p in re.findall(r"\d+", m.value))
    return {v.lstrip("0") or "0" for v in have}


def _number_met(value: str, have: set[str]) -> bool:
    v = value.lstrip("0") or "0"
    if v in have:
        return True
    # "5.5 million" written "5,5 millions": the same value once trailing zeros go
    try:
        return any(abs(float(v) - float(h)) < 1e-9 for h in have if _is_number(h))
    except ValueError:
        return False


def _is_number(s: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)?", s))


# --- dates ------------------------------------------------------------------------------


@functools.cache
def _calendar() -> tuple[dict[str, int], dict[str, int]]:
    """Weekday and month names of both languages, folded: name -> weekday (0 Monday) or month."""
    from rag.nlp.lexicon import date_words

    weekdays: dict[str, int] = {}
    months: dict[str, int] = {}
    for lang in ("en", "fr"):
        w = date_words(lang)
        weekdays.update(w.weekdays)
        months.update({k: v for k, v in w.months.items() if k in w.full_months})
    months.pop("may", None)  # the English modal
    return weekdays, months


def _missing_dates(claim: str, cited: Cited) -> list[str]:
    import datetime as dt

    weekdays, months = _calendar()
    claim_words = [re.sub(r"['’]s$", "", w) for w in _words(claim)]  # "Wednesday's talks"
    asked_days = {w: weekdays[w] for w in claim_words if w in weekdays}
    asked_months = {w: months[w] for w in claim_words if w in months}
    if not asked_days and not asked_months:
        return []
    days: set[int] = set()
    mons: set[int] = set()
    for text, ann in zip(cited.sentences, cited.annotations, strict=True):
        for w in _words(text):
            if w in weekdays:
                days.add(weekdays[w])
            if w in months:
                mons.add(months[w])
        for m in ann.mentions if ann else []:
            if m.kind != "DATE" or not m.value:
                continue
            parts = m.value.split("-")
            if len(parts) >= 2 and parts[1].isdigit():
                mons.add(int(parts[1]))
            if len(parts) == 3:
                try:
                    days.add(dt.date(*(int(p) for p in parts)).weekday())
                except ValueError:
                    pass
    return [w for w, d in asked_days.items() if d not in days] + [
        w for w, m in asked_months.items() if m not in mons
    ]


# --- negation ---------------------------------------------------------------------------


def negated(text: str) -> bool:
    """The text holds a negation ("ne ... que", only, is not one)."""
    folded = fold(text).replace("’", "'")
    toks = re.findall(r"n't|[a-z]+", folded)
    cues = [t for t in toks if t in _NEGATION]
    if cues and set(cues) <= {"ne", "n"} and _RESTRICTIVE.search(folded):
        return False
    return bool(cues)


# --- roles ------------------------------------------------------------------------------


def _matched_predicates(qwords: Sequence[QueryWord], cited: Cited) -> list[tuple[Predicate, int]]:
    """The cited sentences' verbs that a claim word meets (by lemma, stem or translation),
    with the index of their sentence."""
    out = []
    for i, ann in enumerate(cited.annotations):
        if ann is None:
            continue
        for p in ann.predicates:
            toks = set(analyze(p.lemma))
            if toks and any(w.tokens & toks or w.translations & toks for w in qwords):
                out.append((p, i))
    return out


def _reversed(
    claim: str,
    qwords: Sequence[QueryWord],
    names: Sequence[tuple[str, list[QueryWord]]],
    verbs: Sequence[tuple[Predicate, int]],
    cited: Cited,
) -> bool:
    """Who did what to whom is the other way round: around the verb the claim shares with
    the passage, the claim's doer is the passage's patient, or its patient the doer.

    On each side the doer is the nearest name before the verb, the patient the first after
    it, swapped when the verb is passive with its agent after it ("accueilli par X",
    "was welcomed by X"). The passage's names and voice come from the parse stored at
    ingest; the claim is read by word order alone (no pipeline is loaded at query time).
    """
    if len(names) < 2 or not verbs:  # ``names``: the claim's, days and months left out
        return False
    folded = fold(claim)
    claim_spans = [(m.start(), m.end(), ws) for (_, ws), m in _locate(claim, names)]
    for pred, i in verbs:
        ann = cited.annotations[i]
        if ann is None:
            continue
        at = _verb_position(folded, qwords, set(analyze(pred.lemma)))
        if at is None:
            continue
        c_doer, c_patient = _sides(claim, at, [(a, b) for a, b, _ in claim_spans])
        doc = cited.doc_texts[i]
        p_names = [
            (m.start, m.end)
            for m in ann.mentions
            if m.kind in ("PER", "ORG", "LOC", "MISC") and not (m.start <= pred.start < m.end)
        ]
        p_doer, p_patient = _sides(doc, pred.start, p_names, pred.end, pred.passive)
        c_doer_ws = next((ws for a, b, ws in claim_spans if (a, b) == c_doer), None)
        c_patient_ws = next((ws for a, b, ws in claim_spans if (a, b) == c_patient), None)
        pd = set(analyze(doc[p_doer[0] : p_doer[1]])) if p_doer else set()
        pp = set(analyze(doc[p_patient[0] : p_patient[1]])) if p_patient else set()
        if not pd or not pp or pd == pp:
            continue
        doer_swapped = c_doer_ws is not None and _is(c_doer_ws, pp) and not _is(c_doer_ws, pd)
        patient_swapped = (
            c_patient_ws is not None and _is(c_patient_ws, pd) and not _is(c_patient_ws, pp)
        )
        if doer_swapped or patient_swapped:
            return True
    return False


_AGENT = re.compile(r"\s*(?:[\w'’-]+\s+){0,6}?(?:by|par)\b", re.IGNORECASE)
_PASSIVE_AUX = re.compile(
    r"\b(?:was|were|been|being|is|are|be|été|est|sont|sera|seront|fut|furent)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


def _sides(
    text: str,
    at: int,
    spans: Sequence[tuple[int, int]],
    verb_end: int | None = None,
    passive: bool | None = None,
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(doer, patient) spans around the verb at ``at`` by word order and voice (``passive``
    from the parse when known; else read off an auxiliary before the verb)."""
    word = re.match(r"[\w'’-]*", text[at:])
    end = verb_end if verb_end is not None else at + len(word.group() if word else "")
    before = [s for s in spans if s[1] <= at]
    after = [s for s in spans if s[0] >= end]
    agent = _AGENT.match(text, end)
    if passive is None:
        passive = bool(_PASSIVE_AUX.search(text[max(0, at - 40) : at]))
    if passive and agent:
        by = [s for s in after if s[0] >= agent.end() - 3]
        return (by[0] if by else None), (before[-1] if before else None)
    return (before[-1] if before else None), (after[0] if after else None)


def _is(ws: Sequence[QueryWord], toks: set[str]) -> bool:
    return any(meets(w, toks) for w in ws)


def _locate(claim: str, names: Sequence[tuple[str, list[QueryWord]]]) -> list:
    out = []
    start = 0
    for text, ws in names:
        k = claim.find(text, start)
        if k < 0:
            continue
        m = re.compile(re.escape(text)).search(claim, k)
        if m:
            out.append(((text, ws), m))
            start = m.end()
    return out


def _verb_position(folded: str, qwords: Sequence[QueryWord], lemma: set[str]) -> int | None:
    for w in qwords:
        if w.tokens & lemma or w.translations & lemma:
            m = re.search(r"\b" + re.escape(w.word) + r"\b", folded)
            if m:
                return m.start()
    return None


def _absent_actors(
    claim: str,
    names: Sequence[tuple[str, list[QueryWord]]],
    cited: Cited,
    parsed: SentenceAnnotation | None = None,
    lang: str = "en",
) -> list[str]:
    """The claim's names that the passage mentions only as absent or excluded ("en l'absence
    de Marco Rubio") and that the claim makes do what the passage's verb says ("Rubio
    attended"): a person given an action the passage denies. A claim that says why the person
    was away ("held back in his country") gives no such action. Without the claim's parse,
    any such name counts."""
    out = []
    for text, ws in names:
        seen = absent = False
        for ann, doc in zip(cited.annotations, cited.doc_texts, strict=True):
            for m in ann.mentions if ann else []:
                if m.kind not in ("PER", "ORG", "MISC", "LOC"):
                    continue
                toks = set(analyze(doc[m.start : m.end]))
                if any(meets(w, toks) for w in ws):
                    seen = True
                    absent = absent or m.negated
        if seen and absent and (parsed is None or _acts(claim, ws, parsed, cited, lang)):
            out.append(text)
    return out


def _acts(
    claim: str, ws: Sequence[QueryWord], parsed: SentenceAnnotation, cited: Cited, lang: str
) -> bool:
    """The name is the doer of a claim verb that translates a verb of the passage."""
    for c, _, _ in _paired_predicates(claim, lang, parsed, cited):
        for role, a, b in c.args:
            if role == ("agent" if c.passive else "subj"):
                if any(meets(w, set(analyze(claim[a:b]))) for w in ws):
                    return True
    return False


# --- the claim's parse against the passage's ------------------------------------------

# verbs that carry no claim of their own (auxiliaries, copulas)
_LIGHT_VERBS = frozenset("be have do etre avoir faire get".split())
# verbs whose claim is the verb they govern (modals, the near future) or no verb at all (the
# parse of "according to"): they are never "unsaid"
_GOVERNING = _LIGHT_VERBS | frozenset(
    "devoir pouvoir vouloir falloir aller must can could would should may might will shall "
    "accord".split()
)


@functools.cache
def _lemma_tokens(lemma: str, lang: str) -> frozenset[str]:
    """A word's tokens and its translations' (both directions of the dictionary)."""
    from rag.answering import bilingual

    other = bilingual.translate(lemma, lang)[:3]
    return frozenset(analyze(lemma)) | frozenset(analyze(" ".join(other)))


def _verb_tokens(lemma: str, lang: str) -> frozenset[str]:
    """What a claim verb meets: its tokens and translations; a reporting verb, any other
    ("said" renders "a estimé", "a déclaré", "selon")."""
    if fold(lemma) in _REPORTING_SET:
        return _REPORTING_TOKENS
    return _lemma_tokens(lemma, lang)


_REPORTING_TOKENS = frozenset(analyze(" ".join(REPORTING)))


def _hay_words(hay: set[str]) -> set[str]:
    return {t.lstrip(BACK) for t in hay}


def _paired_predicates(
    claim: str, lang: str, parsed: SentenceAnnotation, cited: Cited
) -> list[tuple[Predicate, Predicate, int]]:
    """(claim verb, passage verb, its sentence) for the verbs that translate each other."""
    out = []
    for c in parsed.predicates:
        if fold(c.lemma) in _LIGHT_VERBS:
            continue
        mine = _lemma_tokens(c.lemma, lang)
        for i, ann in enumerate(cited.annotations):
            for p in ann.predicates if ann else []:
                if mine & _lemma_tokens(p.lemma, cited.languages[i]):
                    out.append((c, p, i))
    return out


def _mismatched_polarity(
    claim_predicates: Sequence[Predicate], pairs: Sequence[tuple[Predicate, Predicate, int]]
) -> bool:
    """Some verb of the claim is paired only with passage verbs of the other polarity."""
    for c in claim_predicates:
        mine = [p for cc, p, _ in pairs if cc is c]
        if mine and all(p.negated != c.negated for p in mine):
            return True
    return False


_BY = re.compile(r"\b(?:par|by)\s+", re.IGNORECASE)


def _roles(text: str, pred: Predicate, lang: str) -> tuple[set[str], set[str]]:
    """Tokens (with translations) of a verb's doer and of the one it acts upon.

    A passive verb's agent that the parse hung lower ("accueilli sur le perron de l'Élysée
    par X": "par X" under "Élysée") is read off its oblique; a participle's subject span
    that runs over the verb ("Zelensky, accueilli ...") stops before it."""
    doer: set[str] = set()
    patient: set[str] = set()
    has_agent = any(role == "agent" for role, _, _ in pred.args)
    for role, a, b in pred.args:
        if a <= pred.start < b:
            b = pred.start
        if pred.passive and not has_agent and role == "obl":
            by = _BY.search(text, a, b)
            if by is None:
                continue
            role, a = "agent", by.end()
        if pred.passive:
            role = {"subj": "obj", "agent": "subj"}.get(role, role)
        toks = {t for w in _words(text[a:b]) for t in _lemma_tokens(w, lang)}
        toks |= states_in(text[a:b])  # "Moscou" is "la Russie", "un diplomate russe"
        if role in ("subj", "agent"):
            doer |= toks
        elif role in ("obj", "iobj"):
            patient |= toks
    return doer, patient


def _swapped_args(claim: str, lang: str, c: Predicate, p: Predicate, cited: Cited, i: int) -> bool:
    """The claim's doer is the passage verb's patient and not its doer, or the other way.

    A reporting verb takes what was said, and French puts its subject after it ("...,
    indique l'Élysée"), which the parse reads as its object: only its doer is compared, and
    only where both subjects come before the verb ("Estonia announced that it was expelling
    a Russian diplomat" - "La Russie a annoncé l'expulsion d'un diplomate estonien")."""
    c_doer, c_patient = _roles(claim, c, lang)
    p_doer, p_patient = _roles(cited.doc_texts[i], p, cited.languages[i])
    if not (p_doer and p_patient):
        return False
    a = bool(c_doer & p_patient) and not c_doer & p_doer
    if fold(c.lemma) in _REPORTING_SET or fold(p.lemma) in _REPORTING_SET:
        return a and _subject_first(claim, c) and _subject_first(cited.doc_texts[i], p)
    b = bool(c_patient & p_doer) and not c_patient & p_patient
    return a or b


def _subject_first(text: str, pred: Predicate) -> bool:
    """The verb has a subject before it, and is no incise (", indique l'Élysée", ", a
    déclaré X": the subject follows, whatever the parse says)."""
    if _INCISE.search(text[max(pred.start - 40, 0) : pred.start]):
        return False
    return any(role == "subj" and b <= pred.start for role, _, b in pred.args)


_INCISE = re.compile(
    r"[,«»\"“”]\s*(?:(?:a|ont|avait|avaient|aurait|a-t-il|a-t-elle|ont-ils|avait-il|has|had|"
    r"have|also|encore|aussi|pourtant|alors)\s+){0,2}$",
    re.IGNORECASE,
)


def _other_doers(
    claim: str,
    lang: str,
    parsed: SentenceAnnotation,
    pairs: Sequence[tuple[Predicate, Predicate, int]],
    cited: Cited,
) -> list[str]:
    """A claim verb's named doer is not the doer of the passage verb it translates, though the
    passage sentence names it elsewhere: an action given to the wrong one of the passage's
    people or bodies ("X confirmed" where the passage has Y confirm and names X only beside).

    Every passage verb the claim verb pairs with must have a doer that does not hold the
    claim's; a reporting verb counts only where both subjects come before it (French puts
    the speaker after: ", indique X")."""
    out: list[str] = []
    by_verb: dict[int, list[tuple[Predicate, int]]] = {}
    for c, p, i in pairs:
        by_verb.setdefault(id(c), []).append((p, i))
    for c in parsed.predicates:
        found = by_verb.get(id(c))
        span = _doer_span(c)
        if not found or span is None or not _is_name(claim, parsed, *span):
            continue
        mine = _span_tokens(claim, *span, lang)
        if not mine:
            continue
        same = [(p, i) for p, i in found if set(analyze(c.lemma)) & set(analyze(p.lemma))]
        verdicts = []
        for p, i in same or found:  # the same verb, where the passage has it
            doc = cited.doc_texts[i]
            if (fold(c.lemma) in _REPORTING_SET or fold(p.lemma) in _REPORTING_SET) and not (
                _subject_first(claim, c) and _subject_first(doc, p)
            ):
                continue
            theirs, _ = _roles(doc, p, cited.languages[i])
            ann = cited.annotations[i]
            at = _doer_span(p)
            if not theirs or ann is None or at is None or not _is_name(doc, ann, *at):
                continue  # a doer that is no name ("the talks") may be a paraphrase's
            theirs |= _named_in_doer(doc, p, ann, cited.languages[i])
            verdicts.append(not mine & theirs and bool(mine & _hay_words(cited.tokens[i])))
        if verdicts and all(verdicts):
            out.append(claim[span[0] : span[1]])
    return out


def _doer_span(pred: Predicate) -> tuple[int, int] | None:
    """The verb's agent ("rédigé par X", passive or not in the parse), else its active
    subject."""
    agent = next(((a, b) for r, a, b in pred.args if r == "agent"), None)
    if agent is not None or pred.passive:
        return agent
    return next(((a, b) for r, a, b in pred.args if r == "subj"), None)


def _is_name(text: str, parsed: SentenceAnnotation, a: int, b: int) -> bool:
    """The span is a name, bar its articles and titles: names cover most of its words."""
    named = sum(
        len(_words(text[m.start : m.end]))
        for m in parsed.mentions
        if m.kind in ("PER", "ORG", "LOC", "MISC") and a <= m.start and m.end <= b
    )
    return named > 0 and 2 * named >= len(_words(text[a:b]))


def _named_in_doer(
    doc: str, pred: Predicate, ann: SentenceAnnotation | None, lang: str
) -> set[str]:
    """The tokens of the names a passage verb's doer overlaps, whole: a parse that cut a name
    ("le président Jean | Dupont") still names its doer."""
    span = _doer_span(pred)
    if span is None or ann is None:
        return set()
    a, b = span
    out: set[str] = set()
    for m in ann.mentions:
        if m.kind in ("PER", "ORG", "LOC", "MISC") and m.start < b and a < m.end:
            out |= _span_tokens(doc, m.start, m.end, lang)
    return out


def _span_tokens(text: str, a: int, b: int, lang: str) -> set[str]:
    return {t for w in _words(text[a:b]) for t in _lemma_tokens(w, lang)} | states_in(text[a:b])


def _named_doer(pred: Predicate, parsed: SentenceAnnotation) -> bool:
    """The verb's doer is (or holds) a name the claim's parse recognised."""
    names = [m for m in parsed.mentions if m.kind in ("PER", "ORG", "LOC", "MISC")]
    for role, a, b in pred.args:
        if role == ("agent" if pred.passive else "subj") and any(
            a <= m.start and m.end <= b for m in names
        ):
            return True
    return False


_SCOPE_CUES = frozenset("sans without no aucun aucune nul nulle absence".split())
# a negation adverb negates the noun after a partitive or indefinite determiner ("n'avait pas
# de droit de veto", "did not have a veto" being out of reach: the verb comes between)
_ADVERB_CUES = frozenset("pas not never jamais".split())
_PARTITIVE = frozenset("de d' d du des a an any".split())
# adverbs of degree or time between the negation and the word it negates ("pas encore
# clair", "not yet clear"), and the forms of the light verbs whose negation falls on the
# noun after them ("n'avait pas l'intention", "was not the aim")
_DEGREE = frozenset("encore toujours vraiment tres tout trop yet really very too always".split())
_LIGHT_FORMS = frozenset(
    "a avait ont avaient aura est etait sont etaient sera has had have is was are were".split()
)
_SCOPE_SKIP = frozenset("de d' du des la le les l' un une the a an any".split())


def _dropped_negation(qwords: Sequence[QueryWord], cited: Cited, best: int) -> bool:
    """A word the passage negates by a determiner or preposition ("sans progrès", "no
    progress", "aucune avancée") that the claim uses (the claim not being negated); and in
    the claim's best sentence, by an adverb before a determiner ("pas de droit de veto")."""
    claim_toks = set().union(*(w.tokens | w.translations for w in qwords)) if qwords else set()
    for k, (sentence, lang) in enumerate(zip(cited.sentences, cited.languages, strict=True)):
        for text in _CLAUSE_BREAK.split(sentence):  # a cue's scope ends at punctuation
            if _negated_in(text, lang, claim_toks, k == best):
                return True
    return False


_CLAUSE_BREAK = re.compile(r"[,;:()«»\"“”]")
# "already" states a thing done; "still" / "yet" before it in the passage says it is not
# ("doivent encore approuver", "on ignore encore", "has yet to approve")
_DONE = re.compile(r"\b(?:already|déjà)\b", re.IGNORECASE)
_PENDING = re.compile(
    r"\b(?:(?:doit|doivent|devra|devront|reste|restent)\s+encore|ignore\s+encore|"
    r"pas\s+encore|not\s+yet|(?:has|have|had)\s+yet\s+to|still\s+(?:has|have|had|needs?)\s+to)\b",
    re.IGNORECASE,
)


def _done_for_pending(claim: str, cited: Cited, best: int) -> bool:
    """The claim says a thing is already done where its sentence says it is still to do."""
    if not cited.sentences or not _DONE.search(claim):
        return False
    sentence = cited.sentences[best]
    return bool(_PENDING.search(sentence)) and not _DONE.search(sentence)


def _negated_in(text: str, lang: str, claim_toks: set[str], best: bool) -> bool:
    """One clause: a cue, then (within four words) a word the claim uses."""
    raw = _words(text)
    ws = [x[2:] if x.startswith("d'") and len(x) > 2 else x for x in raw]
    for i, w in enumerate(ws):
        after = i + 1
        if w in _ADVERB_CUES and best and i + 1 < len(raw):
            while after < len(raw) - 1 and raw[after] in _DEGREE:  # "pas encore clair"
                after += 1
            nxt = raw[after]
            light = i > 0 and raw[i - 1].removeprefix("n'") in _LIGHT_FORMS  # "n'avait pas l'"
            if not (
                nxt in _PARTITIVE
                or (nxt.startswith("d'") and len(nxt) > 2)
                or after > i + 1
                or (light and (nxt in _SCOPE_SKIP or nxt.startswith("l'")))
            ):
                continue
        elif w not in _SCOPE_CUES:
            continue
        scope = [x.removeprefix("l'") for x in ws[after : after + 4] if x not in _SCOPE_SKIP][:2]
        if any(_lemma_tokens(x, lang) & claim_toks for x in scope):
            return True
    return False


def _missing_date_values(claim: str, parsed: SentenceAnnotation | None, cited: Cited) -> list[str]:
    """The claim's dates (resolved against the cited article's date) that no date of the
    passage matches, at the claim's precision."""
    if parsed is None:
        return []
    have: set[str] = set()
    for ann in cited.annotations:
        for m in ann.mentions if ann else []:
            if m.kind == "DATE" and m.value:
                parts = m.value.split("-")
                have.update("-".join(parts[:k]) for k in range(1, len(parts) + 1))
    if not have:
        return []
    out = []
    for m in parsed.mentions:
        if m.kind == "DATE" and m.value and m.value not in have:
            out.append(claim[m.start : m.end])
    return out


# --- superlatives -----------------------------------------------------------------------


_RESTRICTIVE = re.compile(r"\bn(?:e\b|')[^.;:]{0,60}?\bque?\b")  # "ne ... que": only


# English "only" singles a thing out after an article or before a count ("the only leader",
# "only three of the 28"); elsewhere it is a focus adverb ("still only a draft", "would only
# happen once"). "most" before "of" is a quantifier ("most of them"), not a superlative.
_SINGLING = frozenset("the a an".split())
_COUNT = re.compile(r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty")


def _not_superlative(word: str, before: str, after: str) -> bool:
    if word == "only":
        return before not in _SINGLING and not _COUNT.fullmatch(after)
    return word == "most" and after == "of"


def unmet_superlatives(claim: str, hay: set[str], text: str = "") -> list[str]:
    """Superlatives and intensifiers of the claim that the cited text (in either language)
    does not give."""
    folded = fold(claim)
    words = _words(folded)
    hay_words = _hay_words(hay)
    restrictive = bool(_RESTRICTIVE.search(fold(text).replace("’", "'")))
    out = []
    for i, w in enumerate(words):
        if w in _ONLY and restrictive:
            continue
        if _not_superlative(
            w, words[i - 1] if i else "", words[i + 1] if i + 1 < len(words) else ""
        ):
            continue
        if w in _SUPERLATIVE_WORDS:
            groups = [g for g in _SUPERLATIVES if w in g]
            if not any(set(analyze(" ".join(g))) & hay_words for g in groups):
                out.append(w)
        elif _EST.match(w) and w not in _NOT_EST:
            if not set(analyze(w)) & hay_words:
                out.append(w)
    return list(dict.fromkeys(out))

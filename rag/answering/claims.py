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
  the one acted upon, a named doer the passage gives another verb, and a person the passage
  says was absent made to act (``rag.answering.claim_roles``);
- superlatives and intensifiers ("the first", "largest", "unanimously") the passage lacks.

The readings every check shares (the cited sentences, word tokens and translations) are in
``rag.answering.claim_text``. ``claim_features`` turns these into the numbers that the
fitted support model reads (``rag.answering.scoring.ClaimModel``); nothing here decides
alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field

from rag.answering.claim_roles import (
    absent_actors,
    cited_predicates,
    converse_same_doer,
    mismatched_polarity,
    named_doer,
    other_doers,
    other_state_doer,
    other_state_for_patient,
    paired_predicates,
    reversed_roles,
    sentence_predicates,
    swapped_args,
    swapped_targets,
)
from rag.answering.claim_text import (
    GOVERNING,
    RESTRICTIVE,
    WORD,
    Cited,
    added_negation,
    hay_words,
    meets,
    negated,
    text_words,
    translated_tokens,
    verb_tokens,
)
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
    "names_missing",  # share of the claim's names the cited text and the text before it never use
    "same_language",  # the claim is in the language of a cited passage
    "unmet",  # how many claim words the cited text does not meet (of 5)
    "short",  # few content words: a short claim is easy to cover by chance
    "actor_unmet",  # a named doer of the claim does something the cited text never says
    "verb_unmet",  # share of the claim's verbs (its parse) that the cited text never uses
    "negated_cover",  # a plain claim: the share of a negated clause of its sentence it renders
)
READ = (*CLAIM_FEATURES, *CONTRADICTIONS)

# --- closed classes of both languages (generic resources) ------------------------------

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
_NAME = r"[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:[’'-][^\W\d_]+)*"
NAME_RUN = re.compile(_NAME + r"(?:\s+" + _NAME + ")*")  # a run of capitalised words
SHORT_WORDS = 4


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
    missing_names = [n for n, ws in names if not _name_met(n, ws, hay, located(claim, n))]
    unknown = [
        n for n, ws in names if vocab is not None and n in missing_names
        and not any(t in vocab for w in ws for t in w.tokens | w.translations)
    ]  # fmt: skip
    f["names_unknown"] = float(bool(unknown))
    # a name the sentence refers to by a pronoun or a title ("il", "le président russe") is
    # given just before it: only a name given nowhere near is missing
    before = _preceding_tokens(cited) if missing_names else set()
    far = [n for n, ws in names if n in missing_names and not any(meets(w, before) for w in ws)]
    f["names_missing"] = len(far) / len(names) if names else 0.0
    numbers = claim_numbers(claim, lang, parsed)
    have = passage_numbers(cited)
    missing_numbers = [shown for shown, value in numbers if not _number_met(value, have)]
    f["numbers_missing"] = len(missing_numbers) / len(numbers) if numbers else 0.0
    missing_dates = _missing_dates(claim, cited) + _missing_date_values(claim, parsed, cited)
    missing_dates += _other_time_units(claim, cited.sentences[best] if cited.sentences else "")
    f["dates_missing"] = float(bool(missing_dates))
    claim_neg = negated(claim)
    # "n'ont pas encore approuvé" renders "doivent encore approuver": a thing still to do is
    # no negation of the passage's
    pending = claim_neg and bool(cited.sentences) and _pending(claim, cited.sentences[best])
    if cited.sentences:  # a negation the passage does not have (a dropped one: verb_negation)
        sentence = cited.sentences[best]
        f["negation"] = float(
            claim_neg and not pending and (not negated(sentence) or added_negation(claim, sentence))
        )
    verbs = cited_predicates(qwords, cited)
    wrong_doers: list[str] = []
    if parsed is not None:
        pairs = paired_predicates(claim, lang, parsed, cited)
        # a shared verb negated on one side only, in a claim whose polarity differs from
        # its sentence's (two negated clauses that pair up differently are not a mismatch)
        best_neg = negated(cited.sentences[best]) if cited.sentences else False
        if best_neg and claim_neg and _negation_unrendered(cited, best, pairs):
            best_neg = False  # its negation is in a clause the claim does not render
        f["verb_negation"] = float(
            claim_neg != best_neg
            and not pending
            and (
                mismatched_polarity(parsed.predicates, pairs)
                or (claim_neg and _negated_verb_stated(claim, lang, cited, best))
            )
        )
        f["direction"] = float(
            any(swapped_args(claim, lang, c, p, cited, i) for c, p, i in pairs)
            or any(
                other_state_doer(
                    claim, c, [(p, i) for cc, p, i in pairs if cc is c and i == best], cited
                )
                for c in parsed.predicates
            )
            or any(
                other_state_for_patient(claim, lang, c, cited, best)
                for c in parsed.predicates
                if not any(cc is c for cc, _, _ in pairs) and fold(c.lemma) not in GOVERNING
            )
            or any(
                converse_same_doer(claim, lang, c, p, cited, best)
                for c in parsed.predicates
                for p in sentence_predicates(cited, best)
            )
        )
        wrong_doers = other_doers(claim, lang, parsed, [x for x in pairs if x[2] == best], cited)
        f["other_doer"] = float(bool(wrong_doers))
        content = [p for p in parsed.predicates if fold(p.lemma) not in GOVERNING]
        theirs = cited.lemma_tokens | hay_words(hay)
        unsaid = [p for p in content if not verb_tokens(p.lemma, lang) & theirs]
        f["verb_unmet"] = len(unsaid) / len(content) if content else 0.0
        f["actor_unmet"] = float(any(named_doer(claim, p, parsed) for p in unsaid))
    else:  # no pipeline: the passage's parse against the claim's word order
        if verbs:
            f["verb_negation"] = float(all(p.negated != claim_neg for p, _ in verbs))
        f["direction"] = float(reversed_roles(claim, qwords, names, verbs, cited))
    if cited.sentences and swapped_targets(
        claim, lang, cited.sentences[best], cited.languages[best]
    ):
        f["direction"] = 1.0  # through nouns: "frappes contre X" for "frappes contre Y"
    if not claim_neg:
        f["dropped_negation"] = float(
            _dropped_negation(qwords, cited, best) or _done_for_pending(claim, cited, best)
        )
    absent = [] if claim_neg else absent_actors(claim, names, cited, parsed, lang)
    f["absent_actor"] = float(bool(absent))
    sup = unmet_superlatives(claim, hay, " ".join(cited.sentences))
    f["superlative"] = float(bool(sup))
    f["same_language"] = float(same_language)
    f["short"] = float(len(qwords) <= SHORT_WORDS)
    unmet = [w for w in qwords if not meets(w, hay)]
    f["unmet"] = min(len(unmet), 5) / 5
    if not claim_neg and cited.sentences:
        f["negated_cover"] = _negated_cover(qwords, cited, best)
    f["contradictions"] = float(sum(f[k] > 0 for k in CONTRADICTIONS))
    f["contradicted"] = f["sentence"] if f["contradictions"] else 0.0
    return Reading(f, missing_names, missing_numbers, missing_dates, sup, absent, best, wrong_doers)


def answer_body(claim: str) -> str:
    """The statement a claim makes, without the yes/no particle that may open it ("No: Russia
    has made clear..." states "Russia has made clear...")."""
    m = _ANSWER_PARTICLE.match(claim)
    if m is None or len(WORD.findall(claim[m.end() :])) < SHORT_WORDS - 1:
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
        ws = [by_word[w] for w in text_words(m.group()) if w in by_word and not w.isdigit()]
        if m.start() == 0 and len(ws) < 2:
            continue
        if _unit_after_number(claim, m):
            continue
        if ws:
            out.append((m.group(), ws))
    return out


def _unit_after_number(claim: str, m: re.Match[str]) -> bool:
    """A short capitalised word right after a number is its unit or scale ("140 Md€",
    "12 GW"), not a name."""
    word = m.group().strip()
    return bool(
        re.fullmatch(r"[A-Za-zÀ-ÿ]{1,4}", word) and re.search(r"\d[\d.,]*\s*$", claim[: m.start()])
    )


def claim_name_runs(claim: str, qwords: Sequence[QueryWord]) -> list[list[QueryWord]]:
    """The claim words of each name of several words, days and months left out."""
    return [ws for _, ws in _undated(claim_names(claim, qwords)) if len(ws) > 1]


def _undated(
    names: Sequence[tuple[str, list[QueryWord]]],
) -> list[tuple[str, list[QueryWord]]]:
    """The names that are not a day or a month: those are dates, and checked as dates."""
    weekdays, months = _calendar()
    return [(n, ws) for n, ws in names if fold(n) not in weekdays and fold(n) not in months]


# a preposition of place: the name after it is where something is, not the state it may
# stand for ("in Washington" is no "américain"; French "à" is as often "to": "livrer à Kiev")
_PLACE_BEFORE = re.compile(r"(?:\b(?:in|at|dans|en)\s+)$", re.IGNORECASE)


def located(claim: str, name: str) -> bool:
    """The claim has the name as a place: right after a preposition of place."""
    at = claim.find(name)
    return at > 0 and bool(_PLACE_BEFORE.search(claim[:at]))


PRECEDING_CHARS = 600  # the text before a cited sentence where its pronouns' names are


def _preceding_tokens(cited: Cited) -> set[str]:
    """The tokens of the text just before each cited sentence in its article: where a name
    the sentence refers to by a pronoun or a title ("le président russe") was last given."""
    out: set[str] = set()
    for ann, doc in zip(cited.annotations, cited.doc_texts, strict=True):
        if ann is not None:
            out |= set(analyze(doc[max(ann.start - PRECEDING_CHARS, 0) : ann.start]))
    return out


def _name_met(name: str, ws: Sequence[QueryWord], toks: set[str], place: bool = False) -> bool:
    """One of the name's words is there, or, for a territory, its name in the other language
    ("United States" for "États-Unis"), or the state it stands for is named there ("Moscow" -
    "russe", "Washington" - "les États-Unis"), unless the claim has it as a place
    (``place``: "in Washington" where the passage has the talks in Moscow)."""
    from rag.answering.bilingual import place_names

    if any(meets(w, toks) for w in ws):
        return True
    stands = states_in(name, metonyms=not place)  # "Moscou" for "russe"
    if stands and stands <= toks:
        return True
    others = [other for _, other in place_names(name)]
    others += ABBREVIATIONS.get(fold(name).split()[-1], ())
    return any(set(analyze(other)) <= toks for other in others)


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
    claim_words = [re.sub(r"['’]s$", "", w) for w in text_words(claim)]  # "Wednesday's talks"
    asked_days = {w: weekdays[w] for w in claim_words if w in weekdays}
    asked_months = {w: months[w] for w in claim_words if w in months}
    if not asked_days and not asked_months:
        return []
    days: set[int] = set()
    mons: set[int] = set()
    for text, ann in zip(cited.sentences, cited.annotations, strict=True):
        for w in text_words(text):
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


# the units of time, both languages (a generic language resource)
_TIME_UNITS = {
    **dict.fromkeys(("minute", "minutes"), "minute"),
    **dict.fromkeys(("hour", "hours", "heure", "heures"), "hour"),
    **dict.fromkeys(("day", "days", "jour", "jours", "journee", "journees"), "day"),
    **dict.fromkeys(("week", "weeks", "semaine", "semaines"), "week"),
    **dict.fromkeys(("month", "months", "mois"), "month"),
    **dict.fromkeys(("year", "years", "ans", "annee", "annees"), "year"),  # not "an": English
    **dict.fromkeys(("decade", "decades", "decennie", "decennies"), "decade"),
}


def _other_time_units(claim: str, sentence: str) -> list[str]:
    """Units of time the claim uses where its sentence uses only others ("dans les
    prochaines semaines" for "dans les prochains jours"): a wrong scale of time."""
    mine = {w: _TIME_UNITS[w] for w in text_words(claim) if w in _TIME_UNITS}
    theirs = {_TIME_UNITS[w] for w in text_words(sentence) if w in _TIME_UNITS}
    if not mine or not theirs:
        return []
    return [w for w, unit in mine.items() if unit not in theirs]


# --- negation ---------------------------------------------------------------------------


def _negated_cover(qwords: Sequence[QueryWord], cited: Cited, best: int) -> float:
    """The largest share of a negated clause of the best sentence (its verb and the words of
    its arguments) that the claim's words meet: "ne prendrait pas fin avant un accord de paix"
    rendered by "pourrait s'arrêter avant un accord de paix" states what the passage denies."""
    ann = cited.annotations[best]
    if ann is None:
        return 0.0
    text, lang = cited.doc_texts[best], cited.languages[best]
    top = 0.0
    for p in ann.predicates:
        if not p.negated:
            continue
        clause = [p.lemma] + [w for _, a, b in p.args for w in text_words(text[a:b])]
        clause = [w for w in dict.fromkeys(clause) if analyze(w) and not w.isdigit()]
        if len(clause) < 2:
            continue
        toks = [set(translated_tokens(w, lang)) for w in clause]
        met = sum(any(meets(q, t) for q in qwords) for t in toks)
        top = max(top, met / len(clause))
    return top


def _negation_unrendered(
    cited: Cited, best: int, pairs: Sequence[tuple[Predicate, Predicate, int]]
) -> bool:
    """The best sentence's negated verbs are none of those the claim's verbs translate
    ("sera déterminée via la plateforme, ..., qui ne semble pas à l'ordre du jour" for a
    claim that it "ne serait pas déterminée"): the sentence's negation is not the claim's."""
    ann = cited.annotations[best]
    if ann is None:
        return False
    negated_verbs = [p for p in ann.predicates if p.negated]
    paired = {id(p) for _, p, i in pairs if i == best}
    return bool(negated_verbs) and not any(id(p) in paired for p in negated_verbs)


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


def _pending(claim: str, sentence: str) -> bool:
    """Both say a thing is still to do ("pas encore", "doivent encore", "has yet to")."""
    return bool(_PENDING.search(claim)) and bool(_PENDING.search(sentence))


def _negated_verb_stated(claim: str, lang: str, cited: Cited, best: int) -> bool:
    """The word the claim's negation falls on ("ne seront pas conditionnées", "will not be
    required") is a verb the best sentence states plainly, its own negation sitting elsewhere
    ("tout reste conditionné à ..., qui ne semble pas à l'ordre du jour")."""
    word = _negated_word(claim)
    if word is None:
        return False
    mine = translated_tokens(word, lang)
    other = cited.languages[best]
    verbs = [
        p for p in sentence_predicates(cited, best) if mine & translated_tokens(p.lemma, other)
    ]
    return bool(verbs) and not any(p.negated for p in verbs)


_NEGATORS = frozenset("pas not never jamais plus".split())
_AUXILIARIES = _LIGHT_FORMS | frozenset(
    "be been being etre ete seront serait seraient soit soient will would shall should "
    "can could may might must do does did".split()
)


def _negated_word(claim: str) -> str | None:
    """The first content word after the claim's first negation adverb, past auxiliaries
    and adverbs of degree: "ne seront pas conditionnées" -> "conditionnées"."""
    words = text_words(claim)
    for i, w in enumerate(words):
        if w.endswith("n't") or w in _NEGATORS:
            for x in words[i + 1 : i + 5]:
                if x in _DEGREE or x in _AUXILIARIES:
                    continue
                return x if analyze(x) else None
            return None
    return None


def _done_for_pending(claim: str, cited: Cited, best: int) -> bool:
    """The claim says a thing is already done where its sentence says it is still to do."""
    if not cited.sentences or not _DONE.search(claim):
        return False
    sentence = cited.sentences[best]
    return bool(_PENDING.search(sentence)) and not _DONE.search(sentence)


def _negated_in(text: str, lang: str, claim_toks: set[str], best: bool) -> bool:
    """One clause: a cue, then (within four words) a word the claim uses."""
    raw = text_words(text)
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
        if any(translated_tokens(x, lang) & claim_toks for x in scope):
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


# English "only" singles a thing out after an article or before a count ("the only leader",
# "only three of the 28"); elsewhere it is a focus adverb ("still only a draft", "would only
# happen once"). "most" before "of" is a quantifier ("most of them"), not a superlative.
_SINGLING = frozenset("the a an".split())
_COUNT = re.compile(r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty")


# an ordinal that names a place in a list ("le premier étant", "the first aim is"), met by a
# passage sentence that lists things after a colon ("trois objectifs : renforcer ..., ...")
_ORDINALS = frozenset("first premier premiere".split())
_COPULAS = frozenset("is was being est etant etait consiste consists".split())
_ENUMERATION = re.compile(r":[^:.;]+,[^:.;]+(?:,|\bet\b|\band\b)")


def _list_position(after: Sequence[str]) -> bool:
    """A copula within the next words: the ordinal opens a statement of what that item is."""
    return any(w in _COPULAS for w in after[:3])


_DEFINITE = frozenset("le la les l the du des".split())  # not "au": "au plus tard"
# a superlative in a cited text: "le plus", "la moins", "the most", "least", or a word that
# is one ("record", "historique", "meilleur")
_SUPERLATIVE_FORM = re.compile(
    r"\b(?:le|la|les|l'|du|des|au|aux) (?:plus|moins)\b|\bmost\b|\bleast\b|\b(?:"
    + "|".join(sorted(_SUPERLATIVE_WORDS - _ONLY))
    + r")\b"
)


def _not_superlative(word: str, before: str, after: str) -> bool:
    if word == "only":
        return before not in _SINGLING and not _COUNT.fullmatch(after)
    return word == "most" and after == "of"


def unmet_superlatives(claim: str, hay: set[str], text: str = "") -> list[str]:
    """Superlatives and intensifiers of the claim that the cited text (in either language)
    does not give."""
    folded = fold(claim)
    words = text_words(folded)
    plain = hay_words(hay)
    folded_text = fold(text).replace("’", "'")
    restrictive = bool(RESTRICTIVE.search(folded_text))
    superlative_form = bool(_SUPERLATIVE_FORM.search(folded_text))
    listing = bool(_ENUMERATION.search(text))
    out = []
    for i, w in enumerate(words):
        if w in _ONLY and restrictive:
            continue
        if w in ("plus", "moins", "most", "least") and i and words[i - 1] in _DEFINITE:
            # "la plus importante", "the most important": a superlative, which only one of
            # the cited text gives ("un dialogue plus constructif" is a comparative)
            if not superlative_form:
                out.append(f"{words[i - 1]} {w}")
            continue
        if listing and w in _ORDINALS and _list_position(words[i + 1 : i + 4]):
            continue  # "the first aim is to ..." of "trois objectifs : renforcer ..., ..."
        if _not_superlative(
            w, words[i - 1] if i else "", words[i + 1] if i + 1 < len(words) else ""
        ):
            continue
        if w in _SUPERLATIVE_WORDS:
            groups = [g for g in _SUPERLATIVES if w in g]
            if not any(set(analyze(" ".join(g))) & plain for g in groups):
                out.append(w)
        elif _EST.match(w) and w not in _NOT_EST:
            if not set(analyze(w)) & plain:
                out.append(w)
    return list(dict.fromkeys(out))

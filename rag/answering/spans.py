"""The short answer: the exact span that answers, in the reader's language where it can be
rendered exactly (numbers, dates, names; a counted noun through the dictionary).

The span comes from the quoted sentence's mentions of the asked kind, ranked by the fitted
mention model; mentions coordinated with the best one ("Steve Witkoff et Jared Kushner",
"à Cholet (Maine-et-Loire) et à Vannes") answer with it. The quoted span itself is kept
verbatim beside the rendering (``Draft.quoted_short``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rag.answering import bilingual
from rag.answering.candidates import Candidate, given_surface
from rag.answering.features import CONJUNCTION, matched_predicates, mention_features
from rag.answering.question import Question
from rag.answering.scoring import Logistic
from rag.lexical import analyze
from rag.schemas import Mention

# Between two coordinated mentions: punctuation, then a conjunction with at most three
# lower-case words ("et son gendre", ") et à"), or at most a preposition ("(", ", à").
_GLUE = re.compile(
    r"^[\s,;()\[\]–—-]*(?:(?:et|and|ou|or|&|ainsi que|as well as)\b[\s,]*"
    r"(?:[a-zà-ÿ'’.-]+\s+|[a-zà-ÿ]{1,2}['’]){0,3}|(?:(?:à|en|au|aux|in|at|de|of)\s+)?)[\s(]*$"
)
MONTHS = {
    "en": "January February March April May June July August September October November "
    "December".split(),
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
    "décembre".split(),
}
WEEKDAYS = {
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split(),
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche".split(),
}
_RELATIVE = re.compile(
    r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|hier|aujourd|demain|veille|"
    r"lendemain|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
    r"tomorrow|last|next|this|dernier|dernière|prochain|prochaine|ce|cette)\b",
    re.IGNORECASE,
)


def mention_probabilities(q: Question, c: Candidate, model: Logistic) -> list[float]:
    """How likely each of the sentence's mentions of the asked kind is the answer."""
    if not c.options:
        return []
    verbs = matched_predicates(q, c)
    return [model(mention_features(q, c, m, verbs)) for m in c.options]


def best_mention_probability(q: Question, c: Candidate, model: Logistic) -> float:
    """How likely the sentence's best mention of the asked kind is the answer (0 if none)."""
    return max(mention_probabilities(q, c, model), default=0.0)


def tied(q: Question, c: Candidate) -> bool:
    """One of the sentence's mentions of the asked kind is tied to the question by the parse
    or the asked noun: it fills the asked role, its head is an asked word, or the asked noun
    qualifies it."""
    verbs = matched_predicates(q, c)
    for m in c.options:
        f = mention_features(q, c, m, verbs)
        if f["role"] or f["attached"] or f["focus"]:
            return True
    return False


def best_mentions(q: Question, c: Candidate, model: Logistic) -> list[Mention]:
    """The mentions that answer, best first, with those coordinated with it."""
    scores = mention_probabilities(q, c, model)
    if not scores:
        return []
    best = c.options[max(range(len(scores)), key=lambda i: scores[i])]
    if best.kind in ("PER", "ORG", "LOC", "MISC") or q.many:
        # "Steve Witkoff et Jared Kushner" answer "who" together
        return coordinated(c, best, _other_names(q, c))
    return [best]  # one number or date: "597 000 et 620 000" are two answers, not one


def _other_names(q: Question, c: Candidate) -> list[Mention]:
    """The sentence's names that are no options (another kind, by the tagger) and that the
    question does not give: members of a list the best option heads."""
    if c.annotation is None:
        return []
    chosen = {(m.start, m.end) for m in c.options}
    return [
        m
        for m in c.annotation.mentions
        if _family(m) == "name"
        and (m.start, m.end) not in chosen
        and not given_surface(q, m, c.text[m.start - c.start : m.end - c.start])
    ]


def coordinated(c: Candidate, best: Mention, others: Sequence[Mention] = ()) -> list[Mention]:
    """``best`` and the options of its kind coordinated with it, in text order; in an
    enumeration ("A, B et C", "the A, B and C provinces") the other names too, whatever
    kinds the tagger gave them."""
    same = [m for m in c.options if _family(m) == _family(best) and m.negated == best.negated]
    run = _run(c, best, same, _joined)
    if _family(best) != "name":
        return run
    pool = same + [m for m in others if m.negated == best.negated]
    listed = _run(c, best, pool, _listed)
    return listed if len(listed) > len(run) and _enumeration(c, listed) else run


def _run(
    c: Candidate, best: Mention, pool: Sequence[Mention], joined: Callable[..., bool]
) -> list[Mention]:
    """The mentions of ``pool`` joined to ``best`` one after the other, in text order."""
    same = sorted(pool, key=lambda m: m.start)
    i = next(k for k, m in enumerate(same) if m is best)
    lo = hi = i
    while lo > 0 and joined(c, same[lo - 1], same[lo]):
        lo -= 1
    while hi + 1 < len(same) and joined(c, same[hi], same[hi + 1]):
        hi += 1
    return same[lo : hi + 1]


def _gap(c: Candidate, a: Mention, b: Mention) -> str:
    return c.text[a.end - c.start : b.start - c.start]


def _glue(c: Candidate, a: Mention, b: Mention) -> re.Match[str] | None:
    """What joins two mentions into a list: punctuation and a conjunction (``_GLUE``)."""
    gap = _gap(c, a, b)
    return _GLUE.match(gap) if gap.strip() else None


def _listed(c: Candidate, a: Mention, b: Mention) -> bool:
    return _glue(c, a, b) is not None


def _enumeration(c: Candidate, run: Sequence[Mention]) -> bool:
    """Three or more names, bare commas between them and a conjunction before the last."""
    gaps = [_gap(c, a, b) for a, b in zip(run, run[1:], strict=False)]
    return (
        len(run) >= 3
        and all(g.strip() == "," for g in gaps[:-1])
        and bool(CONJUNCTION.search(gaps[-1]))
    )


def _family(m: Mention) -> str:
    return "name" if m.kind in ("PER", "ORG", "LOC", "MISC") else m.kind


def _joined(c: Candidate, a: Mention, b: Mention) -> bool:
    """Coordinated: names of any kinds through a conjunction (the tagger often calls one of
    "Galaxy 30 et BSAT-4b" a person), but a person and a name of another kind only so; after
    a bare comma the person is an apposition ("l'université X, Kate Whitaker, ...")."""
    if not (glue := _glue(c, a, b)):
        return False
    return (a.kind == "PER") == (b.kind == "PER") or bool(CONJUNCTION.search(glue.group(0)))


def render(
    q: Question, mentions: Sequence[Mention], text: str, doc_lang: str, reader: str
) -> tuple[str, str] | None:
    """(the short answer as shown, the verbatim span it came from)."""
    if not mentions:
        return None
    quote = text[mentions[0].start : mentions[-1].end]
    parts = [_render_one(m, text, doc_lang, reader, q) for m in mentions]
    return ", ".join(dict.fromkeys(parts)), quote


def _render_one(m: Mention, text: str, doc_lang: str, reader: str, q: Question) -> str:
    surface = " ".join(text[m.start : m.end].split())
    if m.kind == "DATE" and m.value and (reader != doc_lang or _RELATIVE.search(surface)):
        return render_date(m.value, reader) or surface
    if m.kind in ("NUM", "MONEY", "PERCENT") and reader != doc_lang and m.value:
        return render_number(m, reader) or surface
    if m.kind in ("NUM",) and m.unit and m.unit.casefold() not in surface.casefold():
        following = text[m.end : m.end + 40].split()
        if following and following[0].casefold().startswith(m.unit.casefold()[:4]):
            return f"{surface} {following[0].strip(',.;:')}"
    return surface


def render_date(value: str, lang: str) -> str | None:
    """An ISO date at its precision, written out: "Tuesday 6 January 2026", "mardi 6 janvier
    2026", "January 2026", "2026"."""
    import datetime as dt

    parts = value.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return str(year)
        month = MONTHS[lang if lang in MONTHS else "en"][int(parts[1]) - 1]
        if len(parts) == 2:
            return f"{month} {year}"
        day = dt.date(year, int(parts[1]), int(parts[2]))
    except (ValueError, IndexError):
        return None
    weekday = WEEKDAYS[lang if lang in WEEKDAYS else "en"][day.weekday()]
    return f"{weekday} {day.day} {month} {year}"


def render_number(m: Mention, lang: str) -> str | None:
    """A number in the reader's conventions, with its unit through the dictionary:
    "26 pays" -> "26 countries", "2.389 emplois" -> "2,389 jobs", "59.3%" -> "59,3 %"."""
    assert m.value is not None
    try:
        value = float(m.value)
    except ValueError:
        return None
    number = _format(value, lang)
    if m.kind == "PERCENT" or m.unit == "%":
        return f"{number} %" if lang == "fr" else f"{number}%"
    unit = m.unit or ""
    if unit and re.fullmatch(r"[A-Z]{3}", unit):  # a currency code
        return f"{number} {unit}"
    if unit:
        words = bilingual.translate(unit, "fr" if lang == "en" else "en")
        if words:
            noun = words[0]
            unit = _plural(noun, lang) if value != 1 else noun
    return f"{number} {unit}".strip()


def _format(value: float, lang: str) -> str:
    if value >= 1e9 and value % 1e7 == 0:
        scaled, word = (
            value / 1e9,
            {"en": "billion", "fr": "milliards"}[lang if lang == "fr" else "en"],
        )
    elif value >= 1e6 and value % 1e4 == 0:
        scaled, word = (
            value / 1e6,
            {"en": "million", "fr": "millions"}[lang if lang == "fr" else "en"],
        )
    else:
        scaled, word = value, ""
    text = f"{scaled:,.2f}".rstrip("0").rstrip(".") if scaled % 1 else f"{int(scaled):,}"
    if lang == "fr":
        text = text.replace(",", " ").replace(".", ",")
    return f"{text} {word}".strip()


def _plural(noun: str, lang: str) -> str:
    if " " in noun or noun.endswith(("s", "x", "z")):
        return noun
    if lang == "en" and noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if lang == "fr" and noun.endswith(("au", "eu")):
        return noun + "x"
    return noun + "s"


_PARENS = re.compile(r"\s*\(([^()]{3,200})\)")


def expansion(q: Question, c: Candidate, text: str) -> tuple[int, int] | None:
    """What a name the definition question asks about stands for, where the sentence spells
    it out: "Pacte (Plan d'action pour la croissance et la transformation des entreprises)",
    or "l'Organisation mondiale de la santé (OMS)" (the words whose initials make it)."""
    if q.qtype != "definition":
        return None
    low = c.text.casefold()
    for name in q.names:
        key = name.text.casefold()
        at = low.find(key)
        if at < 0:
            continue
        after = _PARENS.match(c.text, at + len(key))
        if after is not None:
            return c.start + after.start(1), c.start + after.end(1)
        before = re.search(r"\(\s*" + re.escape(key) + r"\s*\)", low)
        if before is not None and name.text.replace(".", "").isalpha():
            span = _spelled_by(c.text[: before.start()], name.text.replace(".", ""))
            if span is not None:
                return c.start + span[0], c.start + span[1]
    return None


def _spelled_by(head: str, acronym: str) -> tuple[int, int] | None:
    """The end of ``head`` whose capitalised or content words start with the acronym's
    letters, in order ("Organisation mondiale de la santé" for OMS)."""
    words = list(re.finditer(r"(?<![\w'’])(?:[ldLD]['’])?([\w-]+)", head))
    letters = acronym.casefold()
    for first in range(len(words) - 1, -1, -1):
        content = [w for w in words[first:] if len(w.group(1)) > 3 or w.group(1)[:1].isupper()]
        initials = "".join(w.group(1)[0].casefold() for w in content)
        if initials == letters and words[first] is content[0]:
            return words[first].start(1), words[-1].end()
        if len(initials) > len(letters):
            break
    return None


# A when- or where-question whose sentence holds no date or place of the asked kind is often
# answered by a phrase the asked verb governs: "après le sommet de Paris", "dans les zones de
# contact", "ces derniers mois". Prepositions and time nouns are a generic language resource.
_WHEN_PREPOSITIONS = (
    r"après|avant|pendant|depuis|dès|jusqu['’]\s*(?:à|au|aux|en)|jusqu['’]|"
    r"lors\s+d(?:e|u|es|['’])|d['’]ici|à\s+partir\s+d(?:e|u|es|['’])|au\s+cours\s+d(?:e|u|es|['’])|"
    r"after|before|during|since|until|by|within|following"
)
_WHERE_PREPOSITIONS = (
    r"dans|sur|sous|en|à|au|aux|près\s+d(?:e|u|es|['’])|devant|derrière|chez|"
    r"auprès\s+d(?:e|u|es|['’])|in|at|on|near|inside|outside|off|across"
)
# the preposition that opens an argument, read back from its first word
_PREPOSITION_BEFORE = re.compile(
    rf"(?<![\w'’])(?:{_WHEN_PREPOSITIONS}|{_WHERE_PREPOSITIONS})\s*$", re.IGNORECASE
)
_TEMPORAL = re.compile(_WHEN_PREPOSITIONS, re.IGNORECASE)  # matched at the phrase's start
_TIME_NOUNS = frozenset(
    analyze(
        "jour jours semaine semaines mois an ans année années lendemain veille moment heure "
        "heures soir matin nuit fin début période décennie siècle day days week weeks month "
        "months year years time evening morning night weekend decade century hour hours"
    )
)
PHRASE_MAX_WORDS = 10


def phrase_answer(q: Question, c: Candidate, text: str) -> tuple[int, int] | None:
    """The span of the phrase that says when or where, governed by a verb the question uses:
    its preposition and its words, when it says something the question does not; phrases of
    the verb listed after it join it ("sur terre, dans les airs et en mer")."""
    if q.qtype not in ("when", "where") or c.annotation is None:
        return None
    asked = {tok for t in q.terms for tok in t.tokens | t.translations}
    for v in matched_predicates(q, c):
        spans = sorted(s for s in (_phrase(q, c, text, arg, asked) for arg in v.args) if s)
        if spans:
            start, end = spans[0]
            for a, b in spans[1:]:
                if not _LISTED.fullmatch(text[end:a]):
                    break
                end = b
            return start, end
    return None


_LISTED = re.compile(r"[\s,;]*(?:(?:et|and|ou|or)\s+)?")


def _phrase(
    q: Question, c: Candidate, text: str, arg: tuple[str, int, int], asked: set[str]
) -> tuple[int, int] | None:
    role, a, b = arg
    if role not in ("obl", "obj") or not (c.start <= a < b <= c.end):
        return None
    prep = _PREPOSITION_BEFORE.search(text[max(a - 30, c.start) : a])
    start = a - len(prep.group(0)) if prep else a
    words = analyze(text[a:b])
    opened = prep.group(0) if prep else ""
    timely = bool(set(words) & _TIME_NOUNS or _TEMPORAL.match(opened))
    if role == "obj" and (prep or not timely):
        return None  # a bare time phrase the parse reads as an object ("ces derniers mois")
    if (q.qtype == "when") != timely or (q.qtype == "where" and prep is None):
        return None
    if not words or len(text[start:b].split()) > PHRASE_MAX_WORDS:
        return None
    new = [w for w in words if w not in asked]
    if len(new) * 2 < len(words):
        return None  # it says again what the question says
    return start, b

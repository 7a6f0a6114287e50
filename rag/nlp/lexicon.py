"""Language resources of the language layer: function words, never names or places.

Month and weekday names and the relative day/week/month/year phrases ("hier",
"la semaine dernière", "last week") come from dateparser's locale data; number words
are text2num's. What is listed here are closed classes of French and English: the
words that frame an absence or an exclusion, negation adverbs, scale abbreviations,
currency names, the words that point a date forward or back.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from rag.lexical import fold

# --- negation and absence ---------------------------------------------------------------

# French clause negation: "ne" with its second part; "plus" alone means "more", so a clause
# counts as negated when its "ne" is there or one of the unambiguous second parts is.
NEGATION_PARTICLES = frozenset({"ne", "n'", "n’"})
NEGATION_ADVERBS = frozenset({"pas", "jamais", "guere", "point", "nullement", "aucunement"})
# pronouns that are the second part of a negation: "n'a rien dit", "nobody came"
NEGATIVE_PRONOUNS = frozenset({"rien", "personne", "nothing", "nobody", "none"})
# determiners that negate the noun they go with
NEGATIVE_DETERMINERS = frozenset({"aucun", "aucune", "nul", "nulle", "no", "ni", "nor", "neither"})
# prepositions of exclusion: "sans X", "sauf X", "without X", "except (for) X"
EXCLUSION_PREPOSITIONS = frozenset(
    {"sans", "sauf", "hormis", "excepte", "without", "except", "excluding", "barring"}
)
# nouns whose complement is absent or excluded: "en l'absence de X", "à l'exception de X"
ABSENCE_NOUNS = frozenset({"absence", "exception", "exclusion"})
# predicates saying their subject is not there: "X était absent", "X was absent"
ABSENT_PREDICATES = frozenset({"absent", "absente"})
# the same frames read from the words before a mention, when the parse attached it elsewhere
ABSENCE_BEFORE = re.compile(
    r"(?:\ben l['’]absence d[eu']|\bà l['’]exception d[eu']|\bin the absence of|\bsans|\bsauf|"
    r"\bhormis|\bexcepté|\bwithout|\bexcept(?: for)?|\bexcluding)\s*"
    r"(?:(?:l['’]|le |la |les |des |du |the |de |d['’])\s*)?$",
    re.IGNORECASE,
)

# --- numbers ------------------------------------------------------------------------------

# abbreviations of scales, read only beside a currency ("3 Md€", "$3bn", "€3m")
SCALE_ABBREVIATIONS = {
    "k": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "md": 1_000_000_000,
    "mds": 1_000_000_000,
    "mrd": 1_000_000_000,
    "mrds": 1_000_000_000,
    "bn": 1_000_000_000,
    "tn": 1_000_000_000_000,
}
CURRENCIES = {
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "livre sterling": "GBP",
    "livres sterling": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "sterling": "GBP",
    "chf": "CHF",
    "franc suisse": "CHF",
    "francs suisses": "CHF",
    "swiss franc": "CHF",
    "swiss francs": "CHF",
    "¥": "JPY",
    "yen": "JPY",
    "yens": "JPY",
    "jpy": "JPY",
    "yuan": "CNY",
    "yuans": "CNY",
    "cny": "CNY",
    "rouble": "RUB",
    "roubles": "RUB",
    "ruble": "RUB",
    "rubles": "RUB",
    "rub": "RUB",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
    "uah": "UAH",
}
PERCENT_WORDS = r"%|pour\s?cents?\b|pourcents?\b|per\s?cent\b|percent\b"
# a number word alone that is far more often an article or pronoun
ARTICLE_NUMBERS = frozenset({"un", "une", "a", "an", "one"})

# --- dates --------------------------------------------------------------------------------

PAST_WORDS = frozenset({"dernier", "derniere", "passe", "passee", "last", "past", "previous"})
FUTURE_WORDS = frozenset({"prochain", "prochaine", "next", "coming"})
# parts of the day that may follow a weekday: "ce samedi soir", "on Sunday morning"
DAY_PARTS = {
    "fr": ("soir", "matin", "après-midi", "apres-midi", "midi", "soirée", "nuit", "matinée"),
    "en": ("morning", "afternoon", "evening", "night"),
}
_UNITS = ("day", "week", "month", "year")


@dataclass(frozen=True)
class DateWords:
    """One language's date vocabulary, folded: names to numbers, phrases to offsets."""

    months: dict[str, int]  # name or abbreviation -> 1..12
    full_months: frozenset[str]  # names that may stand alone ("mai", "March")
    weekdays: dict[str, int]  # full name -> 0 (Monday) .. 6
    relative: dict[str, tuple[str, int]]  # "la semaine derniere" -> ("week", -1)
    periods: dict[str, str] = field(default_factory=dict)  # "semaine" -> "week"


@functools.cache
def date_words(lang: str) -> DateWords:
    from dateparser.languages.loader import default_loader

    info = default_loader.get_locale(lang).info
    month_keys = (
        "january february march april may june july august september october november december"
    ).split()
    day_keys = "monday tuesday wednesday thursday friday saturday sunday".split()
    months: dict[str, int] = {}
    full: set[str] = set()
    for n, key in enumerate(month_keys, 1):
        names = [fold(w) for w in info.get(key, []) if len(w) >= 3]
        for w in names:
            months[w] = n
        if names:
            full.add(max(names, key=len))
    weekdays = {
        max((fold(w) for w in info.get(key, [])), key=len): n for n, key in enumerate(day_keys)
    }
    relative: dict[str, tuple[str, int]] = {}
    for key, phrases in info.get("relative-type", {}).items():
        m = re.fullmatch(r"(in )?(\d+) (\w+?)( ago)?", key)
        if m and m.group(3) in _UNITS:
            n = int(m.group(2)) * (1 if m.group(1) else -1)
            for p in phrases:
                relative[fold(p).replace("’", "'")] = (m.group(3), n)
    periods = {
        fold(w): unit for unit in _UNITS[1:] for w in info.get(unit, []) if len(fold(w)) >= 2
    }
    return DateWords(months, frozenset(full), weekdays, relative, periods)

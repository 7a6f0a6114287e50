"""Which state a word stands for, in either language: its name ("Russia", "Russie"), its
nationality adjective ("Russian", "russe", "russes") and, as news writing uses them, its
capital or seat of government ("Moscow", "Moscou", "the Kremlin").

Generic resources only, none drawn from an article: territory names from the Unicode CLDR
(``rag/data/places_en_fr.tsv``), nationality adjectives (``rag/data/demonyms.tsv``) and the
names that stand for a state (``rag/data/capitals.tsv``), both written from general knowledge.

A state is known by a key, its English name folded, read as the token ``@russia``: analysed
text never yields a token that starts with ``@``, so these meet only each other.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from rag.lexical import fold

MARK = "@"  # a state's token: "@russia"
SHORT = 3  # forms this short ("US", "UE") are acronyms, matched in capitals only


# the usual short names of states and unions, in capitals, both languages
ACRONYMS = {
    "US": "United States",
    "USA": "United States",
    "UK": "United Kingdom",
    "EU": "European Union",
    "UE": "European Union",
    "UAE": "United Arab Emirates",
    "EAU": "United Arab Emirates",
    "RDC": "Congo - Kinshasa",
    "DRC": "Congo - Kinshasa",
}


def _rows(name: str) -> list[list[str]]:
    text = resources.files("rag.data").joinpath(name).read_text(encoding="utf-8")
    return [
        [cell.strip() for cell in line.split("\t")]
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _key(text: str) -> str:
    return fold(text).replace("’", "'").strip()


@functools.cache
def _tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(names and adjectives -> states, capitals and seats -> states), folded keys.

    The three tables spell some states differently ("Turkey", CLDR's "Türkiye"): a name in
    one language joins the other's, so each state has one key whatever the table."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            name = parent[name]
        return name

    def join(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    cldr = [r for r in _rows("places_en_fr.tsv") if len(r) >= 2 and r[1]]
    demonyms = [r for r in _rows("demonyms.tsv") if len(r) == 4]
    capitals = [r for r in _rows("capitals.tsv") if len(r) == 3]
    for row in cldr:
        join(_key(row[0]), _key(row[1].split("|")[0]))
    adjectives: dict[tuple[str, str], str] = {}
    for row in demonyms:
        join(_key(row[0]), _key(row[2]))
        # another name of a state the table already has: the same adjectives in both
        # languages ("Burma" - "Myanmar", "Britain" - "United Kingdom")
        same = (_key(row[1].split("|")[0]), _key(row[3].split("|")[0]))
        if all(same):
            join(_key(row[0]), adjectives.setdefault(same, _key(row[0])))
    for short, name in ACRONYMS.items():
        join(_key(short), _key(name))
    own: dict[str, set[str]] = {}
    for row in cldr:
        for name in (row[0], row[1].split("|")[0]):
            own.setdefault(_key(name), set()).add(root(_key(row[0])))
    for place_en, adj_en, place_fr, adj_fr in demonyms:
        state = root(_key(place_en))
        forms = [place_en, place_fr, *adj_en.split("|"), *adj_fr.split("|")]
        forms += [f + "s" for f in adj_en.split("|") if f and not f.endswith(("s", "ese"))]
        for form in forms:
            if form.strip():
                own.setdefault(_key(form), set()).add(state)
    for short in ACRONYMS:
        own.setdefault(_key(short), set()).add(root(_key(short)))
    stands: dict[str, set[str]] = {}
    for country, *names in capitals:
        for form in names:
            stands.setdefault(_key(form), set()).add(root(_key(country)))
    return (
        {k: frozenset(v) for k, v in own.items() if k},
        {k: frozenset(v) for k, v in stands.items() if k},
    )


@functools.cache
def _pattern(metonyms: bool) -> re.Pattern[str]:
    own, stands = _tables()
    forms = sorted(
        (f for f in {*own, *(stands if metonyms else ())} if len(f) > SHORT), key=len, reverse=True
    )
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w-])")


@functools.cache
def _acronyms(metonyms: bool) -> dict[str, frozenset[str]]:
    """Short forms ("US", "UK", "UE"), matched as written in capitals: "us" is a pronoun."""
    own, stands = _tables()
    out: dict[str, set[str]] = {}
    for table in (own, stands) if metonyms else (own,):
        for form, states in table.items():
            if len(form) <= SHORT:
                out.setdefault(form.upper(), set()).update(states)
    return {k: frozenset(v) for k, v in out.items()}


@functools.lru_cache(maxsize=50_000)
def states_in(text: str, metonyms: bool = True) -> frozenset[str]:
    """The states ``text`` names, as tokens ("@russia"): by name, by nationality adjective
    and, with ``metonyms``, by capital or seat of government."""
    own, stands = _tables()
    folded = fold(text).replace("’", "'")
    found: set[str] = set()
    aligned = len(folded) == len(text)
    for m in _pattern(metonyms).finditer(folded):
        found |= own.get(m.group(0), frozenset())
        if metonyms and (not aligned or text[m.start()].isupper()):  # "Sucre", not "sucre"
            found |= stands.get(m.group(0), frozenset())
    short = _acronyms(metonyms)
    for m in re.finditer(r"(?<![\w.])[A-Z][A-Z.]{1,4}(?![\w])", text):
        found |= short.get(m.group(0).replace(".", ""), frozenset())
    return frozenset(MARK + s for s in found)


_ARTICLES = frozenset("the la le les l de du des d of".split())


def names_only_states(text: str) -> bool:
    """``text`` is a state's name or adjective and nothing more ("France", "la Russie",
    "the United States"; not "Paris, France" nor "the French Open")."""
    if re.fullmatch(r"[A-Z.]{2,6}", text.strip()):  # "US", "U.K."
        return bool(states_in(text.strip(), metonyms=False))
    folded = fold(text).replace("’", "'")
    rest = _pattern(False).sub(" ", folded)
    return rest != folded and all(w in _ARTICLES for w in re.findall(r"[^\W\d_]+", rest))

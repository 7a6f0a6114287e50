"""Which state a word stands for, in either language: its name ("Russia", "Russie"), its
nationality adjective ("Russian", "russe", "russes") and, as news writing uses them, its
capital or seat of government ("Moscow", "Moscou", "the Kremlin").

Generic resources only, none drawn from an article: territory names from the Unicode CLDR
(``rag/data/places_en_fr.tsv``), nationality adjectives (``rag/data/demonyms.tsv``) and the
names that stand for a state (``rag/data/capitals.tsv``), both written from general knowledge.

A state is known by a key, one of its names folded, read as the token ``@russia``: analysed
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


_TOKEN = re.compile(r"[^\W_]+")


def _key(text: str) -> str:
    """A name's words, folded, one space apart ("Pays-Bas", "pays bas" -> "pays bas")."""
    return " ".join(fold(t) for t in _TOKEN.findall(text))


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
    for short in ACRONYMS:  # "US", and "U.S." read as its letters
        for form in (short, " ".join(short)):
            own.setdefault(_key(form), set()).add(root(_key(short)))
    stands: dict[str, set[str]] = {}
    for country, *names in capitals:
        for form in names:
            stands.setdefault(_key(form), set()).add(root(_key(country)))
    return (
        {k: frozenset(v) for k, v in own.items() if k},
        {k: frozenset(v) for k, v in stands.items() if k},
    )


@functools.cache
def _longest() -> int:
    own, stands = _tables()
    return max(k.count(" ") + 1 for k in (*own, *stands))


def _matches(text: str, metonyms: bool) -> list[tuple[int, int, frozenset[str]]]:
    """(first word, words, states) of each name of a state in ``text``, longest first and
    never overlapping. A capital or seat counts capitalised ("Sucre", not "sucre"); a form of
    three letters or fewer only in capitals ("US", "UE"; "us" is a pronoun)."""
    own, stands = _tables()
    words = [m.group(0) for m in _TOKEN.finditer(text)]
    folded = [fold(w) for w in words]
    out = []
    i = 0
    while i < len(words):
        for n in range(min(_longest(), len(words) - i), 0, -1):
            key = " ".join(folded[i : i + n])
            short = len(key.replace(" ", "")) <= SHORT
            if short and not all(w.isupper() for w in words[i : i + n]):
                continue
            hit = own.get(key, frozenset())
            if metonyms and words[i][:1].isupper():
                hit = hit | stands.get(key, frozenset())
            if hit:
                out.append((i, n, hit))
                i += n - 1
                break
        i += 1
    return out


@functools.lru_cache(maxsize=50_000)
def states_in(text: str, metonyms: bool = True) -> frozenset[str]:
    """The states ``text`` names, as tokens ("@russia"): by name, by nationality adjective
    and, with ``metonyms``, by capital or seat of government."""
    return frozenset(MARK + s for _, _, states in _matches(text, metonyms) for s in states)


@functools.cache
def _adjectives() -> frozenset[str]:
    """The folded nationality adjectives of both languages ("russe", "russian", "americains"),
    the words that name a state whatever their case (French writes them in lower case)."""
    forms: set[str] = set()
    for row in _rows("demonyms.tsv"):
        if len(row) == 4:
            forms |= {_key(f) for f in (*row[1].split("|"), *row[3].split("|")) if f.strip()}
    own, _ = _tables()
    return frozenset(f for f in forms if f in own and len(f) > SHORT)


def adjective_states(text: str) -> frozenset[str]:
    """The states ``text`` names by a nationality adjective, in any case ("toute force
    européenne": the EU); a place name in lower case names none ("la réunion")."""
    own, _ = _tables()
    adjectives = _adjectives()
    return frozenset(
        MARK + s for w in _TOKEN.findall(text) if (k := fold(w)) in adjectives for s in own[k]
    )


def state_names(text: str) -> list[tuple[str, frozenset[str]]]:
    """Each name of a state in ``text`` (its words, as written) with the states it stands
    for, as tokens: [("États Unis", {"@america"})]."""
    words = [m.group(0) for m in _TOKEN.finditer(text)]
    return [
        (" ".join(words[i : i + n]), frozenset(MARK + s for s in states))
        for i, n, states in _matches(text, metonyms=True)
    ]


_ARTICLES = frozenset("the la le les l de du des d of".split())


def names_only_states(text: str) -> bool:
    """``text`` is a state's name or adjective and nothing more ("France", "la Russie",
    "the United States", "US"; not "Paris, France" nor "the French Open")."""
    found = _matches(text, metonyms=False)
    covered = {k for i, n, _ in found for k in range(i, i + n)}
    words = [fold(m.group(0)) for m in _TOKEN.finditer(text)]
    return bool(found) and all(k in covered or w in _ARTICLES for k, w in enumerate(words))

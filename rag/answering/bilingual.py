"""English and French words and place names, both ways, from generic resources only.

Words come from the bundled dictionary (``rag.lexical.DICTIONARY``): FreeDict's eng-fra
(``rag/data/freedict_en_fr.tsv``, read English to French and reversed for French to English),
then the frequent words it lacks (``rag/data/common_*.tsv``). Country and region names come from
the Unicode CLDR (``rag/data/places_en_fr.tsv``, see ``evals/make_places.py``). Names of
people and towns are not translated here: the corpus's own name index matches them
(``rag.answering.corpus``).
"""

from __future__ import annotations

import functools
import re

from rag.lexical import _stemmers, dictionary_rows, fold, table_rows

MAX_SENSES = 4  # translations kept per word: the first senses are the common ones


def _stem(word: str, lang: str) -> str:
    fr, en = _stemmers()
    stemmer = en if lang == "en" else fr
    return fold(stemmer.stemWord(word.casefold()))  # type: ignore[attr-defined]


@functools.cache
def _tables() -> dict[str, dict[str, list[str]]]:
    """English stem -> French words; French word -> English words, most likely first
    (``rag.lexical.DICTIONARY``: FreeDict first, then the common words it lacks)."""
    en_fr: dict[str, list[str]] = {}
    for head, translations in dictionary_rows("en"):
        senses = en_fr.setdefault(_stem(head, "en"), [])
        senses.extend(t for t in translations if t not in senses)
    fr_en: dict[str, list[str]] = {}
    for head, translations in dictionary_rows("fr"):
        key = fold(head).replace("’", "'")
        senses = fr_en.setdefault(key, [])
        senses.extend(t for t in translations if t not in senses)
        fr_en.setdefault("~" + _stem(head, "fr"), senses)
    return {"en": en_fr, "fr": fr_en}


def translate(word: str, lang: str) -> list[str]:
    """Words of the other language for ``word`` of language ``lang`` (likely senses first)."""
    tables = _tables()
    if lang == "en":
        return tables["en"].get(_stem(word, "en"), [])[:MAX_SENSES]
    fr = tables["fr"]
    key = fold(word).replace("’", "'")
    for k in (key, key[:-1] if key.endswith(("s", "x")) else key, "~" + _stem(word, "fr")):
        if k in fr:
            return fr[k][:MAX_SENSES]
    return []


# Near-synonyms of news French ("troupes" / "soldats", "trêve" / "cessez-le-feu"), written
# from general knowledge by a language-model helper with no article or question read (one
# table for English was written too and left out: on the reply sets it kept few more claims
# than it let inventions through). Antonyms, converses (envoyer / recevoir) and words of
# other degrees are left out on purpose.
NEAR_SYNONYMS = "near_synonyms_fr.tsv"


@functools.cache
def _near_synonyms() -> dict[str, frozenset[str]]:
    """French stem -> the words the table pairs with it, both ways (a head and each of its
    synonyms; two synonyms of one head are not paired through it: a head may list two
    senses, "arrêter": stopper | interpeller)."""
    table: dict[str, set[str]] = {}
    for head, synonyms in table_rows(NEAR_SYNONYMS):
        table.setdefault(_stem(head, "fr"), set()).update(synonyms)
        for other in synonyms:
            if " " not in other:
                table.setdefault(_stem(other, "fr"), set()).add(head)
    return {k: frozenset(v) for k, v in table.items()}


def near_synonyms(word: str) -> frozenset[str]:
    """The French words that say what the French ``word`` says in news writing."""
    return _near_synonyms().get(_stem(word, "fr"), frozenset())


@functools.cache
def _places() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern over every territory name of both languages (folded, longest first),
    and each name's name in the other language."""
    other: dict[str, str] = {}
    for en, fr in table_rows("places_en_fr.tsv"):
        if fr:
            a, b = fold(en).replace("’", "'"), fold(fr[0]).replace("’", "'")
            other.setdefault(a, b)
            other.setdefault(b, a)
    names = sorted(other, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    return pattern, other


def place_names(text: str) -> list[tuple[str, str]]:
    """Territory names in ``text`` (either language) and their name in the other language:
    ("Russia", "russie"), ("Allemagne", "germany")."""
    folded = fold(text).replace("’", "'")
    if len(folded) != len(text):  # a character that folds to several: no offsets to share
        return []
    pattern, other = _places()
    return [(text[m.start() : m.end()], other[m.group(0)]) for m in pattern.finditer(folded)]


def translated_query(text: str, lang: str) -> str:
    """The question's content words in the other language (likely senses), its names and
    numbers kept as they are: a query for the articles written in the other language."""
    from rag.lexical import stopwords

    stop = stopwords()
    out: list[str] = []
    places = dict(place_names(text))
    for m in re.finditer(r"[\w'’-]+", text):
        word = m.group(0)
        if word in places:
            out.append(places[word])
        elif word[0].isupper() or any(c.isdigit() for c in word):
            out.append(word)
        elif fold(word) not in stop and len(word) > 2:
            out.extend(translate(word, lang)[:2])
    return " ".join(out)

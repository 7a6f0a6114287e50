"""Keyword search for French articles and English or French questions.

One analyzer for both sides emits two kinds of token per word:
- a French Snowball stem with accents folded (``garanties`` -> ``garant``), the
  precise match for French questions, names and numbers;
- a ``~`` prefix token, the first five folded letters (``represented`` and
  ``représenté`` -> ``~repre``), which lets English cognates meet French words.
English questions add, at half weight, French translations of their words from
FreeDict's English-French dictionary; territory names (CLDR) count in full in either
language. Other names are matched by the corpus's own spellings (``rag.retrieval``).
The index itself is ``rag.corpus_index`` (tantivy over these tokens).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_PREFIX = 5
WORD_CACHE = 200_000  # words remembered by the per-word analysis (a bounded cache)
EXPANSION_WEIGHT = 0.5

_NUMBERS = {
    "un": "1", "one": "1", "deux": "2", "two": "2", "trois": "3", "three": "3",
    "quatre": "4", "four": "4", "cinq": "5", "five": "5", "six": "6", "sept": "7",
    "seven": "7", "huit": "8", "eight": "8", "neuf": "9", "nine": "9", "dix": "10",
    "ten": "10", "onze": "11", "eleven": "11", "douze": "12", "twelve": "12",
    "vingt": "20", "twenty": "20", "trente": "30", "thirty": "30", "quarante": "40",
    "forty": "40", "cinquante": "50", "fifty": "50", "cent": "100", "hundred": "100",
}  # fmt: skip
_NUMBERS_RE = "|".join(w for w in _NUMBERS if not w.startswith(("cent", "hundred")))
_COMPOUND = re.compile(
    r"\b(vingt|twenty|trente|thirty|quarante|forty|cinquante|fifty)[- ]"
    r"(et[- ])?(un|one|deux|two|trois|three|quatre|four|cinq|five|six|sept|seven|huit|eight|"
    r"neuf|nine)\b",
    re.IGNORECASE,
)
_QUESTION_WORDS = set(
    "who whom whose what which when where why how many much did does do was were is are has have "
    "had will would can could should qui que quoi quel quelle quels quelles quand ou où pourquoi "
    "comment combien est ce cette ces a ont été il elle ils elles y lequel laquelle".split()
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


@functools.cache
def _stemmers() -> tuple[object, object]:
    import Stemmer

    return Stemmer.Stemmer("french"), Stemmer.Stemmer("english")


@functools.cache
def stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH

    words = set(STOPWORDS_FRENCH) | set(STOPWORDS_EN_PLUS) | _QUESTION_WORDS
    words |= {"dont", "selon", "ainsi", "alors", "aussi", "tous", "toute", "tout", "entre"}
    return frozenset(fold(w) for w in words)


_UNITS = r"un|one|deux|two|trois|three|quatre|four|cinq|five|six|sept|seven|huit|eight|neuf|nine"
# hundreds, after the tens have become digits: "cent douze" (112), "two hundred and 50" (250)
_HUNDREDS = re.compile(
    rf"\b(?:({_UNITS})[- ])?(?:cents?|hundred)\b(?:[- ](?:and[- ])?(\d{{1,2}}|{_NUMBERS_RE})\b)?",
    re.IGNORECASE,
)


def _numbers_to_digits(text: str) -> str:
    def compound(m: re.Match[str]) -> str:
        return str(int(_NUMBERS[m.group(1).lower()]) + int(_NUMBERS[m.group(3).lower()]))

    def hundreds(m: re.Match[str]) -> str:
        times = int(_NUMBERS[m.group(1).lower()]) if m.group(1) else 1
        rest = m.group(2) or "0"
        return str(times * 100 + int(_NUMBERS.get(rest.lower(), rest)))

    return _HUNDREDS.sub(hundreds, _COMPOUND.sub(compound, text))


def words(text: str) -> list[str]:
    """Lower-cased content words: elisions (l', qu') and stopwords out, number words as digits."""
    text = _numbers_to_digits(text.replace("’", "'"))
    return [w for raw in _TOKEN.findall(text.casefold()) if (w := _content_word(raw))]


@functools.lru_cache(maxsize=WORD_CACHE)
def _content_word(w: str) -> str:
    """The word as ``words`` keeps it (a number word as digits), or "" when it is dropped."""
    w = _NUMBERS.get(w, w) if len(w) > 2 or w.isdigit() else w
    if len(w) < 2 and not w.isdigit():
        return ""
    return "" if fold(w) in stopwords() else w


def analyze(text: str) -> list[str]:
    """Index-side tokens: French stems (folded) and cross-language prefix tokens."""
    return [t for w in words(text) for t in _word_tokens(w)]


@functools.lru_cache(maxsize=WORD_CACHE)
def _word_tokens(w: str) -> tuple[str, ...]:
    """One content word's index tokens: its folded French stem, and its prefix token."""
    fr, _ = _stemmers()
    stem = fold(fr.stemWord(w))  # type: ignore[attr-defined]
    if not w.isdigit() and len(w) >= _PREFIX:
        return (stem, "~" + fold(w)[:_PREFIX])
    return (stem,)


# The bilingual dictionary, in bundled tables (rag/data): the common senses of frequent
# words, FreeDict's eng-fra (and its reversal, evals/make_bilingual.py), then the common words
# FreeDict lacks, both written for this project from word-frequency lists
# (evals/make_common_words.py). Per direction: that direction's tables in order, then the
# other direction's table of words FreeDict lacks read backwards.
_FREEDICT = {"en": "freedict_en_fr.tsv", "fr": "freedict_fr_en.tsv"}  # en: English -> French
_AUTHORED = {"en": "common_en_fr.tsv", "fr": "common_fr_en.tsv"}
# first of all, the common senses of the most frequent words FreeDict does translate, most
# common first (FreeDict's order is not frequency, and it often lacks the everyday sense)
SENSES = {"en": "senses_en_fr.tsv", "fr": "senses_fr_en.tsv"}
DICTIONARY = {lang: (SENSES[lang], _FREEDICT[lang], _AUTHORED[lang]) for lang in ("en", "fr")}
# and, after them all, the words of news French that dictionaries and frequency lists
# miss: journalistic synonyms, periphrases and register words ("édile": mayor, "scrutin":
# vote, "prévenu": defendant), written for this project by a language-model helper from
# general knowledge (no article or question of any set read), read French to English and,
# for one-word entries, back ("mayor" then also meets "édile")
SYNONYMS = "synonyms_fr_en.tsv"


# Multi-word expressions whose rendering in the other language is not word by word ("chief
# executive" - PDG, "garde à vue" - custody), written for this project from general
# knowledge of news language (no article or question of any set was read for them): each
# word of an expression met in a text takes the expression's one-word renderings.
PHRASES = {"en": "phrases_en_fr.tsv", "fr": "phrases_fr_en.tsv"}


_PHRASE_TOKEN = re.compile(r"[^\W_]+")


@functools.cache
def _phrases(lang: str) -> dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]:
    """First word -> (the expression's words, its one-word renderings), longest first."""
    table: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for head, translations in table_rows(PHRASES[lang]):
        single = tuple(t for t in translations if " " not in t)
        toks = tuple(_PHRASE_TOKEN.findall(fold(head)))
        if single and len(toks) > 1:
            table.setdefault(toks[0], []).append((toks, single))
    for entries in table.values():
        entries.sort(key=lambda e: -len(e[0]))
    return table


def phrase_translations(text: str, lang: str) -> dict[str, tuple[str, ...]]:
    """Each (folded) word of a multi-word expression of ``text`` with that expression's
    one-word renderings in the other language: "the chief executive" -> {"chief": ("PDG",),
    "executive": ("PDG",)} (a plural last word too: "chief executives")."""
    table = _phrases(lang)
    toks = _PHRASE_TOKEN.findall(fold(text))
    out: dict[str, tuple[str, ...]] = {}
    i = 0
    while i < len(toks):
        found = None
        for words_, renderings in table.get(toks[i], ()):
            n = len(words_)
            have = toks[i : i + n]
            if (
                len(have) == n
                and have[:-1] == list(words_[:-1])
                and (have[-1] == words_[-1] or have[-1] in (words_[-1] + "s", words_[-1] + "x"))
            ):
                found = (n, renderings)
                break
        if found is None:
            i += 1
            continue
        n, renderings = found
        for w in toks[i : i + n]:
            out[w] = tuple(dict.fromkeys((*out.get(w, ()), *renderings)))
        i += n
    return out


def table_rows(name: str) -> list[tuple[str, list[str]]]:
    """(word, translations) of one bundled table."""
    text = resources.files("rag.data").joinpath(name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if line and not line.startswith("#") and "\t" in line:
            head, trans = line.split("\t", 1)
            out.append((head.strip(), [t.strip() for t in trans.split("|") if t.strip()]))
    return out


@functools.cache
def dictionary_rows(lang: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(word of ``lang``, its translations) over every table of the dictionary, in order."""
    rows: list[tuple[str, tuple[str, ...]]] = []
    for name in DICTIONARY[lang]:
        rows += [(h, tuple(ts)) for h, ts in table_rows(name)]
    rows += _synonym_rows(lang)  # last: they never displace a sense the tables give
    other = "fr" if lang == "en" else "en"
    return tuple(rows) + tuple(_backwards(table_rows(_AUTHORED[other])))


def _synonym_rows(lang: str) -> list[tuple[str, tuple[str, ...]]]:
    """The news-French words both ways: as written (French), or one-word entries back."""
    rows = table_rows(SYNONYMS)
    if lang == "fr":
        return [(h, tuple(ts)) for h, ts in rows]
    return _backwards([(h, ts) for h, ts in rows if " " not in h])


def _backwards(rows: list[tuple[str, list[str]]]) -> list[tuple[str, tuple[str, ...]]]:
    """A table read from its one-word translations back to its words."""
    back: dict[str, list[str]] = {}
    for head, translations in rows:
        for t in translations:
            if " " not in t:
                back.setdefault(t, []).append(head)
    return [(h, tuple(ts)) for h, ts in back.items()]


@functools.cache
def _dictionary() -> dict[str, list[str]]:
    """English stem -> French words."""
    _, en = _stemmers()
    table: dict[str, list[str]] = {}
    for head, translations in dictionary_rows("en"):
        key = en.stemWord(head.lower())  # type: ignore[attr-defined]
        table.setdefault(key, []).extend(translations)
    return table


@functools.cache
def _news_synonyms() -> dict[str, tuple[str, ...]]:
    """English word -> the news-French words that render it ("mayor": "édile")."""
    return dict(_synonym_rows("en"))


def news_synonyms(english: str) -> list[str]:
    """The news-French synonyms of these English words (a French question's translation):
    "maire" -> "mayor" -> "édile", which a French question's own words never meet."""
    table = _news_synonyms()
    return list(dict.fromkeys(s for w in words(english) for s in table.get(w.lower(), ())))


def expansions(text: str) -> list[str]:
    """French translations of an English question's words."""
    _, en = _stemmers()
    entries = _dictionary()
    out: list[str] = []
    for w in words(text):
        out.extend(entries.get(en.stemWord(w), [])[:4])  # type: ignore[attr-defined]
    out += dict.fromkeys(t for ts in phrase_translations(text, "en").values() for t in ts)
    return out


@dataclass
class QueryTokens:
    main: list[str]
    expanded: list[str]


def analyze_query(text: str, lang: str, expand: bool = True) -> QueryTokens:
    main = analyze(text)
    expanded: list[str] = []
    if expand:  # a country or region has one right name in each language: it counts in full
        main += [t for t in analyze(" ".join(_place_names(text))) if t not in main]
    if lang == "en" and expand:
        seen = set(main)
        expanded = list(
            dict.fromkeys(t for t in analyze(" ".join(expansions(text))) if t not in seen)
        )
    return QueryTokens(main, expanded)


def name_key(text: str) -> str:
    """A name as the names index keys it: folded, possessive and punctuation off, spaces
    single ("l'Élysée" and "Elysee" meet)."""
    text = re.sub(r"['’]s\b", "", fold(text))
    text = re.sub(r"^(?:l|d)['’]", "", text)
    return " ".join(re.findall(r"[\w-]+", text))


@dataclass
class QueryWord:
    """One content word of a question and every token that counts as meeting it."""

    word: str
    tokens: set[str]
    translations: set[str]  # from the dictionary and the territory names
    names: set[str] = field(default_factory=set)  # from the territory names: "Russia" -> "Russie"


def _place_pairs(text: str) -> list[tuple[str, str]]:
    from rag.answering.bilingual import place_names

    return place_names(text)


def _place_names(text: str) -> list[str]:
    return [other for _, other in _place_pairs(text)]


def query_words(text: str, lang: str, expand: bool = True) -> list[QueryWord]:
    _, en = _stemmers()
    use = lang == "en" and expand
    table = _dictionary() if use else {}
    places = {fold(w): other for w, other in _place_pairs(text)} if expand else {}
    phrases = phrase_translations(text, lang) if expand else {}
    out = []
    for w in dict.fromkeys(words(text)):
        key = en.stemWord(w)  # type: ignore[attr-defined]
        named = [places[fold(w)]] if fold(w) in places else []
        trans = named + table.get(key, [])[:4] + list(phrases.get(fold(w), ()))
        out.append(
            QueryWord(
                w, set(analyze(w)), set(analyze(" ".join(trans))), set(analyze(" ".join(named)))
            )
        )
    return out

"""Numbers in a sentence, as digits: amounts, percentages, counts.

Digits follow the writing conventions of the article's language: in French "2.389" and
"2 389" are 2389 and "3,5" is 3.5; in English "1,200" is 1200 and "59.3" is 59.3. A scale
word multiplies ("3,5 millions" = 3500000, "140 milliards" = 140000000000). Number words
("vingt-six", "twenty-six") are read by text2num. What follows says what is counted: a
currency (MONEY, with its ISO code as unit), a percent sign or words (PERCENT, unit "%"),
or a noun, whose lemma the annotator takes as the unit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from rag.lexical import fold
from rag.nlp.lexicon import ARTICLE_NUMBERS, CURRENCIES, PERCENT_WORDS, SCALE_ABBREVIATIONS

_CORE = {
    "fr": re.compile(
        r"(?<![\w.,-])(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:,\d+)?|\d+,\d+|\d+\.\d+|\d+)"
        r"(?!\d)(?![.,]\d)"
    ),
    "en": re.compile(r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+)(?!\d)(?![.,]\d)"),
}
_ORDINAL = re.compile(r"(?:er|re|e|ème|eme|nd|st|rd|th)\b", re.IGNORECASE)
_SCALE = re.compile(
    r"\s*(milliards?|millions?|mille|billions?|trillions?|thousands?)\b", re.IGNORECASE
)
_ABBREVIATION = re.compile(
    r"\s?(" + "|".join(sorted(SCALE_ABBREVIATIONS, key=len, reverse=True)) + r")(?![^\W\d_])",
    re.IGNORECASE,
)
_CURRENCY_WORDS = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True))
_CURRENCY_AFTER = re.compile(
    rf"\s*(?:(?:de|d'|d’|of)\s*)?({_CURRENCY_WORDS})(?![^\W\d_])", re.IGNORECASE
)
_CURRENCY_BEFORE = re.compile(r"(US\$|\$|€|£|¥|USD|EUR|GBP|CHF)\s?$")
_PERCENT = re.compile(rf"\s*(?:{PERCENT_WORDS})", re.IGNORECASE)
_OF = re.compile(r"\s*(?:(?:de|d'|d’|des|of)\s*)?")


@dataclass
class Number:
    start: int
    end: int
    kind: str  # NUM MONEY PERCENT
    value: str
    unit: str | None = None
    noun_at: int | None = None  # where the counted noun may start (NUM only)


def digits_value(core: str, lang: str) -> Decimal | None:
    """The value of a number written in digits, by the language's conventions."""
    s = re.sub(r"[ \u00a0\u202f]", "", core)
    if lang == "fr":
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
            s = s.replace(".", "")
        s = s.replace(",", ".")
    else:
        s = s.replace(",", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def as_digits(v: Decimal) -> str:
    """2389, 3500000, 59.3: no exponent, no trailing zeros."""
    if v == v.to_integral_value():
        return str(int(v))
    return format(v.normalize(), "f")


@functools.cache
def word_value(words: str, lang: str) -> int | None:
    """text2num's reading of number words ("vingt-six" -> 26), or None."""
    from text_to_num import text2num

    try:
        return int(text2num(words.lower(), lang))
    except ValueError:
        return None


def _scale(word: str, lang: str) -> int | None:
    w = word.lower()
    return word_value(w, lang) or word_value(w.rstrip("s"), lang)


def find_digit_numbers(text: str, lang: str) -> list[Number]:
    """Numbers written with digits, extended by scale, currency or percent."""
    out = []
    for m in _CORE.get(lang, _CORE["en"]).finditer(text):
        value = digits_value(m.group(1), lang)
        if value is None:
            continue
        if rank := _ORDINAL.match(text, m.end()):  # "21st", "3e": ranks written in digits
            out.append(Number(m.start(), rank.end(), "NUM", as_digits(value)))
            continue
        if re.match(r"[^\W\d_]", text[m.end() : m.end() + 1]) and not _ABBREVIATION.match(
            text, m.end()
        ):
            continue  # "5G", "4x4": a name, not a number
        out.append(extend(text, m.start(), m.end(), value, lang))
    return out


def extend(text: str, start: int, end: int, value: Decimal, lang: str) -> Number:
    """A number from ``start`` to ``end`` with the scale, currency or percent that follow."""
    before = _CURRENCY_BEFORE.search(text, 0, start)
    currency = CURRENCIES.get(before.group(1).lower()) if before else None
    if before:
        start = before.start()
    if m := _SCALE.match(text, end):
        value *= _scale(m.group(1), lang) or 1
        end = m.end()
    elif (m := _ABBREVIATION.match(text, end)) and (
        currency or _CURRENCY_AFTER.match(text, m.end())
    ):
        value *= SCALE_ABBREVIATIONS[m.group(1).lower()]
        end = m.end()
    if currency is None and (m := _CURRENCY_AFTER.match(text, end)):
        currency, end = CURRENCIES[m.group(1).lower()], m.end()
    if currency:
        return Number(start, end, "MONEY", as_digits(value), currency)
    if m := _PERCENT.match(text, end):
        return Number(start, m.end(), "PERCENT", as_digits(value), "%")
    return Number(start, end, "NUM", as_digits(value), noun_at=_OF.match(text, end).end())  # type: ignore[union-attr]


class _Word:
    """A spaCy token as text2num's ``find_numbers`` reads it."""

    def __init__(self, token: Any) -> None:
        self.token = token

    def text(self) -> str:
        return str(self.token.text)

    def nt_separated(self, previous: _Word) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        t = self.token
        return bool(any(c.isdigit() for c in t.text) or t.pos_ in ("ADJ", "PROPN", "VERB"))


def find_word_numbers(tokens: Sequence[Any], text: str, lang: str) -> list[Number]:
    """Numbers written in words ("vingt-six pays", "a trentaine"), over a sentence's tokens.

    Token offsets are relative to ``text`` (the sentence). A lone "un"/"one" is an article
    more often than a count and is left out; "premier"/"first" are ranks, not numbers.
    """
    from text_to_num import find_numbers

    out = []
    for occ in find_numbers([_Word(t) for t in tokens], lang, 0.0):
        span = tokens[occ.start : occ.end]
        if occ.is_ordinal or (len(span) == 1 and span[0].lower_ in ARTICLE_NUMBERS):
            continue
        start, end = span[0].idx, span[-1].idx + len(span[-1].text)
        out.append(extend(text, start, end, Decimal(int(occ.value)), lang))
    for i, t in enumerate(tokens):  # "une trentaine de pays": about thirty
        w = fold(t.text)
        if lang == "fr" and t.pos_ == "NOUN" and w.endswith(("aine", "aines")):
            stem = w[: w.rindex("aine")]
            value = next(
                (v for c in (stem, stem + "e", stem[:-1] + "x") if (v := word_value(c, lang))),
                None,
            )
            framed = i and tokens[i - 1].lower_ == "une" and i + 1 < len(tokens)
            if value and framed and tokens[i + 1].lower_ in ("de", "d'", "d’"):
                out.append(extend(text, t.idx, t.idx + len(t.text), Decimal(value), lang))
    return out

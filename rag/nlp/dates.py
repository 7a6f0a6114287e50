"""Dates and times in a sentence: found by patterns over its text, normalised to ISO.

A date's value has the precision the text gives ("2019-02-18", "2016-12", "2007", a week
"2019-W16"). What the text leaves to the reader is resolved against the article's date,
and only when that is exact enough: a weekday ("mardi", "on Sunday") needs a full article
date and means the most recent such day on or before it, unless the words or the verb's
tense point forward ("samedi prochain", "will meet on Sunday"); a day without a year
("le 18 avril") takes the year that puts it nearest the article, or on the side the words
say ("en mai dernier"). Otherwise the value is None. A time is "HH:MM".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from rag.nlp.lexicon import DAY_PARTS, FUTURE_WORDS, PAST_WORDS, DateWords, date_words

_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:er|e|st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d|21\d\d)"
_TIME_CUES = ("a", "vers", "des", "avant", "apres", "jusqu'a", "at", "by", "until", "around")


@dataclass
class DateParts:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    relative: tuple[str, int] | None = None  # ("week", -1): "last week"
    direction: int = 0  # -1 a word points back ("dernier"), +1 forward ("next")


@dataclass
class Found:
    start: int
    end: int
    kind: str  # DATE or TIME
    parts: DateParts | None = None
    time: str | None = None
    bare_year: bool = False  # a lone four-digit number: a year unless it counts something


def fold_keep_length(text: str) -> str:
    """Lower case without accents, one character for one, so offsets stay valid."""
    out = []
    for c in text:
        f = "".join(
            x for x in unicodedata.normalize("NFKD", c.lower()) if not unicodedata.combining(x)
        )
        out.append(f if len(f) == 1 else c)
    return "".join(out).replace("’", "'")


def _alt(words: list[str]) -> str:
    return "|".join(
        re.escape(w).replace("'", "'\\s*") for w in sorted(words, key=len, reverse=True)
    )


@functools.cache
def _patterns(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    w = date_words(lang)
    month, wd = _alt(list(w.months)), _alt(list(w.weekdays))
    period = _alt(list(w.periods))
    dirs = _alt(sorted(PAST_WORDS | FUTURE_WORDS))
    parts = _alt(list(DAY_PARTS.get(lang, ())))
    pre = r"(?:(?P<pre>ce|cette|this|last|next|coming|on)\s+)?"
    post = (
        rf"(?:\s+(?P<post>{dirs}))?(?:\s+(?:{parts}))?" if parts else rf"(?:\s+(?P<post>{dirs}))?"
    )
    day_first = (
        rf"\b(?:(?P<wd>{wd}),?\s+)?(?:le\s+|the\s+)?(?P<d>{_DAY}|premier)\s+(?:of\s+)?"
        rf"(?P<m>{month})\.?(?:,?\s+(?P<y>{_YEAR}))?\b"
    )
    month_first = (
        rf"\b(?:(?P<wd>{wd}),?\s+)?(?P<m>{month})\.?\s+(?P<d>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?"
    )
    found = [
        ("iso", rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>[0-3]\d))?\b"),
        ("slash", rf"\b(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})/(?P<y>{_YEAR})\b"),
        ("dmy", day_first + rf"(?:\s+(?P<post>{dirs}))?"),
        ("mdy", month_first),
        ("my", rf"\b(?P<m>{month})\.?\s+(?:de\s+|of\s+)?(?P<y>{_YEAR})\b"),
        ("m", rf"\b(?:(?P<pre>last|next|this)\s+)?(?P<m>{month})\b(?:\s+(?P<post>{dirs}))?"),
        ("wd", rf"\b{pre}(?P<wd>{wd}){post}\b"),
        ("rel", rf"(?<!\w)(?P<rel>{_alt(list(w.relative))})(?!\w)"),
        ("per", rf"\b(?:(?:la|le|l')\s*)?(?P<per>{period})\s+(?P<dir>{dirs})\b"),
        ("per", rf"\b(?P<dir>{dirs}|this)\s+(?P<per>{period})\b"),
        ("year", rf"(?<![\d.,/-])(?P<y>{_YEAR})(?![\d]|[.,]\d)"),
        ("time", r"\b(?P<h>[01]?\d|2[0-3])\s?h\s?(?P<mi>[0-5]\d)?(?!\w)"),
        # "à 21 heures", not "12 heures de négociations"
        (
            "time",
            rf"\b(?:{_alt(list(_TIME_CUES))})\s+(?P<h>[01]?\d|2[0-3])\s+heures?(?:\s+(?P<mi>[0-5]\d))?\b",
        ),
        ("time", r"\b(?P<h>[01]?\d|2[0-3]):(?P<mi>[0-5]\d)\b"),
        ("time", r"\b(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>a\.m\.|p\.m\.|am\b|pm\b)"),
    ]
    return [(name, re.compile(p)) for name, p in found]


def find_dates(text: str, lang: str) -> list[Found]:
    """Date and time expressions of ``text``, longest first where they overlap."""
    folded = fold_keep_length(text)
    words = date_words(lang)
    hits: list[Found] = []
    for name, pattern in _patterns(lang):
        for m in pattern.finditer(folded):
            f = _read(name, m, words, lang, text)
            if f is not None:
                hits.append(f)
    hits.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Found] = []
    for f in hits:
        if not out or f.start >= out[-1].end:
            out.append(f)
    return out


def _read(name: str, m: re.Match[str], w: DateWords, lang: str, text: str) -> Found | None:
    g = m.groupdict()
    s, e = m.start(), m.end()
    if name == "time":
        h, mi = int(g["h"]), int(g["mi"] or 0)
        ap = (g.get("ap") or "").replace(".", "")
        if ap == "pm" and h < 12:
            h += 12
        elif ap == "am" and h == 12:
            h = 0
        return Found(m.start("h"), e, "TIME", time=f"{h:02d}:{mi:02d}")
    p = DateParts()
    if g.get("m"):
        key = g["m"].rstrip(".")
        p.month = w.months.get(key) or (int(key) if key.isdigit() else None)
        if lang == "en" and key.isalpha() and not text[m.start("m")].isupper():
            return None  # "may", "march": verbs as often as months
        if name == "m" and key not in w.full_months:
            return None  # "sept", "mar" alone: a number or a word, not a month
    if g.get("d"):
        d = re.match(r"\d+", g["d"])
        p.day = int(d.group()) if d else 1
    if g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        p.day, p.month = (a, b) if lang == "fr" else (b, a)
        if not 1 <= p.month <= 12:
            return None
    if g.get("y"):
        p.year = int(g["y"])
    if g.get("wd"):
        p.weekday = w.weekdays[g["wd"]]
    for word in (g.get("pre"), g.get("post"), g.get("dir")):
        if word in PAST_WORDS:
            p.direction = -1
        elif word in FUTURE_WORDS:
            p.direction = 1
    if g.get("rel"):
        p.relative = w.relative[re.sub(r"'\s*", "'", g["rel"])]
    if g.get("per"):
        p.relative = (w.periods[g["per"]], p.direction)
    if name == "wd" and g.get("pre") == "on":
        s = m.start("wd")  # "on Sunday": the day, not the preposition
    elif name == "dmy" and not g.get("wd"):
        s = m.start("d")  # "le 18 avril": the date, not the article
    return Found(s, e, "DATE", parts=p, bare_year=name == "year")


# --- resolution ---------------------------------------------------------------------------


def article_date(value: str | None) -> tuple[dt.date, str] | None:
    """The article's date and its precision ("day", "month", "year"), or None."""
    if not value:
        return None
    for fmt, precision in (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year")):
        try:
            return dt.datetime.strptime(value, fmt).date(), precision
        except ValueError:
            continue
    return None


def resolve(p: DateParts, article: str | None, future: bool = False) -> str | None:
    """ISO value of a date at its precision; None when the article date cannot fix it.

    ``future``: the verb is in the future ("se réuniront samedi", "will meet on Sunday").
    """
    known = article_date(article)
    try:
        if p.year and p.month and p.day:
            return dt.date(p.year, p.month, p.day).isoformat()
        if p.year and p.month:
            return f"{p.year:04d}-{p.month:02d}"
        if p.year:
            return f"{p.year:04d}"
        if p.month:
            if known is None or known[1] == "year":
                return None
            # the nearest such day: a verb's tense misleads here ("attendue mi-avril" is
            # ahead, "présenté début février" behind), only "dernier"/"prochain" lean
            return _nearest(p.month, p.day, known[0], known[1], p.direction)
        if p.weekday is not None:
            if known is None or known[1] != "day":
                return None
            return _weekday(p.weekday, known[0], p.direction, future).isoformat()
        if p.relative:
            return _relative(*p.relative, known)
    except ValueError:  # "31 février"
        return None
    return None


def _nearest(month: int, day: int | None, ref: dt.date, precision: str, lean: int) -> str:
    """The year for a month (and day) with none: nearest the article, or on the side leant to."""
    fine = day is not None and precision == "day"

    def key(y: int) -> tuple[int, int, int]:
        return (y, month, day or 1) if fine else (y, month, 0)

    here = (ref.year, ref.month, ref.day) if fine else (ref.year, ref.month, 0)
    years = [ref.year - 1, ref.year, ref.year + 1]
    if lean < 0:
        year = max(y for y in years if key(y) <= here)
    elif lean > 0:
        year = min(y for y in years if key(y) >= here)
    else:
        year = min(years, key=lambda y: (abs(_months(key(y)) - _months(here)), -y))
    if day is not None:
        return dt.date(year, month, day).isoformat()
    return f"{year:04d}-{month:02d}"


def _months(k: tuple[int, int, int]) -> float:
    return k[0] * 12 + k[1] + k[2] / 31


def _weekday(weekday: int, ref: dt.date, direction: int, future: bool) -> dt.date:
    if direction > 0:  # "samedi prochain": the next one after the article's day
        return ref + dt.timedelta(days=(weekday - ref.weekday()) % 7 or 7)
    if direction < 0:  # "lundi dernier": the one before
        return ref - dt.timedelta(days=(ref.weekday() - weekday) % 7 or 7)
    if future:  # "will meet on Sunday": that day or the next such one
        return ref + dt.timedelta(days=(weekday - ref.weekday()) % 7)
    return ref - dt.timedelta(days=(ref.weekday() - weekday) % 7)


def _relative(unit: str, n: int, known: tuple[dt.date, str] | None) -> str | None:
    if known is None:
        return None
    ref, precision = known
    if unit == "year":
        return f"{ref.year + n:04d}"
    if unit == "month":
        if precision == "year":
            return None
        y, m = divmod(ref.year * 12 + ref.month - 1 + n, 12)
        return f"{y:04d}-{m + 1:02d}"
    if precision != "day":
        return None
    if unit == "day":
        return (ref + dt.timedelta(days=n)).isoformat()
    year, week, _ = (ref + dt.timedelta(weeks=n)).isocalendar()
    return f"{year:04d}-W{week:02d}"

"""Read an article's metadata (title, date, outlet, authors, photo credit) from its page.

It is read from the shape of the page's top: which lines come before the first prose
paragraph, how long they are, and whether they read as a date line, a byline, a
dateline, a credit or a label. No list of the sites, names or places of a particular
corpus is used; the rules were fitted on the odd-numbered pages of ``../shared/devset``
and are scored by ``python -m evals.metadata_eval``.

The line classifiers (clutter, byline, credit line, date line, a caption's trailing
credit) also tell ``rag.documents`` which lines are not article prose.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from rag.lexical import table_rows
from rag.page_text import (
    AGENCY_KEYS,
    CRUMB_SEPARATOR,
    DATE_PREFIX,
    PROMO,
    SP,
    TIMESTAMP,
    WIRE_CREDIT,
    WORD,
    content_start,
    detect_language,
    fold,
    is_chrome,
    line_spans,
)

# --- metadata: the top of the page ------------------------------------------------------

_TOP_CHARS = 4000


@dataclass(frozen=True)
class _Line:
    """A non-blank line of the page's top, and what it reads as."""

    text: str
    kind: str  # clutter, byline, credit, date, caption, prose, label, headline or other


def _top_lines(text: str) -> list[_Line]:
    """The page's first lines, up to and including its second prose paragraph.

    Headline, byline, date line, dateline and source label sit there; what follows is
    the story, whose dates and names are news, not the article's metadata.
    """
    lines: list[_Line] = []
    for i, (s, e) in enumerate(line_spans(text[:_TOP_CHARS])):
        s = content_start(text, s, e, first=i == 0)
        line = " ".join(text[s:e].split())
        if line:
            lines.append(_Line(line, _kind(line)))
        if sum(ln.kind == "prose" for ln in lines) == 2:
            break
    return lines


def is_clutter(line: str) -> bool:
    """Site chrome, a breadcrumb, a timestamp, or a short call to action (an app promo)."""
    if is_chrome(line) or _is_breadcrumb(line) or TIMESTAMP.match(line):
        return True
    return bool(PROMO.match(line)) and len(WORD.findall(line)) <= 8


def _is_breadcrumb(line: str) -> bool:
    crumbs = CRUMB_SEPARATOR.split(line)
    return len(crumbs) >= 3 and all(1 <= len(WORD.findall(c)) <= 4 for c in crumbs)


def _kind(line: str) -> str:
    words = len(WORD.findall(line))
    if is_clutter(line):
        return "clutter"
    if parse_byline(line):
        return "byline"
    if is_credit_line(line):
        return "credit"
    if is_date_line(line):
        return "date"
    if credit_free_end(line) < len(line):
        return "caption"  # a photo caption ending with its credit
    if _is_prose(line):
        return "prose"
    if words <= 3:
        return "label"  # a rubric, section or site name above the headline
    if words <= 30 and len(line) <= 250 and not line.endswith("."):
        return "headline"
    return "other"


# a sentence end (not an initial or "Dr.") followed by the next sentence
_SENTENCE_BREAK = re.compile(r"[a-zà-ÿ]{2,}[.!?…][\"»”’)]*\s+[«\"“(]?[A-ZÀ-Ý]")
_FINAL_PERIOD = re.compile(r"\.[\"»”’)]*$")


def _is_prose(line: str) -> bool:
    """A paragraph of the story: long, or shaped as sentences (final period, two sentences)."""
    words = len(WORD.findall(line))
    if words > 30:
        return True
    sentence = _FINAL_PERIOD.search(line) or _SENTENCE_BREAK.search(line)
    return words >= 6 and sentence is not None


# --- title -------------------------------------------------------------------------------

_SITE_SUFFIX = re.compile(r"\s+\|\s+([^|]{2,40})$")


def find_title(text: str) -> str:
    """The headline: the first headline-shaped line before the story's first paragraph.

    Clutter, labels, bylines, date lines and credits above it are passed over. A page
    that opens with its lead paragraph has no headline and gets "", not a sentence of
    the lead passed off as one.
    """
    for line in _top_lines(text):
        if line.kind == "prose":
            break
        if line.kind == "headline":
            m = _SITE_SUFFIX.search(line.text)
            return line.text[: m.start()] if m and _is_name(m.group(1)) else line.text
    return ""


# --- date --------------------------------------------------------------------------------

_MONTH_NAMES = {
    1: "janvier janv jan january",
    2: "fevrier fevr fev february feb",
    3: "mars march mar",
    4: "avril avr april apr",
    5: "mai may",
    6: "juin june jun",
    7: "juillet juil july jul",
    8: "aout august aug",
    9: "septembre sept september sep",
    10: "octobre october oct",
    11: "novembre november nov",
    12: "decembre december dec",
}
_MONTHS = {name: n for n, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = "(?P<m>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_YEAR = r"(?P<y>(?:19|20)\d\d)\b"
_DAY = r"(?P<d>[0-3]?\d)(?:er|st|nd|rd|th)?\b"
# On folded text (lower case, no accents), most specific first.
_DATE_FORMS = (
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    re.compile(rf"\b(?P<a>[0-3]?\d)[/.](?P<b>[01]?\d)[/.]{_YEAR}"),
    re.compile(rf"\b{_DAY}\s+{_MONTH}(?:\s+{_YEAR})?"),
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"),
    re.compile(rf"\b{_MONTH}\s+{_YEAR}"),
)
_DATE_WORDS = set(
    "le la l a au on at the publie publiee published posted updated update mis jour modifie "
    "edited mots words min lecture read et and h am pm gmt utc cet cest heure heures hours "
    "hour minutes ago il y "
    "lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday "
    "friday saturday sunday mon tue wed thu fri sat sun".split()
)
_NUMBER_WORD = re.compile(r"\d+(?:h\d*|er|st|nd|rd|th)?")


@dataclass(frozen=True)
class _Date:
    year: int | None
    month: int
    day: int | None = None

    def iso(self) -> str:
        month = f"{self.year}-{self.month:02d}"
        return f"{month}-{self.day:02d}" if self.day else month


def _readings(m: re.Match[str], lang: str) -> list[_Date]:
    """What a matched date says; 07/11/2030 has two readings, the language's usual first."""
    g = m.groupdict()
    year = int(g["y"]) if g["y"] else None
    if g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        readings = [_Date(year, b, a), _Date(year, a, b)]
        return readings[::-1] if lang == "en" else readings
    month = int(g["m"]) if g["m"].isdigit() else _MONTHS[g["m"]]
    return [_Date(year, month, int(g["d"]) if g.get("d") else None)]


def _valid(d: _Date) -> bool:
    return 1 <= d.month <= 12 and (d.day is None or 1 <= d.day <= 31)


def _dates_in(line: str, lang: str) -> list[_Date]:
    """Every date written in a line, in reading order (a match is read by one form only)."""
    folded = fold(line)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, _Date]] = []
    for regex in _DATE_FORMS:
        for m in regex.finditer(folded):
            dates = [d for d in _readings(m, lang) if _valid(d)]
            if dates and not any(s < m.end() and m.start() < e for s, e in taken):
                taken.append(m.span())
                found.extend((m.start(), d) for d in dates)
    return [d for _, d in sorted(found, key=lambda x: x[0])]


def is_date_line(line: str) -> bool:
    """A short line that is a date and little else: "publié le 12/03/2031 à 17:05"."""
    words = WORD.findall(fold(line))
    if not words or len(words) > 20 or not _dates_in(line, "fr"):
        return False
    other = [
        w for w in words if not (_NUMBER_WORD.fullmatch(w) or w in _MONTHS or w in _DATE_WORDS)
    ]
    return len(other) <= 1


# "Lyon, France | AFP | jeudi 07/11/2030 -", "RIVERTON, Wyo. (AP) —", "Dakar, 14 déc (XPS) –"
_DATELINE = re.compile(
    r"^(?P<head>\(?[A-ZÀ-Ý][^\W\d_]*(?:[ .'’-]+[^\W\d_]+){0,3}\)?\s*[,(|][^\n]{0,90}?)"
    r"\s+(?:--|[-–—])\s+\S"
)
_DATELINE_CREDIT = re.compile(r"\(([^()]{2,40})\)|\|\s*([^|]{2,40}?)\s*\|")


def dateline(line: str) -> tuple[str | None, str] | None:
    """A dateline opening a paragraph: the agency it credits and its text."""
    m = _DATELINE.match(line)
    if m is None or len(WORD.findall(m["head"])) > 14:
        return None
    head = m["head"]
    credits = (c.group(1) or c.group(2) for c in _DATELINE_CREDIT.finditer(head))
    agency = next((c.strip() for c in credits if _is_outlet_name(c.strip())), None)
    if agency is None and not _dates_in(head, "fr"):
        return None
    return agency, head


def _top_dates(lines: list[_Line], lang: str) -> Iterator[_Date]:
    """Dates in the article's own positions: date lines and datelines, top first."""
    for line in lines:
        if is_date_line(line.text):
            yield from _dates_in(line.text, lang)
        elif found := dateline(line.text):
            yield from _dates_in(found[1], lang)


def find_date(text: str) -> str | None:
    """The article's date, ``YYYY-MM-DD``, or ``YYYY-MM`` when only its month is stated.

    Only the page's "date" prefix, its date lines and its dateline are read: a date in the
    prose (a match day in a caption, a tweet, a sentencing) is news, not the article's.
    A month-only prefix ("date 2031-12") takes its day from a top date of that month
    ("Dakar, 14 déc (XPS)").
    """
    m = DATE_PREFIX.match(text)
    prefix = _Date(int(m[1]), int(m[2]), int(m[3]) if m[3] else None) if m else None
    if prefix and prefix.day:
        return prefix.iso()
    for date in _top_dates(_top_lines(text), detect_language(text)):
        if prefix is None and date.year:
            return date.iso()
        same_month = prefix and date.month == prefix.month and date.year in (None, prefix.year)
        if prefix and same_month and date.day:
            return _Date(prefix.year, prefix.month, date.day).iso()
    return prefix.iso() if prefix else None


# --- outlet and authors ------------------------------------------------------------------

_PARTICLES = set("de du des la le van von der den da di del dos y e of the bin ben al el".split())
_NAME_TOKEN = re.compile(r"(?:[dl]['’])?[A-ZÀ-Ý][\w'’.&-]*")
_DETERMINER = re.compile(r"^(?:the|le|la|les|l['’])(?:\s|(?<=['’]))", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,6}")


def _is_name(s: str) -> bool:
    """Capitalised words, particles allowed: "Jeanne Martin", "La Vigie du Nord"."""
    tokens = s.split()
    if not 1 <= len(tokens) <= 6 or not _NAME_TOKEN.fullmatch(tokens[0]):
        return False
    return all(_NAME_TOKEN.fullmatch(t) or t.casefold() in _PARTICLES for t in tokens)


def _is_agency(name: str) -> bool:
    return fold(name.strip(" .")) in AGENCY_KEYS


# Words that say what kind of publication a name is ("Harbour Times", "Radio Lumen")
_MEDIA_WORDS = set(
    "news times post journal gazette herald tribune daily press presse radio tv tele magazine "
    "hebdo info infos chronicle courrier review revue quotidien depeche".split()
)


def _is_outlet_name(name: str) -> bool:
    """An agency, an acronym ("XPS"), a name with an article ("La Vigie du Nord") or a
    media word ("Harbour Times"), or a single word ("Borealnews"): not how a person signs."""
    if _is_agency(name) or _ACRONYM.fullmatch(name):
        return True
    media = bool(_MEDIA_WORDS & set(WORD.findall(fold(name))))
    one_word = len(name.split()) == 1
    return _is_name(name) and (bool(_DETERMINER.match(name)) or media or one_word)


def _split_names(s: str) -> list[str]:
    parts = re.split(r"\s*(?:&|,|;|\bet\b|\band\b|\bavec\b|\bwith\b)\s*", s)
    return [p.strip() for p in parts if p.strip()]


@dataclass(frozen=True)
class _Byline:
    authors: tuple[str, ...]
    outlet: str | None


_BY = re.compile(r"^(?:par|by)\s+(?:the\s+)?(?P<body>\S.*)$", re.IGNORECASE)
# "By X, Staff Writer", "Par La Rédaction": a role, neither a person nor an outlet
_ROLE_WORDS = set(
    "staff writer writers reporter reporters correspondent editor editors contributor "
    "columnist redaction redacteur redactrice journaliste correspondant correspondante "
    "envoye envoyee chroniqueur chroniqueuse".split()
)
_ROLE_BY = re.compile(
    r"^(?:(?:de|par|from|by)\s+)?(?:l['’]|le\s+|la\s+|notre\s+|our\s+|the\s+)?"
    r"(?:envoyée?|correspondante?|correspondent|reporter)s?(?:\s+(?:spéciale?s?|special|"
    r"permanente?s?))?(?:\s+(?:de\s+l['’]|du\s+|de\s+la\s+|d['’]|of\s+(?:the\s+)?|for\s+"
    r"(?:the\s+)?)(?P<outlet>[^,]+?))?(?:\s+(?:à|en|au|aux|in)\s+[^,]+?)?\s*,\s*(?P<body>.+)$",
    re.IGNORECASE,
)
_BYLINE_PARTS = re.compile(r"\s*[·|•]\s*|\s+[—–-]\s+")
_WRAPPERS = "+*=~#_ "


def parse_byline(line: str) -> _Byline | None:
    """'Par X & Outlet', 'By X · Outlet', '+++De l'envoyé spécial de l'Outlet, X+++'."""
    line = line.strip(_WRAPPERS)
    if len(WORD.findall(line)) > 16:
        return None
    outlet: str | None = None
    if m := _ROLE_BY.match(line):
        parts, outlet = [m["body"]], m["outlet"]
    elif m := _BY.match(line):
        parts = _BYLINE_PARTS.split(m["body"])
    else:
        return None
    names = _split_names(parts[0])
    if not names or not _is_name(names[0]) or not all(_is_name(n) or n[0].islower() for n in names):
        return None  # "Par ailleurs, ...": a sentence, not a byline
    names = [n for n in names if _is_name(n) and not _ROLE_WORDS & set(WORD.findall(fold(n)))]
    outlets = [n for n in names if _is_outlet_name(n)] + [p for p in parts[1:] if _is_name(p)]
    authors = tuple(n for n in names if not _is_outlet_name(n))
    return _Byline(authors, outlet or next(iter(outlets), None))


def _wire_credit_authors(text: str) -> list[str]:
    """Reporters and writers of a wire credit, not its editors: "(Reportage de X; rédigé par Y)"."""
    m = WIRE_CREDIT.search(text)
    if m is None:
        return []
    authors: list[str] = []
    for part in re.split(r"[;,]", m.group(1)):
        part = part.strip()
        if re.match(r"(édité|edited|editing|édition)\b", part, re.IGNORECASE):
            continue
        part = re.sub(r"^(rédigé|written|writing)\s+(par|by)\s+", "", part, flags=re.IGNORECASE)
        authors.extend(n for n in _split_names(part) if n not in authors)
    return authors


def _dateline_outlet(lines: list[_Line]) -> str | None:
    for line in lines:
        found = dateline(line.text)
        if found and found[0]:
            return found[0]
    return None


def _label_outlet(lines: list[_Line], text: str) -> str | None:
    """An agency's name alone on a line, a site's name just above the headline, or the site
    named after the headline ("Headline | Site")."""
    for i, line in enumerate(lines):
        if line.kind == "credit" and _is_agency(line.text):
            return line.text.strip(" .")
        above_headline = i + 1 < len(lines) and lines[i + 1].kind == "headline"
        if line.kind == "label" and above_headline and _is_proper_name(line.text, text):
            return line.text
        if line.kind == "headline" and (m := _SITE_SUFFIX.search(line.text)):
            return m.group(1) if _is_name(m.group(1)) else None
    return None


def _is_proper_name(label: str, text: str) -> bool:
    """A name, not a rubric: none of its words is written in lower case on the page, and a
    one-word label is not a dictionary word ("Sport", "Politique")."""
    words = [w for w in WORD.findall(label) if len(w) > 2]
    if not _is_name(label) or not words:
        return False
    if len(label.split()) == 1 and fold(label) in _common_words():
        return False
    return not any(re.search(rf"\b{re.escape(w.lower())}\b", text) for w in words)


@functools.cache
def _common_words() -> frozenset[str]:
    """English and French dictionary words (the bundled FreeDict eng-fra table)."""
    found: set[str] = set()
    for head, translations in table_rows("freedict_en_fr.tsv"):
        found.update(fold(w) for w in [head, *translations] if " " not in w)
    return frozenset(found)


_NAME = rf"(?P<name>[A-ZÀ-Ý][\w’'&-]*(?:{SP}+[A-ZÀ-Ý][\w’'&-]*){{0,2}})"
_ARTICLE = r"(?P<article>\b(?i:l['’]|le\s+|la\s+|the\s+))?"
# How a text names its own outlet, surest first, and whether the name must be an
# organisation: a person seldom "reports" at the end of a lead or addresses the reader
# ("vous résume"), but does learn things and talk to people. Only newsroom verbs (a
# source consulted, a document procured), as "la police a interrogé" is no outlet.
_MENTIONS = (
    (
        re.compile(rf",\s+(?:the\s+)?{_NAME}\s+(?:reports|reported|rapporte|a rapporté)\s*[.;]"),
        False,
    ),
    (
        re.compile(
            rf"{_NAME}\s+(?:vous\s+(?:résume|explique|propose|raconte|présente)|"
            r"revient\s+(?:en\s+images|sur))\b"
        ),
        False,
    ),
    (
        re.compile(
            rf"{_ARTICLE}{_NAME}\s+(?:s['’]est\s+(?:intéressée?|procuré)|a\s+(?:appris|pu\s+"
            r"consulter)|has\s+(?:learned|learnt))\b"
        ),
        True,
    ),
    (
        re.compile(
            r"\b(?:told|said\s+to|a\s+(?:dit|déclaré|indiqué|confié|affirmé|précisé|expliqué)\s+"
            r"à|(?:interrogée?s?|contactée?s?|consultée?s?(?:\s+\w+)?)\s+par)\s+"
            rf"{_ARTICLE}{_NAME}"
        ),
        True,
    ),
)


def _mentioned_outlet(text: str) -> str | None:
    for regex, needs_organisation in _MENTIONS:
        for m in regex.finditer(text):
            if not needs_organisation or _is_organisation(m):
                return m["name"]
    return None


def _is_organisation(m: re.Match[str]) -> bool:
    """An agency, an acronym, or a name after an article ("le QDN"): people take none."""
    name = m["name"]
    return _is_agency(name) or bool(_ACRONYM.fullmatch(name)) or bool(m.groupdict().get("article"))


def find_outlet_and_authors(text: str) -> tuple[str | None, list[str]]:
    """The outlet and authors a page credits, from the surest place that states them.

    Outlet: the byline ("Par X · Outlet"), a dateline's agency ("(AP)", "| AFP |"), a
    credit or source label line, then how the text names its own outlet ("AFP
    reports"). Authors: the byline and the wire credit ("(Reportage de X)").
    """
    lines = _top_lines(text)
    bylines = (parse_byline(ln.text) for ln in lines if ln.kind == "byline")
    byline = next((b for b in bylines if b), None)
    authors = list(byline.authors) if byline else []
    authors += [a for a in _wire_credit_authors(text) if a not in authors]
    outlet = (
        (byline.outlet if byline else None)
        or _dateline_outlet(lines)
        or _label_outlet(lines, text)
        or _mentioned_outlet(text)
    )
    return outlet, authors


# --- photo credit ------------------------------------------------------------------------

_CREDIT_WORD = r"(?:[dl]['’])?[A-ZÀ-Ý][\w'’.&-]*"
_CREDIT_NAME = (
    rf"{_CREDIT_WORD}(?:(?:,{SP}*|{SP}+|{SP}*/{SP}*)(?:(?:of|de|du|des|la|via|for|the|and|et)"
    rf"{SP}+)*(?!(?:Photos?|Caption|Close|Back|Image{SP}+\d)\b){_CREDIT_WORD})*"
)
_PHOTO_CREDITS = (
    # "Photo: X", "(Photo Credit: X)", "Crédit photo : X"
    re.compile(
        rf"(?i:photo{SP}+cr[ée]dit|crédits?{SP}+photos?|photos?|credit|crédit|picture|image|"
        rf"illustration){SP}*:{SP}*(?P<name>{_CREDIT_NAME})"
    ),
    re.compile(rf"©{SP}*(?!\d)(?P<name>{_CREDIT_NAME})"),  # "© 2024 Site" is a copyright
    # "AP Photo/X", "Pool via REUTERS/X"
    re.compile(
        rf"(?P<name>(?:[A-ZÀ-Ý][\w-]*{SP}+via{SP}+)?(?P<source>[A-Z][\w-]*(?:{SP}+(?i:photo))?)"
        rf"{SP}?/{SP}?[A-ZÀ-Ý][\w'’.-]*(?:{SP}+[A-ZÀ-Ý][\w'’.-]*){{0,2}})"
    ),
)
_RIGHTS = re.compile(r"(?i:tous droits réservés|all rights reserved)")


def _credits(line: str) -> Iterator[re.Match[str]]:
    for regex in _PHOTO_CREDITS:
        for m in regex.finditer(line):
            source = m.groupdict().get("source")
            if source is None or _is_credit_source(source):
                yield m


def _is_credit_source(source: str) -> bool:
    """Left of the slash in "AP Photo/X": an agency or an acronym, not "km/h" or "and/or"."""
    source = re.sub(rf"{SP}+photo$", "", source, flags=re.IGNORECASE)
    return _is_agency(source) or source.isupper()


def find_photo_credit(text: str) -> str | None:
    """The page's first photo credit: "Photo: X", "(Photo Credit: X)", "© X", "AGENCY/X"."""
    found = sorted((m.start(), m["name"]) for m in _credits(text))
    return found[0][1].strip(" ,") if found else None


def is_credit_line(line: str) -> bool:
    """A line that only credits: an agency's name alone, or photo credits and rights."""
    if _is_agency(line):
        return True
    rest = _RIGHTS.sub("", line)
    credits = sorted(m.span() for m in _credits(line))
    for s, e in reversed(credits):
        rest = rest.replace(line[s:e], "")
    return bool(credits) and sum(c.isalpha() for c in rest) < 3


def credit_free_end(line: str) -> int:
    """Where a caption's trailing credit starts ("… Tous droits réservés AP Photo/X"), or the
    line's end: the credit and the gallery text after it are not prose."""
    starts = sorted(
        [m.start() for m in _RIGHTS.finditer(line)] + [m.start() for m in _credits(line)]
    )
    for start in starts:
        if start > 0 and not _SENTENCE_BREAK.search(line, start):
            return len(line[:start].rstrip(" \t([{|·–—-"))
    return len(line)

"""Low-level text helpers that cleaning and metadata reading share.

Case and accent folding, a page's non-blank lines as spans, where a line's content
starts, the patterns of site chrome, promos, breadcrumbs, timestamps and wire credits,
the wire agencies, and a guess at the page's language. ``rag.documents`` (cleaning) and
``rag.page_metadata`` (title, date, outlet, authors, photo credit) both build on them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from rag.schemas import Span

_CHROME_LINE = re.compile(
    r"^(newsletters?|events?|évènements|podcasts?|vidéos|loader|suivez[- ]nous|"
    r"publicité|advertisement|partager.*|share.*|close button|discussion|publié le.*|"
    r"mis à jour.*|tous droits réservés.*|accéder aux raccourcis.*|today|"
    r"lire (aussi|la suite).*|read more.*|sign up.*|abonnez-vous.*|cookies?.*|menu)$",
    re.IGNORECASE,
)
_CHROME_WORDS = set(
    "newsletter newsletters events évènements événements podcasts podcast vidéos videos "
    "loader suivez nous publicité partager share discussion close button menu "
    "accueil home login connexion search rechercher live direct".split()
)
# A short call to action is an app or site promo, not a headline ("Watch <channel>").
PROMO = re.compile(
    r"^(watch|listen|download|get|install|open|subscribe|sign (in|up)|log in|follow|try|"
    r"start|skip to|regardez|regarder|écoutez|écouter|téléchargez|télécharger|installez|"
    r"ouvrir|abonnez|inscrivez|connectez|suivez|essayez|aller au|passer au)\b",
    re.IGNORECASE,
)
# "Accueil > Monde > Afrique", "Home / World / Europe": a breadcrumb, not a headline
CRUMB_SEPARATOR = re.compile(r"\s[>›/|]\s")
# "Il y a 2 heures", "Updated 2 hours ago", "5 min read", "Temps de lecture : 3 min"
TIMESTAMP = re.compile(
    r"^(?:(?:updated|mis à jour)\s+)?(?:il y a \d+|\d+\s*\w+\s+ago\b|\d+\s*min(?:utes?)?\s+"
    r"(?:read|de lecture)|(?:temps de )?lecture\s*:?\s*\d)",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
DATE_PREFIX = re.compile(r"^\s*date\s+((?:19|20)\d{2})-([01]\d)(?:-([0-3]\d))?(?!\d)\s*")
WIRE_CREDIT = re.compile(
    r"\((?:Reportage|Reporting|Rédigé|Writing)\s+(?:de|by)\s+([^)]*)\)", re.IGNORECASE
)
# The world's major wire agencies: general knowledge, not the sites of a corpus. Their
# names stand alone as credit lines and in datelines, and are never a person's byline.
_AGENCIES = (
    "AFP",
    "Agence France-Presse",
    "AP",
    "Associated Press",
    "Reuters",
    "dpa",
    "EFE",
    "ANSA",
    "Xinhua",
    "Kyodo",
    "UPI",
    "Bloomberg",
)
WORD = re.compile(r"\w+", re.UNICODE)
SP = r"[^\S\n]"  # a space within a line
_FR_HINTS = set("le la les des une est et du que qui dans pour pas sur au aux avec ont été".split())
_EN_HINTS = set("the and is are was of to in that for with on by have has this".split())


def line_spans(text: str) -> Iterator[Span]:
    """Non-blank lines as (start, end) spans with surrounding whitespace trimmed."""
    for m in re.finditer(r"[^\n]+", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            yield s, e


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'")


AGENCY_KEYS = frozenset(fold(a) for a in _AGENCIES)


def is_chrome(line: str) -> bool:
    if _CHROME_LINE.match(line.strip()):
        return True
    words = [w.casefold() for w in WORD.findall(line)]
    if words and sum(w in _CHROME_WORDS for w in words) >= max(1, 0.75 * len(words)):
        return True  # a menu bar: "Newsletter Events Podcasts Vidéos <site name>"
    letters = sum(c.isalpha() for c in line)
    return letters < 3  # "#}", separators, stray markup


def content_start(text: str, s: int, e: int, first: bool) -> int:
    """Where a line's content starts: after the page's "date 2031-03" prefix or a '#'."""
    line = text[s:e]
    m = (DATE_PREFIX.match(line) if first else None) or _MD_HEADING.match(line)
    return s + m.end() if m else s


def detect_language(text: str) -> str:
    words = [w.casefold() for w in WORD.findall(text[:5000])]
    fr = sum(w in _FR_HINTS for w in words)
    en = sum(w in _EN_HINTS for w in words)
    return "en" if en > fr else "fr"

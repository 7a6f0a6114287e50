"""Read article files and clean them into citeable paragraphs.

Cleaning never rewrites the text: it chooses which spans of the original text
are article prose (``Document.spans``), so every chunk and quote maps back to
exact character offsets of what the user gave us.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from rag.errors import IngestError
from rag.schemas import Document, Span

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}

_CHROME_LINE = re.compile(
    r"^(newsletters?|events?|évènements|podcasts?|vidéos|africanews|loader|suivez[- ]nous|"
    r"publicité|advertisement|partager.*|share.*|close button|discussion|publié le.*|"
    r"mis à jour.*|tous droits réservés.*|accéder aux raccourcis.*|today|"
    r"lire (aussi|la suite).*|read more.*|sign up.*|abonnez-vous.*|cookies?.*|menu)$",
    re.IGNORECASE,
)
_TAIL_MARKERS = re.compile(
    r"^(à découvrir (également|aussi)|lire aussi|sur le même sujet|related( articles)?|"
    r"more (from|on) .*|à lire également|you may also like)\s*:?$",
    re.IGNORECASE,
)
_CHROME_WORDS = set(
    "newsletter newsletters events évènements événements podcasts podcast vidéos videos "
    "africanews loader suivez nous publicité partager share discussion close button menu "
    "accueil home login connexion search rechercher live direct".split()
)
_INLINE_CHROME = re.compile(r"\s*Tous droits réservés\s.*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s*")
_ISO_DATE = re.compile(r"\b(20\d{2}-[01]\d-[0-3]\d)\b")
_FR_MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()
_FR_DATE = re.compile(r"\b([0-3]?\d)(?:er)?\s+(" + "|".join(_FR_MONTHS) + r")\s+(20\d{2})\b", re.I)
_BYLINE = re.compile(r"^Par\s+(.+?)\s*$")
_CREDIT = re.compile(r"\((?:Reportage|Reporting|Rédigé|Writing)\s+(?:de|by)\s+([^)]*)\)", re.I)
_OUTLETS = (
    "Reuters",
    "Euronews",
    "AFP",
    "Associated Press",
    "Le Monde",
    "Le Figaro",
    "France 24",
    "BBC",
    "RFI",
)
_WORD = re.compile(r"\w+", re.UNICODE)
_FR_HINTS = set("le la les des une est et du que qui dans pour pas sur au aux avec ont été".split())
_EN_HINTS = set("the and is are was of to in that for with on by have has this".split())


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def decode(data: bytes) -> str:
    """UTF-8 when it is; otherwise the best guess (Windows-1252, Latin-1...), never a failure.

    Windows-1252 (a superset of Latin-1's printable range) is tried before any
    statistical guess: on short French text charset-normalizer picks cp1250 or even
    UTF-16 ("crčme", "déjŕ"). It is kept only when it reads as Western text.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = ""
    if text and _reads_as_western(text):
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and not best.encoding.startswith("utf_16"):
        return str(best)
    return data.decode("cp1252", errors="replace")


_WESTERN_PUNCT = set("’‘“”«»–—…€°·×÷©®§¶•‚„†‡‰‹›™ ")


def _reads_as_western(text: str) -> bool:
    """Accented letters sit inside mostly-ASCII words, as in French, English, Spanish...

    A Cyrillic or Greek file read as cp1252 is all non-ASCII letters ("Ïðèâåò").
    """
    letters = non_ascii_letters = odd = 0
    for c in text:
        if c.isalpha():
            letters += 1
            if ord(c) > 127:
                non_ascii_letters += 1
                if ord(c) > 0x24F:
                    odd += 1
        elif ord(c) > 127 and c not in _WESTERN_PUNCT:
            odd += 1
    return letters > 0 and odd <= 0.01 * letters and non_ascii_letters <= 0.3 * letters


def looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and controls / len(head) > 0.1


def read_text(path: Path) -> tuple[str, bytes]:
    """The article text of a file and the bytes its content hash is taken from."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"unsupported file type {suffix or '(none)'}")
    if not data.strip():
        raise IngestError("empty file")
    if suffix == ".pdf":
        return _read_pdf(path), data
    if looks_binary(data) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 BOM
        raise IngestError("binary file, not text")
    text = decode(data)
    if suffix in {".html", ".htm"}:
        text = html_to_text(text)
    if not text.strip():
        raise IngestError("no text in file")
    return text, data


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        pages = [p.extract_text() or "" for p in PdfReader(path).pages]
    except (PdfReadError, ValueError, OSError) as e:
        raise IngestError(f"unreadable PDF ({e})") from e
    text = "\n\n".join(pages)
    if not text.strip():
        raise IngestError("PDF has no extractable text")
    return text


def html_to_text(html: str) -> str:
    """Block-level text of an HTML page; scripts, styles and navigation are dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form"]):
        tag.decompose()
    root = soup.find("article") or soup.body or soup
    blocks = []
    for el in root.find_all(["h1", "h2", "h3", "h4", "p", "li", "blockquote", "pre"]):
        if el.find(["p", "li"]):
            continue
        t = " ".join(el.get_text(" ").split())
        if t:
            blocks.append(t)
    if not blocks:
        blocks = [" ".join(root.get_text(" ").split())]
    title = soup.title.get_text().strip() if soup.title else ""
    if title and (not blocks or blocks[0] != title):
        blocks.insert(0, title)
    return "\n\n".join(blocks)


# --- cleaning ------------------------------------------------------------------


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


def _shingles(text: str) -> set[tuple[str, str]]:
    words = _WORD.findall(fold(text))
    return set(zip(words, words[1:], strict=False))


def _is_chrome(line: str) -> bool:
    if _CHROME_LINE.match(line.strip()):
        return True
    words = [w.casefold() for w in _WORD.findall(line)]
    if words and all(w in _CHROME_WORDS for w in words):
        return True  # a menu bar: "Newsletter Newsletters Events Podcasts Vidéos"
    letters = sum(c.isalpha() for c in line)
    return letters < 3  # "#}", separators, stray markup


def _trim_repeated_tail(text: str, s: int, e: int) -> int:
    """End of a span whose last part is pasted twice ("...communiqué.accroître ... communiqué.")."""
    n = e - s
    for size in range(n // 2, 19, -1):
        if text[e - size : e] == text[e - 2 * size : e - size]:
            return e - size
    return e


def clean_spans(text: str) -> list[Span]:
    """Paragraph spans of article prose: chrome, repeats and trailing link lists removed."""
    spans: list[Span] = []
    for s, e in line_spans(text):
        line = text[s:e]
        if _TAIL_MARKERS.match(line):
            break
        if _is_chrome(line) or _BYLINE.match(line):
            continue
        m = _INLINE_CHROME.search(line)
        if m and m.start() > 0:
            e = s + m.start()
        m = _DATE_PREFIX.match(line) or _MD_HEADING.match(line)
        if m:
            s += m.end()
        e = _trim_repeated_tail(text, s, e)
        if e > s:
            spans.append((s, e))
    return _drop_near_duplicates(text, spans)


def _drop_near_duplicates(text: str, spans: list[Span]) -> list[Span]:
    """Keep one of each group of (near-)identical paragraphs: the longer, else the first."""
    kept: list[tuple[Span, set[tuple[str, str]], str]] = []
    for span in spans:
        para = text[span[0] : span[1]]
        key = fold(" ".join(para.split()))
        sh = _shingles(para)
        dup_of = None
        for i, (_, ksh, kkey) in enumerate(kept):
            if key == kkey:
                dup_of = i
                break
            if len(sh) >= 5 and len(ksh) >= 5:
                overlap = len(sh & ksh) / min(len(sh), len(ksh))
                if overlap >= 0.8:
                    dup_of = i
                    break
        if dup_of is None:
            kept.append((span, sh, key))
        elif len(key) > len(kept[dup_of][2]) + 5:
            kept[dup_of] = (span, sh, key)
    return sorted(s for s, _, _ in kept)


# --- metadata ------------------------------------------------------------------


def detect_language(text: str) -> str:
    words = [w.casefold() for w in _WORD.findall(text[:5000])]
    fr = sum(w in _FR_HINTS for w in words)
    en = sum(w in _EN_HINTS for w in words)
    return "en" if en > fr else "fr"


def find_date(text: str) -> str | None:
    head = text[:3000]
    m = _DATE_PREFIX.match(head) or _ISO_DATE.search(head)
    if m:
        return m.group(1)
    m = _FR_DATE.search(head)
    if m:
        month = _FR_MONTHS.index(m.group(2).lower()) + 1
        return f"{m.group(3)}-{month:02d}-{int(m.group(1)):02d}"
    return None


def _split_names(s: str) -> list[str]:
    parts = re.split(r"\s*(?:&|,|;|\bet\b|\band\b|\bavec\b|\bwith\b)\s*", s)
    return [p.strip() for p in parts if p.strip()]


def find_outlet_and_authors(text: str) -> tuple[str | None, list[str]]:
    """From a byline ("Par X & Euronews") or a wire credit ("(Reportage de X...)")."""
    outlet: str | None = None
    authors: list[str] = []
    for s, e in line_spans(text[:3000]):
        m = _BYLINE.match(text[s:e])
        if m:
            for name in _split_names(m.group(1)):
                if name in _OUTLETS:
                    outlet = name
                else:
                    authors.append(name)
            break
    m = _CREDIT.search(text)
    if m:
        for part in m.group(1).split(";"):
            part = re.sub(r"^\s*(rédigé|written|édité|edited)\s+(par|by)\s+", "", part.strip())
            if re.match(r"^(édité|edited)", part.strip(), re.I):
                continue
            for piece in part.split(","):
                piece = re.sub(r"^\s*(rédigé|written)\s+(par|by)\s+", "", piece.strip(), flags=re.I)
                if re.match(r"^(édité|edited)\s", piece, re.I):
                    continue
                authors.extend(n for n in _split_names(piece) if n not in authors)
        if outlet is None:
            counts = {o: text.count(o) for o in _OUTLETS}
            best = max(counts, key=lambda o: counts[o])
            outlet = best if counts[best] else None
    return outlet, authors


def _title(text: str, spans: list[Span]) -> str:
    if not spans:
        return ""
    s, e = spans[0]
    first = " ".join(text[s:e].split())
    if len(first) <= 200 and not first.endswith("."):
        return first
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) > 120:
        sentence = sentence[:120].rsplit(" ", 1)[0] + "…"
    return sentence


def parse_document(doc_id: str, text: str, raw: bytes, source: str = "") -> Document:
    spans = clean_spans(text)
    if not spans:
        raise IngestError("no article text after cleaning")
    outlet, authors = find_outlet_and_authors(text)
    return Document(
        doc_id=doc_id,
        title=_title(text, spans),
        date=find_date(text),
        outlet=outlet,
        authors=authors,
        language=detect_language(" ".join(text[s:e] for s, e in spans)),
        source=source,
        content_hash=content_hash(raw),
        text=text,
        spans=spans,
    )


def load_document(path: Path, doc_id: str | None = None) -> Document:
    text, raw = read_text(path)
    return parse_document(doc_id or path.stem, text, raw, source=str(path))

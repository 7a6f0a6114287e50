"""Read article files and clean them into citeable paragraphs, with their metadata.

Cleaning never rewrites the text: it chooses which spans of the original text
are article prose (``Document.spans``), so every chunk and quote maps back to
exact character offsets of what the user gave us.

The metadata (title, date, outlet, authors, photo credit) is read by
``rag.page_metadata``, whose line classifiers also tell cleaning which lines are a
byline, a credit or a date line rather than prose; the text helpers both share are in
``rag.page_text``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rag.errors import IngestError
from rag.page_metadata import (
    credit_free_end,
    find_date,
    find_outlet_and_authors,
    find_photo_credit,
    find_title,
    is_clutter,
    is_credit_line,
    is_date_line,
    parse_byline,
)
from rag.page_text import WORD, content_start, detect_language, fold, line_spans
from rag.schemas import Document, Span

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}

_TAIL_MARKERS = re.compile(
    r"^(à découvrir (également|aussi)|lire aussi|sur le même sujet|related( articles)?|"
    r"more (from|on) .*|à lire également|you may also like)\s*:?$",
    re.IGNORECASE,
)


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
    if title and not any(title.startswith(b) for b in blocks[:3]):
        blocks.insert(0, title)  # unless it is the page's <h1> (and " | Site" after it)
    return "\n\n".join(blocks)


# --- cleaning ------------------------------------------------------------------


def _shingles(text: str) -> set[tuple[str, str]]:
    words = WORD.findall(fold(text))
    return set(zip(words, words[1:], strict=False))


def _trim_repeated_tail(text: str, s: int, e: int) -> int:
    """End of a span whose last part is pasted twice ("...communiqué.accroître ... communiqué.")."""
    n = e - s
    for size in range(n // 2, 19, -1):
        if text[e - size : e] == text[e - 2 * size : e - size]:
            return e - size
    return e


def _is_metadata_line(line: str) -> bool:
    """A byline, a credit or a date line: about the article, not part of its prose."""
    return bool(parse_byline(line)) or is_credit_line(line) or is_date_line(line)


def clean_spans(text: str) -> list[Span]:
    """Paragraph spans of article prose: chrome, repeats and trailing link lists removed."""
    spans: list[Span] = []
    for i, (s, e) in enumerate(line_spans(text)):
        s = content_start(text, s, e, first=i == 0)
        line = text[s:e]
        if _TAIL_MARKERS.match(line):
            break
        if is_clutter(line) or _is_metadata_line(line):
            continue
        e = _trim_repeated_tail(text, s, s + credit_free_end(line))
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


# --- the document --------------------------------------------------------------------------


def parse_document(doc_id: str, text: str, raw: bytes, source: str = "") -> Document:
    spans = clean_spans(text)
    if not spans:
        raise IngestError("no article text after cleaning")
    outlet, authors = find_outlet_and_authors(text)
    return Document(
        doc_id=doc_id,
        title=find_title(text),
        date=find_date(text),
        outlet=outlet,
        authors=authors,
        photo_credit=find_photo_credit(text),
        language=detect_language(" ".join(text[s:e] for s, e in spans)),
        source=source,
        content_hash=content_hash(raw),
        text=text,
        spans=spans,
    )


def load_document(path: Path, doc_id: str | None = None) -> Document:
    text, raw = read_text(path)
    return parse_document(doc_id or path.stem, text, raw, source=str(path))

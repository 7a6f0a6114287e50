"""What the answerer reads of the committed corpus, built once per snapshot.

Texts, each sentence's annotations (stored at ingest by the language layer, carried by the
chunks), the keyword index's idf, each document's language and date, and the corpus's own
index of names: every name the language layer found in the articles, with its kind. The name
index replaces gazetteers: a question's "Witkoff" or "nantes" is known to be a person or a
place because an article says so, and "Putin" finds "Poutine" by spelling.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from rag.lexical import LexicalIndex, analyze, fold
from rag.schemas import SentenceAnnotation, Span

NAME_KINDS = frozenset({"PER", "ORG", "LOC", "MISC"})
FUZZY_MIN = 80.0  # rapidfuzz ratio for a question word to match a name spelled otherwise
FUZZY_MIN_LEN = 4
DOC_TOKEN_CACHE = 256
SENTENCE_TOKEN_CACHE = 50_000


@dataclass(frozen=True)
class DocInfo:
    language: str
    date: str | None
    title: str


class CorpusView:
    def __init__(self, index: LexicalIndex, texts: Mapping[str, str]) -> None:
        self.index = index
        self.texts = texts
        self.docs: dict[str, DocInfo] = {}
        self.sentences: dict[tuple[str, int], SentenceAnnotation] = {}
        kinds: dict[str, Counter[str]] = {}
        for chunk in index.chunks:
            self.docs.setdefault(chunk.doc_id, DocInfo(chunk.language, chunk.date, chunk.title))
            text = texts.get(chunk.doc_id)
            for ann in chunk.annotations:
                self.sentences[(chunk.doc_id, ann.start)] = ann
                if text is None:
                    continue
                for m in ann.mentions:
                    if m.kind in NAME_KINDS:
                        name = _norm(text[m.start : m.end])
                        if name:
                            kinds.setdefault(name, Counter())[m.kind] += 1
        self.names = {name: c.most_common(1)[0][0] for name, c in kinds.items()}
        self.name_words: dict[str, set[str]] = {}  # a word of a name -> the names it is in
        for name in self.names:
            for w in name.split():
                if len(w) >= 3:
                    self.name_words.setdefault(w, set()).add(name)
        self._vocabulary = sorted(self.name_words)
        self._spelled: dict[str, list[str]] = {}
        self._doc_tokens: dict[str, set[str]] = {}
        self._sentence_tokens: dict[tuple[str, int], set[str]] = {}

    # --- sentences ----------------------------------------------------------------

    def doc_sentences(self, doc_id: str) -> list[Span]:
        return self.index.doc_sentences.get(doc_id, [])

    def annotation(self, doc_id: str, start: int) -> SentenceAnnotation | None:
        return self.sentences.get((doc_id, start))

    def sentence_tokens(self, doc_id: str, span: Span) -> set[str]:
        """A sentence's tokens (``candidates.sentence_tokens``), kept for the next questions."""
        key = (doc_id, span[0])
        toks = self._sentence_tokens.get(key)
        if toks is None:
            from rag.answering.candidates import sentence_tokens

            text = self.texts.get(doc_id, "")[span[0] : span[1]]
            toks = sentence_tokens(text, self.annotation(doc_id, span[0]))
            if len(self._sentence_tokens) >= SENTENCE_TOKEN_CACHE:
                self._sentence_tokens.clear()  # a rare full reset keeps this simple and bounded
            self._sentence_tokens[key] = toks
        return toks

    def doc_tokens(self, doc_id: str) -> set[str]:
        """Every token of a document's sentences (kept for the most recent documents asked)."""
        if doc_id not in self._doc_tokens:
            toks: set[str] = set()
            for span in self.doc_sentences(doc_id):
                toks |= self.sentence_tokens(doc_id, span)
            if len(self._doc_tokens) >= DOC_TOKEN_CACHE:
                self._doc_tokens.pop(next(iter(self._doc_tokens)))
            self._doc_tokens[doc_id] = toks
        return self._doc_tokens[doc_id]

    def idf(self, token: str) -> float:
        return self.index.idf(token)

    def language(self, doc_id: str) -> str:
        info = self.docs.get(doc_id)
        return info.language if info else "fr"

    def date(self, doc_id: str) -> str | None:
        info = self.docs.get(doc_id)
        return info.date if info else None

    # --- names ----------------------------------------------------------------------

    def name_kind(self, phrase: str) -> str | None:
        """The kind of a name the articles use ("PER", "LOC"...), matched whole or, for one
        word, as a word of a longer name ("Witkoff" in "Steve Witkoff")."""
        key = _norm(phrase)
        if key in self.names:
            return self.names[key]
        full = self.name_words.get(key)
        if full and " " not in key:
            return Counter(self.names[n] for n in full).most_common(1)[0][0]
        return None

    def spellings(self, word: str) -> list[str]:
        """Words of the corpus's names that spell ``word`` otherwise (Putin -> poutine)."""
        key = _norm(word)
        if len(key) < FUZZY_MIN_LEN or key in self.name_words:
            return []
        if key not in self._spelled:
            from rapidfuzz import fuzz, process

            hits = process.extract(
                key, self._vocabulary, scorer=fuzz.ratio, limit=3, score_cutoff=FUZZY_MIN
            )
            self._spelled[key] = [w for w, _, _ in hits if w[0] == key[0]]
        return self._spelled[key]

    def name_tokens(self, phrase: str) -> set[str]:
        return {t for t in analyze(phrase) if not t.startswith("~")}


def _norm(text: str) -> str:
    """A name as the index keys it: folded, possessive and punctuation off, spaces single."""
    text = re.sub(r"['’]s\b", "", fold(text))
    text = re.sub(r"^(?:l|d)['’]", "", text)
    return " ".join(re.findall(r"[\w-]+", text))

"""What the answerer reads of the committed corpus, built once per snapshot.

Texts, each sentence's annotations (stored at ingest by the language layer, carried by the
chunks), the keyword index's idf, each document's language and date, and the corpus's own
index of names: every name the language layer found in the articles, with its kind. The name
index replaces gazetteers: a question's "Witkoff" or "nantes" is known to be a person or a
place because an article says so, and "Putin" finds "Poutine" by spelling.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from rag.corpus_index import LexicalIndex
from rag.lexical import analyze, name_key
from rag.schemas import SentenceAnnotation, Span

FUZZY_MIN = 80.0  # rapidfuzz ratio for a question word to match a name spelled otherwise
FUZZY_MIN_LEN = 4
DOC_TOKEN_CACHE = 256
SENTENCE_TOKEN_CACHE = 50_000
SEPARATOR = " ; "  # between sentences read in one pass


class CorpusView:
    """The answerer's reading of one snapshot; everything is read from the index when asked
    and remembered for the next questions (bounded caches)."""

    def __init__(self, index: LexicalIndex) -> None:
        self.index = index
        self.texts: Mapping[str, str] = index.texts
        self._kinds: dict[str, str | None] = {}
        self._spelled: dict[str, list[str]] = {}
        self._doc_tokens: dict[str, set[str]] = {}
        self._sentence_tokens: dict[tuple[str, int], set[str]] = {}

    # --- sentences ----------------------------------------------------------------

    def doc_sentences(self, doc_id: str) -> list[Span]:
        return self.index.doc_sentences(doc_id)

    def annotation(self, doc_id: str, start: int) -> SentenceAnnotation | None:
        return self.index.annotation(doc_id, start)

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
        """Every token of a document's sentences and their lemmas: the union of their
        ``sentence_tokens``, read in two passes over the document rather than one per
        sentence (kept for the most recent documents asked)."""
        if doc_id not in self._doc_tokens:
            from rag.answering.candidates import match_tokens

            text = self.texts.get(doc_id, "")
            # sentences apart, as one at a time: a number word never joins across them
            toks = match_tokens(SEPARATOR.join(text[a:b] for a, b in self.doc_sentences(doc_id)))
            lemmas = SEPARATOR.join(" ".join(x) for x in self.index.doc_lemmas(doc_id) if x)
            if lemmas:
                toks |= match_tokens(lemmas)
            if len(self._doc_tokens) >= DOC_TOKEN_CACHE:
                self._doc_tokens.pop(next(iter(self._doc_tokens)))
            self._doc_tokens[doc_id] = toks
        return self._doc_tokens[doc_id]

    def idf(self, token: str) -> float:
        return self.index.idf(token)

    def language(self, doc_id: str) -> str:
        info = self.index.doc_info(doc_id)
        return info.language if info else "fr"

    def date(self, doc_id: str) -> str | None:
        info = self.index.doc_info(doc_id)
        return info.date if info else None

    # --- names ----------------------------------------------------------------------

    def name_kind(self, phrase: str) -> str | None:
        """The kind of a name the articles use ("PER", "LOC"...), matched whole or, for one
        word, as a word of a longer name ("Witkoff" in "Steve Witkoff")."""
        key = name_key(phrase)
        if key not in self._kinds:
            self._kinds[key] = self._kind(key)
        return self._kinds[key]

    def _kind(self, key: str) -> str | None:
        kinds = self.index.name_kinds(key)
        if kinds:
            return _most_common(kinds)
        if " " in key:
            return None
        full = self.index.names_with_word(key)
        if not full:
            return None
        return _most_common(
            Counter(k for n in full if (k := _most_common(self.index.name_kinds(n))))
        )

    def is_name_key(self, key: str) -> bool:
        """Whether the articles use a name with exactly this key (see ``name_key``)."""
        return bool(self.index.name_kinds(key))

    def has_names(self) -> bool:
        return self.index.has_names()

    def spellings(self, word: str) -> list[str]:
        """Words of the corpus's names that spell ``word`` otherwise (Putin -> poutine)."""
        key = name_key(word)
        if len(key) < FUZZY_MIN_LEN or self.index.names_with_word(key):
            return []
        if key not in self._spelled:
            from rapidfuzz import fuzz, process

            hits = process.extract(
                key,
                self.index.name_vocabulary(),
                scorer=fuzz.ratio,
                limit=3,
                score_cutoff=FUZZY_MIN,
            )
            self._spelled[key] = [w for w, _, _ in hits if w[0] == key[0]]
        return self._spelled[key]

    def name_tokens(self, phrase: str) -> set[str]:
        return {t for t in analyze(phrase) if not t.startswith("~")}


def _most_common(kinds: Counter[str]) -> str | None:
    """The most frequent kind; a tie goes to the first in PER, ORG, LOC, MISC order."""
    order = {"PER": 0, "ORG": 1, "LOC": 2, "MISC": 3}
    best = sorted(kinds.items(), key=lambda kv: (-kv[1], order.get(kv[0], 9)))
    return best[0][0] if best else None

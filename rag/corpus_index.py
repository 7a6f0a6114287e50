"""The corpus beside the vector store, on disk and updated one document at a time.

Two parts, both derived from the store and rebuilt from it when lost:
- a keyword index (tantivy: BM25 over the project's own pre-tokenised terms, segments on
  disk, memory-mapped). Adding or removing an article writes or deletes that article's
  terms; merges run in tantivy's own threads.
- a SQLite file with what answering reads of each article: its chunks, each sentence's
  annotations, its text and the names the language layer found in it.

Nothing here holds the corpus in memory: a question reads the chunks it retrieves, the
sentences of the articles it cites and the names it asks about. The index records the
store generation it matches (``generation``); the store writes its own at each change, so
comparing the two is the O(1) check that an index is in step.

Scores are tantivy's BM25 divided by (k1 + 1): the same scale as Lucene's BM25 without that
factor (bm25s's default), which the fusion weights were fitted on.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.lexical import EXPANSION_WEIGHT, QueryTokens, analyze, name_key
from rag.nlp import LAYER_VERSION
from rag.schemas import Chunk, Document, SentenceAnnotation, Span

if TYPE_CHECKING:
    import tantivy

log = logging.getLogger(__name__)

K1 = 1.2
NAME_KINDS = frozenset({"PER", "ORG", "LOC", "MISC"})
WRITER_HEAP = 64 * 1024 * 1024
TEXT_CACHE = 256  # article texts kept in memory, most recently read
IN_BATCH = 500  # ids per SQL "IN (...)" statement
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs(
    doc_id TEXT PRIMARY KEY, content_hash TEXT, language TEXT, date TEXT, title TEXT,
    text TEXT, chunks INTEGER, annotated INTEGER);
CREATE TABLE IF NOT EXISTS chunks(
    chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, n INTEGER, body TEXT);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS sentences(
    doc_id TEXT NOT NULL, start INTEGER NOT NULL, end INTEGER, ann TEXT,
    PRIMARY KEY(doc_id, start)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS names(doc_id TEXT NOT NULL, name TEXT, kind TEXT, n INTEGER);
DROP INDEX IF EXISTS names_name;
CREATE INDEX IF NOT EXISTS names_doc ON names(doc_id);
CREATE TABLE IF NOT EXISTS name_words(doc_id TEXT NOT NULL, word TEXT, name TEXT);
DROP INDEX IF EXISTS name_words_word;
-- covering indexes: a name's kinds, a word's names, read without visiting the rows
CREATE INDEX IF NOT EXISTS name_words_word_name ON name_words(word, name);
CREATE INDEX IF NOT EXISTS names_name_kind ON names(name, kind, n);
CREATE INDEX IF NOT EXISTS name_words_doc ON name_words(doc_id);
"""


@dataclass(frozen=True)
class DocInfo:
    language: str
    date: str | None
    title: str


class CorpusIndex:
    """The on-disk keyword index and corpus tables under ``path``; one writer at a time."""

    def __init__(self, path: Path) -> None:
        import tantivy

        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        with self._connect() as db:
            db.executescript(_SCHEMA)
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("chunk_id", stored=True, tokenizer_name="raw")
        sb.add_text_field("doc_id", stored=False, tokenizer_name="raw")
        sb.add_text_field("terms", stored=False, tokenizer_name="whitespace", index_option="freq")
        self.schema = sb.build()
        keyword = path / "keyword"
        keyword.mkdir(exist_ok=True)
        self.tantivy = tantivy.Index(self.schema, path=str(keyword))

    # --- SQLite ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path / "corpus.db", timeout=30, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's connection (SQLite connections are not shared across threads)."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        return db

    @property
    def generation(self) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return row[0] if row else ""

    def documents(self) -> dict[str, str]:
        """doc_id -> content hash of every indexed article."""
        return dict(self.db.execute("SELECT doc_id, content_hash FROM docs").fetchall())

    def document_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    def unannotated(self, doc_ids: Iterable[str]) -> set[str]:
        """Those of these articles indexed without sentence annotations (by a version before
        the language layer, or without one) or by an older version of the layer
        (``rag.nlp.LAYER_VERSION``): an ingest reads them again."""
        query = (
            f"SELECT doc_id FROM docs WHERE annotated < {int(LAYER_VERSION)} "
            "AND doc_id IN ({marks})"
        )
        return {doc_id for (doc_id,) in _select_in(self.db, query, list(doc_ids))}

    def chunk_counts(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT doc_id, chunks FROM docs").fetchall())

    def __len__(self) -> int:
        """Chunks in the index."""
        return int(self.db.execute("SELECT COALESCE(SUM(chunks), 0) FROM docs").fetchone()[0])

    # --- writing --------------------------------------------------------------------

    def apply(
        self,
        added: Sequence[tuple[Document, Sequence[Chunk]]],
        removed: Iterable[str],
        generation: str | None,
    ) -> None:
        """Add or replace ``added`` articles and delete ``removed`` ones; with a
        ``generation``, record that this state matches the store's. Keyword terms first,
        tables second: a crash in between leaves the recorded generation behind, and the
        next check repairs it."""
        gone = set(removed) | {d.doc_id for d, _ in added}
        if not gone:
            if generation is not None:
                self.set_generation(generation)
            return
        import tantivy

        with self._write_lock:
            writer = self.tantivy.writer(heap_size=WRITER_HEAP, num_threads=1)
            for doc_id in gone:
                writer.delete_documents_by_term("doc_id", doc_id)
            for _, chunks in added:
                for c in chunks:
                    terms = " ".join(analyze(c.text))
                    writer.add_document(
                        tantivy.Document(chunk_id=c.chunk_id, doc_id=c.doc_id, terms=terms)
                    )
            writer.commit()
            writer.wait_merging_threads()
            db = self.db
            with db:
                for doc_id in gone:
                    for table in ("docs", "chunks", "sentences", "names", "name_words"):
                        db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))  # noqa: S608
                for doc, chunks in added:
                    _insert(db, doc, chunks)
                if generation is not None:
                    _set_generation(db, generation)
            self.tantivy.reload()

    def set_generation(self, generation: str) -> None:
        with self.db as db:
            _set_generation(db, generation)

    # --- reading --------------------------------------------------------------------

    def view(self) -> LexicalIndex:
        """A point-in-time view for asks: the keyword segments as committed now."""
        self.tantivy.reload()
        return LexicalIndex(self, self.tantivy.searcher(), self.generation)


def _set_generation(db: sqlite3.Connection, generation: str) -> None:
    db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('generation', ?)", (generation,))


def _insert(db: sqlite3.Connection, doc: Document, chunks: Sequence[Chunk]) -> None:
    annotated = all(len(c.annotations) == len(c.sentences) for c in chunks)
    db.execute(
        "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            doc.doc_id,
            doc.content_hash,
            doc.language,
            doc.date,
            doc.title,
            doc.text,
            len(chunks),
            LAYER_VERSION if annotated else 0,  # the layer's version that read it
        ),
    )
    db.executemany(
        "INSERT OR REPLACE INTO chunks VALUES (?, ?, ?, ?)",
        [(c.chunk_id, c.doc_id, c.n, c.model_dump_json(exclude={"annotations"})) for c in chunks],
    )
    sentences: dict[int, SentenceAnnotation] = {}
    for c in chunks:
        for ann in c.annotations:
            sentences.setdefault(ann.start, ann)
    db.executemany(
        "INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?)",
        [
            (doc.doc_id, a.start, a.end, a.model_dump_json(exclude_defaults=True))
            for a in sentences.values()
        ],
    )
    kinds: Counter[tuple[str, str]] = Counter()
    for ann in sentences.values():
        for m in ann.mentions:
            if m.kind in NAME_KINDS and (name := name_key(doc.text[m.start : m.end])):
                kinds[(name, m.kind)] += 1
    db.executemany(
        "INSERT INTO names VALUES (?, ?, ?, ?)",
        [(doc.doc_id, name, kind, n) for (name, kind), n in kinds.items()],
    )
    words = {(w, name) for name, _ in kinds for w in name.split() if len(w) >= 3}
    db.executemany(
        "INSERT INTO name_words VALUES (?, ?, ?)", [(doc.doc_id, w, n) for w, n in words]
    )


class LexicalIndex:
    """What one snapshot of the corpus answers: keyword search, chunks by id, sentences,
    article texts and metadata, term statistics and the names index."""

    def __init__(self, corpus: CorpusIndex, searcher: tantivy.Searcher, generation: str) -> None:
        self.corpus = corpus
        self.searcher = searcher
        self.generation = generation
        self.size = searcher.num_docs
        self.vocab = Vocabulary(self)
        self.texts = Texts(corpus)
        self._df: dict[str, int] = {}
        self._spelled: dict[str, list[str]] = {}
        self._first_letter: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return self.size

    # --- keyword search -------------------------------------------------------------

    def search(self, q: QueryTokens, k: int) -> list[tuple[Chunk, float]]:
        """The ``k`` best chunks for the query's terms (expansions at a lower weight)."""
        import tantivy

        parts = []
        for tokens, weight in ((q.main, 1.0), (q.expanded, EXPANSION_WEIGHT)):
            for t in tokens:
                if t not in self.vocab:
                    continue
                term = tantivy.Query.term_query(self.corpus.schema, "terms", t)
                if weight != 1.0:
                    term = tantivy.Query.boost_query(term, weight)
                parts.append((tantivy.Occur.Should, term))
        if not parts or not self.size:
            return []
        # a margin past k, so equal scores at the cut are ordered by chunk id, not by the
        # segment they happen to sit in (an index built at once and one built piece by
        # piece give the same results)
        hits = self.searcher.search(tantivy.Query.boolean_query(parts), 2 * k + 8).hits
        scored = sorted(
            (
                (round(score / (K1 + 1), 6), self.searcher.doc(address)["chunk_id"][0])
                for score, address in hits
                if score > 0
            ),
            key=lambda sc: (-sc[0], sc[1]),
        )[:k]
        chunks = self.chunks([cid for _, cid in scored])
        return [(chunks[cid], score) for score, cid in scored if cid in chunks]

    def df(self, token: str) -> int:
        if token not in self._df:
            self._df[token] = self.searcher.doc_freq("terms", token)
        return self._df[token]

    def idf(self, token: str) -> float:
        """BM25's idf: rare words weigh more; a word absent from the corpus weighs most."""
        d = self.df(token)
        return math.log(1 + (self.size - d + 0.5) / (d + 0.5))

    def spellings(self, token: str) -> list[str]:
        """Index terms that spell an unknown name's token otherwise ("putin" -> "poutin"):
        names have no dictionary; the corpus's own spelling is the one to search."""
        if token in self.vocab or len(token) < 4 or token.startswith("~"):
            return []
        if token not in self._spelled:
            from rapidfuzz import fuzz, process

            words = self._words_from(token[0])
            hits = process.extract(token, words, scorer=fuzz.ratio, limit=2, score_cutoff=80)
            self._spelled[token] = [w for w, _, _ in hits]
        return self._spelled[token]

    def _words_from(self, letter: str) -> list[str]:
        if letter not in self._first_letter:
            terms = self.searcher.terms_with_prefix("terms", letter)
            self._first_letter[letter] = [t for t, _ in terms if len(t) >= 4]
        return self._first_letter[letter]

    # --- records --------------------------------------------------------------------

    def chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        """The chunks with these ids (an id removed since is left out)."""
        query = "SELECT chunk_id, body FROM chunks WHERE chunk_id IN ({marks})"
        return {
            cid: Chunk.model_validate_json(body)
            for cid, body in _select_in(self.corpus.db, query, chunk_ids)
        }

    def all_chunks(self) -> Iterator[Chunk]:
        """Every chunk with its sentence annotations, in article order (evals and tests)."""
        db = self.corpus.db
        for (doc_id,) in db.execute("SELECT doc_id FROM docs ORDER BY doc_id").fetchall():
            anns = {a.start: a for a in self.sentence_annotations(doc_id)}
            rows = db.execute(
                "SELECT body FROM chunks WHERE doc_id = ? ORDER BY n", (doc_id,)
            ).fetchall()
            for (body,) in rows:
                c = Chunk.model_validate_json(body)
                c.annotations = [anns[s] for s, _ in c.sentences if s in anns]
                yield c

    def doc_sentences(self, doc_id: str) -> list[Span]:
        return [(s, e) for s, e, _ in self._sentences(doc_id)]

    def doc_lemmas(self, doc_id: str) -> list[list[str]]:
        """Each sentence's lemmas, in order (read without parsing the rest of its annotation)."""
        rows = self.corpus.db.execute(
            "SELECT json_extract(ann, '$.lemmas') FROM sentences WHERE doc_id = ? ORDER BY start",
            (doc_id,),
        )
        return [json.loads(lemmas) if lemmas else [] for (lemmas,) in rows]

    def sentence_annotations(self, doc_id: str) -> list[SentenceAnnotation]:
        return [SentenceAnnotation.model_validate_json(a) for _, _, a in self._sentences(doc_id)]

    def _sentences(self, doc_id: str) -> list[tuple[int, int, str]]:
        return _sentences(self.corpus, self.generation, doc_id)

    def annotation(self, doc_id: str, start: int) -> SentenceAnnotation | None:
        return _annotation(self.corpus, self.generation, doc_id, start)

    def doc_info(self, doc_id: str) -> DocInfo | None:
        row = self.corpus.db.execute(
            "SELECT language, date, title FROM docs WHERE doc_id = ?", (doc_id,)
        ).fetchone()
        return DocInfo(*row) if row else None

    # --- names ----------------------------------------------------------------------

    def name_kinds(self, name: str) -> Counter[str]:
        rows = self.corpus.db.execute(
            "SELECT kind, SUM(n) FROM names WHERE name = ? GROUP BY kind", (name,)
        )
        return Counter(dict(rows))

    def names_with_word(self, word: str) -> list[str]:
        rows = self.corpus.db.execute(
            "SELECT DISTINCT name FROM name_words WHERE word = ? ORDER BY name", (word,)
        )
        return [r[0] for r in rows]

    def has_names(self) -> bool:
        return self.corpus.db.execute("SELECT EXISTS(SELECT 1 FROM names)").fetchone()[0] == 1

    def name_vocabulary(self) -> list[str]:
        """Every word of the corpus's names, for spelling matches (read once per snapshot)."""
        if not hasattr(self, "_name_vocabulary"):
            rows = self.corpus.db.execute("SELECT DISTINCT word FROM name_words ORDER BY word")
            self._name_vocabulary = [r[0] for r in rows]
        return self._name_vocabulary


def _select_in(db: sqlite3.Connection, query: str, ids: Sequence[str]) -> Iterator[Any]:
    """The rows of ``query`` whose ``IN ({marks})`` holds ``ids``, asked 500 ids at a time
    (SQLite caps the parameters of one statement)."""
    for i in range(0, len(ids), IN_BATCH):
        part = list(ids[i : i + IN_BATCH])
        yield from db.execute(query.format(marks=",".join("?" * len(part))), part)


@lru_cache(maxsize=4096)
def _sentences(corpus: CorpusIndex, generation: str, doc_id: str) -> list[tuple[int, int, str]]:
    rows = corpus.db.execute(
        "SELECT start, end, ann FROM sentences WHERE doc_id = ? ORDER BY start", (doc_id,)
    )
    return list(rows)


@lru_cache(maxsize=50_000)
def _annotation(
    corpus: CorpusIndex, generation: str, doc_id: str, start: int
) -> SentenceAnnotation | None:
    for s, _, ann in _sentences(corpus, generation, doc_id):
        if s == start:
            return SentenceAnnotation.model_validate_json(ann)
    return None


class Vocabulary:
    """``token in vocab``: whether any chunk holds the term (asked of the index, remembered)."""

    def __init__(self, index: LexicalIndex) -> None:
        self.index = index

    def __contains__(self, token: object) -> bool:
        return isinstance(token, str) and self.index.df(token) > 0


class Texts(Mapping[str, str]):
    """Article texts by doc_id, read when a passage of the article is cited or shown."""

    def __init__(self, corpus: CorpusIndex) -> None:
        self.corpus = corpus
        self._cache: dict[str, str] = {}

    def __getitem__(self, doc_id: str) -> str:
        if doc_id in self._cache:
            return self._cache[doc_id]
        row = self.corpus.db.execute("SELECT text FROM docs WHERE doc_id = ?", (doc_id,)).fetchone()
        if row is None:
            raise KeyError(doc_id)
        if len(self._cache) >= TEXT_CACHE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[doc_id] = row[0]
        return str(row[0])

    def __iter__(self) -> Iterator[str]:
        return (r[0] for r in self.corpus.db.execute("SELECT doc_id FROM docs ORDER BY doc_id"))

    def __len__(self) -> int:
        return int(self.corpus.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0])

"""The keyword index options compared on the same pre-tokenised chunks.

For ``n`` chunks (pairs of seed sentences, analysed by ``rag.lexical.analyze``, as the
corpus index stores them), each option is built, then asked to add one article of 10
chunks, to remove it, and to answer the gold questions' terms (top 30):

- tantivy (what the corpus index uses): segments on disk, one commit per change;
- SQLite FTS5 over the same terms (``unicode61`` keeping ``~``), BM25 by ``bm25()``;
- bm25s, the previous index: no incremental update, so adding an article is a rebuild.

    .venv/bin/python -m evals.bench_keyword [--chunks 100000] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.bench_server import GOLD, ROOT, percentile
from rag.lexical import analyze, analyze_query
from rag.retrieval import detect_question_language


def corpus(n: int) -> list[list[str]]:
    from rag.chunking import document_sentences
    from rag.documents import load_document

    pool = []
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        doc = load_document(f)
        pool += [" ".join(doc.text[a:b].split()) for a, b in document_sentences(doc)]
    terms = [analyze(p) for p in dict.fromkeys(pool) if len(p) > 40]
    rng = random.Random(3)
    return [rng.choice(terms) + rng.choice(terms) for _ in range(n)]


def queries() -> list[list[str]]:
    out = []
    for line in GOLD.read_text("utf-8").splitlines():
        q = json.loads(line)["question"]
        tokens = analyze_query(q, detect_question_language(q))
        out.append(list(dict.fromkeys(tokens.main + tokens.expanded)))
    return out


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def query_times(search: Callable[[list[str]], Any], qs: list[list[str]]) -> dict[str, float]:
    for q in qs[:5]:
        search(q)
    ms = []
    for q in qs * 2:
        t = time.perf_counter()
        search(q)
        ms.append((time.perf_counter() - t) * 1000)
    return {
        "query_p50_ms": round(statistics.median(ms), 2),
        "query_p95_ms": round(percentile(ms, 95), 2),
    }


def bench_tantivy(
    docs: list[list[str]], extra: list[list[str]], qs: list[list[str]], d: Path
) -> dict[str, Any]:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("doc_id", stored=True, tokenizer_name="raw")
    sb.add_text_field("terms", stored=False, tokenizer_name="whitespace", index_option="freq")
    schema = sb.build()
    index = tantivy.Index(schema, path=str(d))

    def write(
        rows: list[list[str]], doc_of: Callable[[int], str], delete: str | None = None
    ) -> None:
        w = index.writer(heap_size=64 * 2**20, num_threads=1)
        if delete:
            w.delete_documents_by_term("doc_id", delete)
        for i, r in enumerate(rows):
            w.add_document(tantivy.Document(doc_id=doc_of(i), terms=" ".join(r)))
        w.commit()
        w.wait_merging_threads()
        index.reload()

    build = timed(lambda: write(docs, lambda i: f"d{i // 10}"))
    add = timed(lambda: write(extra, lambda i: "new"))
    remove = timed(lambda: write([], lambda i: "", delete="new"))
    searcher = index.searcher()

    def search(q: list[str]) -> Any:
        parts = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "terms", t)) for t in q]
        return searcher.search(tantivy.Query.boolean_query(parts), 30).hits

    return {
        "build_s": round(build, 1),
        "add_one_s": round(add, 3),
        "remove_one_s": round(remove, 3),
        **query_times(search, qs),
    }


def bench_fts5(
    docs: list[list[str]], extra: list[list[str]], qs: list[list[str]], d: Path
) -> dict[str, Any]:
    db = sqlite3.connect(d / "fts.db")
    tokenizer = "unicode61 tokenchars '~'"
    db.execute(
        f'CREATE VIRTUAL TABLE t USING fts5(doc_id UNINDEXED, terms, tokenize="{tokenizer}")'
    )

    def write(rows: list[list[str]], doc: Callable[[int], str]) -> None:
        with db:
            db.executemany(
                "INSERT INTO t VALUES (?, ?)", [(doc(i), " ".join(r)) for i, r in enumerate(rows)]
            )

    build = timed(lambda: write(docs, lambda i: f"d{i // 10}"))
    add = timed(lambda: write(extra, lambda i: "new"))

    def delete() -> None:
        with db:
            db.execute("DELETE FROM t WHERE doc_id = 'new'")

    remove = timed(delete)

    def search(q: list[str]) -> Any:
        match = " OR ".join(f'"{t}"' for t in q)
        return db.execute(
            "SELECT rowid FROM t WHERE t MATCH ? ORDER BY bm25(t) LIMIT 30", (match,)
        ).fetchall()

    return {
        "build_s": round(build, 1),
        "add_one_s": round(add, 3),
        "remove_one_s": round(remove, 3),
        **query_times(search, qs),
    }


def bench_bm25s(
    docs: list[list[str]], extra: list[list[str]], qs: list[list[str]]
) -> dict[str, Any]:
    import bm25s

    def build(rows: list[list[str]]) -> Any:
        m = bm25s.BM25(k1=1.2, b=0.75)
        m.index(rows, show_progress=False)
        return m

    model = None

    def first() -> None:
        nonlocal model
        model = build(docs)

    t_build = timed(first)
    add = timed(lambda: build(docs + extra))  # no incremental update: a rebuild
    assert model is not None
    vocab = set(model.vocab_dict)

    def search(q: list[str]) -> Any:
        known = [t for t in q if t in vocab]
        return model.get_scores(known).argsort()[-30:] if known else []

    return {
        "build_s": round(t_build, 1),
        "add_one_s": round(add, 3),
        "remove_one_s": round(add, 3),
        **query_times(search, qs),
    }


def run(n: int) -> dict[str, Any]:
    docs, extra, qs = corpus(n), corpus(10), queries()
    out: dict[str, Any] = {"chunks": n}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "tantivy").mkdir()
        out["tantivy"] = bench_tantivy(docs, extra, qs, Path(tmp) / "tantivy")
        out["fts5"] = bench_fts5(docs, extra, qs, Path(tmp))
    out["bm25s"] = bench_bm25s(docs, extra, qs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    text = json.dumps(run(args.chunks), indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

"""`rag bench`: measured figures, not timed tests.

The ingest figure is end to end: ``Ingestor.sync`` into a fresh data dir, so it
counts reading, cleaning, chunking, token counting, the language layer (spaCy),
embedding, Chroma writes and the keyword index (not loading the models, done once
beforehand). Its ceiling is the two models alone on the same corpus: the same
SentenceTransformer object encoding exactly the texts the ingestor embedded, in one
call, with the same batch size and normalisation, plus the annotator reading every
sentence: what ingest would reach if everything but the models were free. The ratio of
the two is the figure to watch (target: at least 85 %). On a shared machine wall-clock figures
move with its load, so the ceiling is measured before and after the ingest and
averaged, and a CPU-time ratio, which moves much less, is reported beside it.

It runs on the seed articles (median of a few runs: they take seconds) and on a
synthetic corpus of article-sized documents made by recombining the seed
sentences with a seeded RNG, so every run measures the same text.
"""

from __future__ import annotations

import json
import logging
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import RagError
from rag.settings import Settings

log = logging.getLogger(__name__)

TARGET_RATIO = 0.85
ASK_P50_MS, ASK_P95_MS, COLD_S = 50.0, 150.0, 3.0  # issue targets for warm and cold asks
UPLOAD_ASK_MAX_MS = 1000.0  # no ask over 1 s while an upload is ingested
SEED_RUNS = 5
KINDS = ("ingest", "ask", "cold", "upload", "verify")  # "all"; "scale" runs only when named
REPO_SEEDS = Path(__file__).resolve().parent.parent / "seeds"


# --- entry point -------------------------------------------------------------------


def run_bench(
    kind: str,
    out: Path | None,
    docs: int,
    chunks: int = 10_000,
    mode: str = "real",
    chroma: str = "embedded",
) -> dict[str, Any]:
    """Run one bench (or every implemented one for ``all``), print a table, write JSON."""
    if kind not in (*KINDS, "all", "scale"):
        raise RagError(
            f"unknown bench {kind!r}: use ingest, ask, cold, upload, verify, scale or all"
        )
    if docs < 1:
        raise RagError(f"--docs must be at least 1, not {docs}")
    if chunks < 1:
        raise RagError(f"--chunks must be at least 1, not {chunks}")
    if mode not in ("real", "simulated"):
        raise RagError(f"--mode must be real or simulated, not {mode!r}")
    if chroma not in ("embedded", "server"):
        raise RagError(f"--chroma must be embedded or server, not {chroma!r}")
    settings = Settings()
    benches: dict[str, Callable[[], dict[str, Any]]] = {
        "scale": lambda: _bench_scale(chunks, mode, chroma),
        "ingest": lambda: bench_ingest(settings, docs),
        "ask": lambda: bench_ask(settings),
        "cold": lambda: bench_cold(settings),
        "upload": _bench_upload,
        "verify": _bench_verify,
    }
    results: dict[str, Any] = {}
    for name in KINDS if kind == "all" else (kind,):  # "scale" only when asked for
        try:
            results[name] = benches[name]()
        except NotImplementedError as e:
            if kind != "all":
                raise RagError(f"the {name} bench is not implemented yet") from e
            results[name] = {"skipped": "not implemented yet"}
            _console().print(f"[yellow]{name}: skipped (not implemented yet)[/yellow]")
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return results


def missed_targets(results: dict[str, Any]) -> list[str]:
    """Every measured figure that misses its target, in words (empty: all met)."""
    missed = []
    ingest = results.get("ingest", {})
    for corpus in ("seeds", "synthetic"):
        run = ingest.get(corpus)
        if isinstance(run, dict) and run.get("ratio", 1.0) < TARGET_RATIO:
            missed.append(
                f"ingest {corpus}: {run['ratio']:.0%} of the ceiling < {TARGET_RATIO:.0%}"
            )
    ask = results.get("ask", {})
    if ask.get("p50_ms", 0.0) > ASK_P50_MS or ask.get("p95_ms", 0.0) > ASK_P95_MS:
        missed.append(
            f"ask: p50 {ask['p50_ms']} ms / p95 {ask['p95_ms']} ms > "
            f"{ASK_P50_MS:g} / {ASK_P95_MS:g}"
        )
    cold = results.get("cold", {})
    if cold.get("wall_median_s", 0.0) > COLD_S:
        missed.append(f"cold rag ask: median {cold['wall_median_s']} s > {COLD_S:g} s")
    upload = results.get("upload", {}).get("median", {})
    if upload.get("max_ms", 0.0) > UPLOAD_ASK_MAX_MS:
        missed.append(
            f"asks during an upload: median max {upload['max_ms']} ms > {UPLOAD_ASK_MAX_MS:g} ms"
        )
    from evals.bench_scale import missed as scale_missed

    missed += scale_missed(results.get("scale", {}))
    verify = results.get("verify", {})
    if verify.get("p95_ms", 0.0) > verify.get("target_p95_ms", float("inf")):
        missed.append(
            f"claim verification: p95 {verify['p95_ms']} ms > {verify['target_p95_ms']:g} ms"
        )
    return missed


def _bench_scale(chunks: int, mode: str, chroma: str) -> dict[str, Any]:
    """Costs over a store of ``chunks`` chunks, real or simulated (``evals.bench_scale``)."""
    from evals.bench_scale import bench_scale

    r = bench_scale(chunks, mode, chroma)
    _console().print_json(data=r)
    return r


def _bench_verify() -> dict[str, Any]:
    """Warm verification cost per claim of an LLM answer, over the reply set."""
    from evals.bench_verify import bench_verify

    r = bench_verify()
    _console().print(
        f"claim verification, warm: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, max "
        f"{r['max_ms']} ms per claim over {r['claims']} claims x {r['runs']} runs "
        f"(target p95 <= {r['target_p95_ms']:g} ms)"
    )
    return r


def _bench_upload() -> dict[str, Any]:
    """Ask latency while a 300 KB article is uploaded (median of 3 runs)."""
    from evals.bench_upload import bench_upload

    result = bench_upload()
    m = result["median"]
    _console().print(
        f"asks during a {result['upload_kb']} KB upload: max {m['max_ms']} ms, "
        f"p95 {m['p95_ms']} ms, p50 {m['p50_ms']} ms over {m['asks']} asks "
        f"(upload {m['upload_s']} s; median of {len(result['runs'])} runs)"
    )
    return result


def bench_ask(settings: Settings) -> dict[str, Any]:
    """Warm ask latency (p50/p95 over the gold questions, 3 rounds), stage by stage."""
    from evals.bench_query import bench_ask as run

    result = run(rounds=3)
    _console().print(
        f"ask: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms; "
        f"stages {result['stages_p50_ms']}"
    )
    return result


def bench_cold(settings: Settings) -> dict[str, Any]:
    """Cold start: a fresh `rag ask` process from launch to its printed answer."""
    from evals.bench_query import bench_cold as run

    result = run(runs=5)
    _console().print(
        f"cold rag ask: median {result['wall_median_s']} s; stages {result['stages_median_s']}"
    )
    return result


# --- ingest ------------------------------------------------------------------------


@dataclass
class IngestRun:
    """One ingest of a corpus into a fresh store, and the encoder alone on its chunks."""

    docs: int
    chunks: int
    seconds: float  # Ingestor.sync, end to end
    embed_seconds: float  # of which inside Embedder.embed
    ceiling_seconds: float  # SentenceTransformer.encode on the same texts, plus the annotator
    cpu_seconds: float = 0.0  # process CPU time (all threads) of the ingest
    ceiling_cpu_seconds: float = 0.0  # and of the ceiling: steadier than wall time on a busy box
    encode_seconds: float = 0.0  # of the ceiling: the encoder alone
    annotate_seconds: float = 0.0  # of the ceiling: the language layer alone (spaCy)

    @property
    def chunks_per_s(self) -> float:
        return self.chunks / self.seconds if self.seconds else 0.0

    @property
    def ceiling_per_s(self) -> float:
        return self.chunks / self.ceiling_seconds if self.ceiling_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.ceiling_seconds / self.seconds if self.seconds else 0.0

    @property
    def cpu_ratio(self) -> float:
        return self.ceiling_cpu_seconds / self.cpu_seconds if self.cpu_seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "chunks_per_s": round(self.chunks_per_s, 1),
            "ceiling_chunks_per_s": round(self.ceiling_per_s, 1),
            "ratio": round(self.ratio, 3),
            "cpu_ratio": round(self.cpu_ratio, 3),
        }


class RecordingEmbedder:
    """The real embedder, plus a record of what ingest asked it to embed and for how long."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.batch_size = inner.batch_size
        self.texts: list[str] = []
        self.seconds = 0.0

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        t0 = time.perf_counter()
        vectors = self.inner.embed(texts, progress)
        self.seconds += time.perf_counter() - t0
        self.texts.extend(texts)
        return np.asarray(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self.inner.embed_query(text))

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return list(self.inner.count_tokens(texts))


def bench_ingest(settings: Settings, docs: int, seeds: Path | None = None) -> dict[str, Any]:
    """Ingest throughput against its ceiling (the encoder and the language layer alone on the
    same corpus), on the seeds and a synthetic corpus."""
    from rag.container import build_embedder

    seeds = seeds or _seeds_folder()
    load_before = _load_average()
    embedder = build_embedder(settings)
    _warm_up(embedder, seeds)
    with tempfile.TemporaryDirectory(prefix="rag-bench-", ignore_cleanup_errors=True) as tmp:
        work = Path(tmp)
        seed_runs = [measure_ingest(seeds, embedder, settings, work) for _ in range(SEED_RUNS)]
        corpus = synthetic_corpus(seeds, work / "synthetic", docs)
        synthetic = measure_ingest(corpus, embedder, settings, work, progress=True)
    median = _median_run(seed_runs)
    result: dict[str, Any] = {
        "model": settings.embed_model,
        "batch_size": settings.embed_batch_size,
        "chunk_tokens": settings.chunk_tokens,
        "torch_threads": _torch_threads(),
        "cpus": os.cpu_count(),
        "load_average": {"before": load_before, "after": _load_average()},
        "target_ratio": TARGET_RATIO,
        "seeds": {**median.as_dict(), "runs": [r.as_dict() for r in seed_runs]},
        "synthetic": synthetic.as_dict(),
    }
    _print_ingest(result, {"seeds (median)": median, f"synthetic ({docs} docs)": synthetic})
    return result


def measure_ingest(
    folder: Path, embedder: Any, settings: Settings, work: Path, progress: bool = False
) -> IngestRun:
    """Sync ``folder`` into a fresh embedded store; encode the same chunk texts raw before
    and after it. The ceiling is the mean of the two, so a machine that gets busier or
    quieter during a long run does not favour either side."""
    from rag.container import build_ingestor, build_store

    texts = chunk_texts(folder, embedder, settings)
    before = _encode(embedder, texts)
    annotate = _annotate(folder, settings)
    data = Path(tempfile.mkdtemp(prefix="data-", dir=work))
    s = settings.model_copy(update={"data_dir": data, "chroma_host": None})
    recorder = RecordingEmbedder(embedder)
    ingestor = build_ingestor(s, build_store(s), recorder)
    t0, c0 = time.perf_counter(), time.process_time()
    summary = ingestor.sync([folder], progress=progress)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    after = _encode(embedder, texts)
    if summary.skipped:
        log.warning("bench corpus had skipped files: %s", summary.skipped)
    if sorted(recorder.texts) != sorted(texts) or summary.chunks_embedded != len(texts):
        raise RuntimeError("ingest did not embed exactly the chunk texts the ceiling encodes")
    return IngestRun(
        docs=len(summary.added),
        chunks=len(texts),
        seconds=round(seconds, 3),
        embed_seconds=round(recorder.seconds, 3),
        ceiling_seconds=round((before[0] + after[0]) / 2 + annotate[0], 3),
        cpu_seconds=round(cpu, 3),
        ceiling_cpu_seconds=round((before[1] + after[1]) / 2 + annotate[1], 3),
        encode_seconds=round((before[0] + after[0]) / 2, 3),
        annotate_seconds=round(annotate[0], 3),
    )


def _annotate(folder: Path, settings: Settings) -> tuple[float, float]:
    """Wall and CPU seconds of the language layer alone on the corpus's sentences (pipelines
    loaded beforehand): the other half of the work an ingest cannot avoid."""
    from rag.chunking import document_sentences
    from rag.container import build_annotator
    from rag.documents import load_document

    annotator = build_annotator(settings)
    docs = [load_document(f) for f in sorted(p for p in folder.rglob("*") if p.is_file())]
    for lang in {d.language for d in docs}:
        annotator.require(lang)
    t0, c0 = time.perf_counter(), time.process_time()
    for doc in docs:
        annotator.annotate(doc, document_sentences(doc))
    return time.perf_counter() - t0, time.process_time() - c0


def chunk_texts(folder: Path, embedder: Any, settings: Settings) -> list[str]:
    """What ingest embeds for ``folder``: ``embed_text`` of each chunk of each article."""
    from rag.chunking import chunk_document
    from rag.documents import load_document
    from rag.ingest import embed_text

    texts = []
    for f in sorted(p for p in folder.rglob("*") if p.is_file()):
        doc = load_document(f)
        chunks = chunk_document(
            doc, settings.chunk_tokens, settings.chunk_overlap_sentences, embedder.count_tokens
        )
        texts += [embed_text(c) for c in chunks]
    return texts


def _encode(embedder: Any, texts: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of the bare SentenceTransformer on ``texts``, as ingest calls it."""
    t0, c0 = time.perf_counter(), time.process_time()
    embedder.model.encode(
        texts,
        batch_size=embedder.batch_size,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return time.perf_counter() - t0, time.process_time() - c0


def synthetic_corpus(seeds: Path, folder: Path, n_docs: int, seed: int = 20260106) -> Path:
    """``n_docs`` article-sized files of recombined seed sentences; the same for a given seed.

    Each has a headline, sometimes a ``date`` line, and 5 to 9 paragraphs of 1 to 4
    sentences (about the 3-6 KB of a seed article).
    """
    from rag.chunking import document_sentences
    from rag.documents import load_document

    pool: list[str] = []
    for f in sorted(seeds.glob("*.txt")):
        doc = load_document(f)
        pool += [" ".join(doc.text[a:b].split()) for a, b in document_sentences(doc)]
    pool = [s for s in dict.fromkeys(pool) if len(s) > 40 and s[-1] in '.!?»"']
    if len(pool) < 40:
        raise RagError(f"too few seed sentences in {seeds} to build a synthetic corpus")
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        headline = " ".join(rng.choice(pool).split()[: rng.randint(6, 12)]).rstrip(",;:.")
        lines = [headline, ""]
        if rng.random() < 0.5:
            lines[0] = f"date 2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {headline}"
        paragraphs = [rng.randint(1, 4) for _ in range(rng.randint(5, 9))]
        sentences = iter(rng.sample(pool, sum(paragraphs)))
        for n in paragraphs:
            lines += [" ".join(next(sentences) for _ in range(n)), ""]
        (folder / f"syn_{i:05d}.txt").write_text("\n".join(lines), encoding="utf-8")
    return folder


# --- helpers -----------------------------------------------------------------------


def _seeds_folder() -> Path:
    for p in (Path("seeds"), REPO_SEEDS):
        if p.is_dir() and any(p.glob("*.txt")):
            return p
    raise RagError("no seeds/ folder with .txt articles here or beside the evals package")


def _warm_up(embedder: Any, seeds: Path) -> None:
    """Load the model and run it once, so neither measurement pays for first-call setup."""
    texts = [f.read_text(encoding="utf-8")[:500] for f in sorted(seeds.glob("*.txt"))]
    embedder.embed(texts * 8)


def _median_run(runs: list[IngestRun]) -> IngestRun:
    """A synthetic run of medians (each figure's median over the runs)."""
    return IngestRun(
        docs=runs[0].docs,
        chunks=runs[0].chunks,
        seconds=statistics.median(r.seconds for r in runs),
        embed_seconds=statistics.median(r.embed_seconds for r in runs),
        ceiling_seconds=statistics.median(r.ceiling_seconds for r in runs),
        cpu_seconds=statistics.median(r.cpu_seconds for r in runs),
        ceiling_cpu_seconds=statistics.median(r.ceiling_cpu_seconds for r in runs),
    )


def _load_average() -> float | None:
    """Other processes on the machine: wall-clock figures mean little when it is high."""
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _torch_threads() -> int | None:
    try:
        import torch
    except ImportError:
        return None
    return int(torch.get_num_threads())


def _console() -> Any:
    from rich.console import Console

    return Console(stderr=False)


def _print_ingest(result: dict[str, Any], rows: dict[str, IngestRun]) -> None:
    from rich.table import Table

    t = Table(title=f"Ingest throughput ({result['model']}, batch {result['batch_size']})")
    for col in ("corpus", "docs", "chunks", "ingest s", "chunks/s", "in embed s",
                "models-only s", "ceiling chunks/s", "ratio", "CPU-time ratio"):  # fmt: skip
        t.add_column(col, justify="left" if col == "corpus" else "right")
    for name, r in rows.items():
        colour = "green" if r.ratio >= TARGET_RATIO else "red"
        t.add_row(
            name,
            str(r.docs),
            str(r.chunks),
            f"{r.seconds:.2f}",
            f"{r.chunks_per_s:.1f}",
            f"{r.embed_seconds:.2f}",
            f"{r.ceiling_seconds:.2f}",
            f"{r.ceiling_per_s:.1f}",
            f"[{colour}]{r.ratio:.0%}[/{colour}]",
            f"{r.cpu_ratio:.0%}",
        )
    console = _console()
    console.print(t)
    console.print(
        f"target: ingest at least {TARGET_RATIO:.0%} of the models-only ceiling "
        f"({result['cpus']} CPUs, {result['torch_threads']} torch threads, load average "
        f"{result['load_average']['before']} before, {result['load_average']['after']} after)"
    )

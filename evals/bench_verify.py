"""``rag bench verify``: what checking one generated claim costs, warm.

Every claim of the reply set (``evals/llm_replies.jsonl``, faithful and invented) is checked
against the passage its anchor names, the way an LLM answer's sentences are: a fresh
``Check`` per reply (as per answer), the shared ``Verifier`` (its sentence-vector and
claim-reading caches and its loaded pipelines, as in a running server). One pass warms the
pipelines and caches; the next ``RUNS`` passes are timed, claim by claim, with replies in a
new order each pass so no cache holds the very claim (claim readings are cleared between
passes). Figures: p50 and p95 per claim over all timed checks.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from evals.replies import REPLIES, ROOT, context_with, read_replies, with_marker

RUNS = 3
VERIFY_P95_MS = 30.0  # the target, per claim, warm


def bench_verify(path: Path = REPLIES) -> dict[str, Any]:
    from rag.answering.verify import Verifier
    from rag.container import build_annotator, build_assistant, build_embedder
    from rag.settings import Settings

    with tempfile.TemporaryDirectory(prefix="rag-bench-verify-") as tmp:
        s = Settings(data_dir=Path(tmp))
        embedder = build_embedder(s)
        assistant = build_assistant(s, embedder)
        assistant.ingest([ROOT / "seeds"])
        chunks = list(assistant.lexical_index().all_chunks())
        verifier = Verifier(build_annotator(s))
        cases = []
        for item in read_replies(path):
            req = assistant.prepare(item.question).request
            sentences = []
            for claim in item.reply():
                req, n, _ = context_with(req, claim.anchor, chunks)
                if n:
                    sentences.append(with_marker(claim.text, n))
            cases.append((req, sentences))
        times: list[float] = []
        rng = random.Random(20261201)
        for run in range(RUNS + 1):
            order = list(cases)
            rng.shuffle(order)
            verifier._readings.clear()
            for req, sentences in order:
                check = verifier.session(req)
                for sentence in sentences:
                    t0 = time.perf_counter()
                    check.add(sentence)
                    if run:
                        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "claims": len(times) // RUNS,
        "runs": RUNS,
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
        "max_ms": round(times[-1], 2),
        "target_p95_ms": VERIFY_P95_MS,
    }

"""Query benchmarks: warm ``Assistant.ask`` latency and cold ``rag ask`` start-up.

Medians and percentiles over many runs; these machines are noisy, so the
figures are reported, not asserted in unit tests.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT / "evals" / "gold.jsonl"


def _pct(values: list[float], p: float) -> float:
    from evals.metrics import percentile

    return round(percentile(values, p), 2)


def bench_ask(rounds: int = 3, data_dir: Path | None = None) -> dict[str, Any]:
    """Warm latency of Assistant.ask over the gold questions, with a per-stage breakdown."""
    from evals.gold import load_gold
    from rag.assistant import Assistant
    from rag.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        s = Settings(data_dir=data_dir or Path(tmp) / "data")
        assistant = Assistant(settings=s)
        assistant.ingest([SEEDS])
        questions = [g.question for g in load_gold(GOLD)]
        for q in questions[:10]:  # warm-up: first calls pay lazy loads
            assistant.ask(q)
        total: list[float] = []
        stages: dict[str, list[float]] = {}
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                a = assistant.ask(q)
                total.append((time.perf_counter() - t) * 1000)
                for k, v in a.timings_ms.items():
                    stages.setdefault(k, []).append(v)
    return {
        "questions": len(total),
        "p50_ms": _pct(total, 50),
        "p95_ms": _pct(total, 95),
        "mean_ms": round(statistics.fmean(total), 2),
        "stages_p50_ms": {k: _pct(v, 50) for k, v in stages.items()},
        "stages_p95_ms": {k: _pct(v, 95) for k, v in stages.items()},
    }


_STAGES = r"""
import json, time, sys
t0 = time.perf_counter()
import rag.cli
t1 = time.perf_counter()
from rag.assistant import Assistant
a = Assistant()
t2 = time.perf_counter()
a.ask(sys.argv[1])
t3 = time.perf_counter()
print(json.dumps({"import_cli_s": t1 - t0, "build_assistant_s": t2 - t1, "first_ask_s": t3 - t2}))
"""


def bench_cold(runs: int = 5, data_dir: Path | None = None) -> dict[str, Any]:
    """Wall time of a new `rag ask` process, and where its seconds go."""
    question = "Who represented Trump in Paris?"
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "RAG_DATA_DIR": str(data_dir or Path(tmp) / "data")}
        if data_dir is None:
            subprocess.run([str(bin_dir / "rag"), "ingest", "-q", str(SEEDS)], env=env, check=True,
                           capture_output=True)  # fmt: skip
        walls = []
        for _ in range(runs):
            t = time.perf_counter()
            r = subprocess.run(
                [str(bin_dir / "rag"), "ask", question], env=env, capture_output=True, text=True
            )
            walls.append(time.perf_counter() - t)
            if r.returncode != 0:
                raise RuntimeError(r.stderr)
        stages = []
        for _ in range(max(1, runs // 2)):
            r = subprocess.run([sys.executable, "-c", _STAGES, question], env=env,
                               capture_output=True, text=True, check=True)  # fmt: skip
            stages.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return {
        "runs": runs,
        "wall_median_s": round(statistics.median(walls), 3),
        "wall_min_s": round(min(walls), 3),
        "stages_median_s": {
            k: round(statistics.median(s[k] for s in stages), 3) for k in stages[0]
        },
    }


if __name__ == "__main__":
    print(json.dumps({"ask": bench_ask(1), "cold": bench_cold(3)}, indent=2))

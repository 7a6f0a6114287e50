"""Warm latency and memory of `rag serve`, measured from outside as a client sees it.

Starts the real server in a subprocess on a free loopback port (over a fresh store holding
the seed articles, unless ``--data-dir`` names one), sends a few warm-up questions, then
``n`` sequential ``POST /api/ask`` requests cycling through the gold questions, and reports
p50/p95 latency and the server process's resident memory.

    .venv/bin/python -m evals.bench_server [--n 100] [--data-dir DIR] [--json out.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "evals" / "gold.jsonl"
WARMUP = 5
REQUEST_TIMEOUT_S = 60.0


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile: the smallest value with at least q% of values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def rss_mb(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of a process in MiB: psutil if installed, else /proc."""
    status = _proc_status(pid)
    peak = status.get("VmHWM", 0) / 1024
    try:
        import psutil
    except ImportError:
        return status.get("VmRSS", 0) / 1024, peak
    rss = psutil.Process(pid).memory_info().rss / 2**20
    return rss, max(peak, rss)


def _proc_status(pid: int) -> dict[str, int]:
    path = Path(f"/proc/{pid}/status")
    out: dict[str, int] = {}
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            out[key] = int(value.split()[0])
    return out


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in GOLD.read_text("utf-8").splitlines() if line]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rag(*args: str) -> list[str]:
    return [sys.executable, "-m", "rag.cli", *args]


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`rag serve` exited with {proc.returncode} before it was ready")
        try:
            r = httpx.get(f"{url}/healthz", timeout=2)
            # ready once the ingest worker has its models: measuring while it loads them
            # would time the start-up, not the asks
            if r.status_code == 200 and r.json().get("ingest_worker") in (None, "ready"):
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"`rag serve` not ready after {timeout}s")


@contextlib.contextmanager
def running_server(
    data_dir: Path | None = None, start_timeout: float = 180.0, **env_extra: str
) -> Iterator[tuple[str, int, float]]:
    """`rag serve` in a subprocess over ``data_dir`` (a fresh store of the seeds when None):
    yields its URL, its pid and the seconds it took to answer ``/healthz``."""
    with tempfile.TemporaryDirectory(prefix="rag-bench-server-") as tmp:
        env = {**os.environ, "RAG_DATA_DIR": str(data_dir or Path(tmp) / "data"), **env_extra}
        env.pop("RAG_API_KEY", None)
        if data_dir is None:
            subprocess.run(
                _rag("ingest", "--quiet", str(ROOT / "seeds")), env=env, cwd=ROOT, check=True
            )
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with open(Path(tmp) / "server.log", "wb") as server_log:
            proc = subprocess.Popen(
                _rag("serve", "--port", str(port)),
                env=env,
                cwd=ROOT,
                stdout=server_log,
                stderr=subprocess.STDOUT,
            )
            try:
                t0 = time.perf_counter()
                _wait_ready(url, proc, start_timeout)
                yield url, proc.pid, time.perf_counter() - t0
            finally:
                stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Ask a server process to stop; kill it if it has not after 15 s."""
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def run(n: int = 100, data_dir: Path | None = None, start_timeout: float = 180.0) -> dict[str, Any]:
    with running_server(data_dir, start_timeout) as (url, pid, ready_s):
        return _measure(url, pid, n, ready_s)


def _measure(url: str, pid: int, n: int, ready_s: float) -> dict[str, Any]:
    qs = questions()
    rss_idle, _ = rss_mb(pid)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    abstained = 0
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
        for q in qs[:WARMUP]:
            client.post(f"{url}/api/ask", json={"question": q})
        for i in range(n):
            t = time.perf_counter()
            r = client.post(f"{url}/api/ask", json={"question": qs[i % len(qs)]})
            latencies.append((time.perf_counter() - t) * 1000)
            statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            abstained += r.status_code == 200 and bool(r.json().get("abstained"))
    rss, peak = rss_mb(pid)
    return {
        "requests": n,
        "status_codes": statuses,
        "abstained": abstained,
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "mean_ms": round(sum(latencies) / len(latencies), 1),
        "max_ms": round(max(latencies), 1),
        "startup_s": round(ready_s, 1),
        "rss_idle_mb": round(rss_idle, 1),
        "rss_mb": round(rss, 1),
        "peak_rss_mb": round(peak, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="timed requests (default 100)")
    parser.add_argument("--data-dir", type=Path, default=None, help="an existing store to serve")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    figures = run(args.n, args.data_dir)
    text = json.dumps(figures, indent=2)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()

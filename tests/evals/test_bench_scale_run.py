"""`rag bench scale` runs end to end on a small simulated store, and measures a kept store
again without building it (RAG_BENCH_BUILD_ONLY, then RAG_BENCH_REUSE): the way the 100k
and 1M figures of the scaling issue are taken. Figures are not asserted (benchmarks, not
timed tests); that every figure is produced, and over the same store, is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evals import bench_scale

pytestmark = pytest.mark.slow


def test_a_built_store_is_measured_later_over_the_same_chunks(monkeypatch):
    monkeypatch.setenv("RAG_BENCH_BUILD_ONLY", "1")
    built = bench_scale.bench_scale(300, "simulated", "embedded", runs=1)
    work = Path(built["kept"])
    try:
        assert built["chunks"] >= 300 and "write_s" in built
        assert "warm_p95_ms" not in built  # built only: nothing measured yet
        monkeypatch.delenv("RAG_BENCH_BUILD_ONLY")
        monkeypatch.setenv("RAG_BENCH_REUSE", str(work))
        again = bench_scale.bench_scale(300, "simulated", "embedded", runs=1)
        assert again["chunks"] == built["chunks"]
        assert again["write_s"] == built["write_s"]  # recorded when built, not rebuilt
        for figure in ("cold_ask_s", "warm_p50_ms", "warm_p95_ms", "server_rss_mb", "disk_mb"):
            assert again[figure] > 0, figure
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_a_reuse_folder_without_a_store_is_one_clear_error(monkeypatch, tmp_path):
    from rag.errors import RagError

    monkeypatch.setenv("RAG_BENCH_REUSE", str(tmp_path / "nothing-here"))
    with pytest.raises(RagError, match="no kept store there"):
        bench_scale.bench_scale(300, "simulated", "embedded", runs=1)

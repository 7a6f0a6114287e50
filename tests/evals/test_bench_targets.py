"""`rag bench` fails (exit 1) when a measured figure misses its target."""

from __future__ import annotations

from evals.bench import missed_targets


def test_all_targets_met_is_empty():
    results = {
        "ingest": {"seeds": {"ratio": 0.94}, "synthetic": {"ratio": 1.01}},
        "ask": {"p50_ms": 18.0, "p95_ms": 35.0},
        "cold": {"wall_median_s": 2.4},
        "upload": {"median": {"max_ms": 240.0, "p95_ms": 120.0}},
        "verify": {"p50_ms": 10.0, "p95_ms": 15.0, "target_p95_ms": 30.0},
    }
    assert missed_targets(results) == []


def test_each_missed_target_is_named():
    results = {
        "ingest": {"seeds": {"ratio": 0.95}, "synthetic": {"ratio": 0.80}},
        "ask": {"p50_ms": 60.0, "p95_ms": 90.0},
        "cold": {"wall_median_s": 3.5},
        "upload": {"median": {"max_ms": 1400.0, "p95_ms": 900.0}},
    }
    missed = missed_targets(results)
    assert len(missed) == 4
    assert missed[3].startswith("asks during an upload: median max 1400.0 ms")
    assert "ingest synthetic: 80%" in missed[0]
    assert missed[1].startswith("ask:") and missed[2].startswith("cold rag ask")
    assert missed_targets({"ask": {"p50_ms": 10.0, "p95_ms": 151.0}}) != []
    (slow,) = missed_targets({"verify": {"p95_ms": 31.5, "target_p95_ms": 30.0}})
    assert slow == "claim verification: p95 31.5 ms > 30 ms"

"""The shared dev set, asked end to end and gated per half of its fixed split.

Its 20 articles are third-party texts: they are read from ``../shared/devset`` at run time
(ingested into a temporary store with the real embedder), never copied here. The gates in
``evals/thresholds.json`` ("devset") say how they were measured.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from evals.devset import SPLITS
from evals.gold import load_gold
from evals.runner import evaluate, split_summaries

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT.parent / "shared" / "devset"
GATES = json.loads((ROOT / "evals" / "thresholds.json").read_text())["devset"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (DEVSET / "gold.jsonl").is_file() or not (DEVSET / "articles").is_dir(),
        reason=f"no dev set at {DEVSET} (the shared folder beside this checkout)",
    ),
]


@pytest.fixture(scope="module")
def halves(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> dict[str, Any]:
    from rag.container import build_assistant
    from rag.settings import Settings

    t0 = time.perf_counter()
    settings = Settings(data_dir=tmp_path_factory.mktemp("devset"))
    assistant = build_assistant(settings, embedder)
    assistant.ingest([DEVSET / "articles"])
    known = {s.doc_id for s in assistant.sources()}
    gold = load_gold(DEVSET / "gold.jsonl", known, "the dev set")
    rows, _ = evaluate(assistant.ask, gold)
    out = split_summaries(rows, gold, SPLITS)
    out["seconds"] = time.perf_counter() - t0
    return out


def test_every_question_ran_on_the_20_articles(halves: dict[str, Any]) -> None:
    assert [halves[h]["all"]["n"] for h in SPLITS] == [50, 50]
    assert [halves[h]["all"]["n_unanswerable"] for h in SPLITS] == [10, 10]
    assert halves["seconds"] < 120, f"the dev-set eval took {halves['seconds']:.0f} s"


@pytest.mark.parametrize("half", SPLITS)
def test_half_meets_its_gate(halves: dict[str, Any], half: str) -> None:
    gate, s = GATES[half], halves[half]["all"]
    figures = {k: s[k] for k in ("answer_correct", "traps_abstained", "false_abstentions",
                                 "short_exact", "short_misses")}  # fmt: skip
    assert s["answer_correct"] >= gate["answer_accuracy"], figures
    assert s["traps_abstained"] >= gate["traps_abstained_min"], figures
    assert s["false_abstentions"] <= gate["false_abstentions_max"], figures
    assert s["short_exact"] >= gate["short_exact"], figures

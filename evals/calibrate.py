"""Calibrate the extractive answerer's abstention threshold on the gold set.

For each question the answerer runs with no coverage threshold; we record the
best sentence's coverage and whether the answer would be correct. A threshold
t then abstains on every question whose coverage is below t. Per language, we
pick the t that maximises correct outcomes (right answers + right abstentions),
placed midway between the observed coverages on either side of it (every t in
that gap gives the same outcomes; the middle leaves the widest margin), and
write it to ``rag/data/calibration.json``.

    python -m evals.calibrate [--gold evals/gold.jsonl] [--write]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from evals import metrics as m
from evals.gold import load_gold

OUT = Path(__file__).resolve().parent.parent / "rag" / "data" / "calibration.json"


def observations(assistant: Any, gold_path: Path) -> list[dict[str, Any]]:
    answerer = assistant.answerer
    saved = dict(answerer.thresholds.min_coverage)
    answerer.thresholds.min_coverage = {"en": 0.0, "fr": 0.0}
    try:
        obs = []
        for item in load_gold(gold_path):
            a = assistant.ask(item.question)
            correct = (
                not a.abstained
                and m.contains_answers(a.answer, item.answers)
                and any(c.doc_id in item.sources for c in a.citations)
            )
            obs.append(
                {
                    "id": item.id,
                    "lang": item.lang,
                    "unanswerable": item.unanswerable,
                    "coverage": a.support,
                    "correct": bool(correct and not item.unanswerable),
                }
            )
        return obs
    finally:
        answerer.thresholds.min_coverage = saved


def outcome(obs: list[dict[str, Any]], t: float) -> dict[str, float]:
    ans = [o for o in obs if not o["unanswerable"]]
    una = [o for o in obs if o["unanswerable"]]
    right = sum(o["correct"] and o["coverage"] >= t for o in ans)
    abstained = sum(o["coverage"] < t for o in una)
    false_abst = sum(o["coverage"] < t for o in ans)
    return {
        "threshold": t,
        "answer_accuracy": right / len(ans) if ans else 0.0,
        "abstention_accuracy": abstained / len(una) if una else 1.0,
        "false_abstention_rate": false_abst / len(ans) if ans else 0.0,
        "correct_outcomes": right + abstained,
    }


def calibrate(obs: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {"min_coverage": {}, "outcomes": {}}
    for lang in ("en", "fr"):
        sub = [o for o in obs if o["lang"] == lang]
        covs = sorted({round(o["coverage"], 4) for o in sub})
        candidates = sorted({0.0} | {round(c + 1e-4, 4) for c in covs})
        best = max(candidates, key=lambda t: (outcome(sub, t)["correct_outcomes"], -t))
        # every threshold up to the next observed coverage gives the same outcomes: take the
        # middle of that gap, the widest margin on both sides
        above = [c for c in covs if c >= best]
        if best > 0.0 and above:
            best = round((best - 1e-4 + above[0]) / 2, 4)
        result["min_coverage"][lang] = best
        result["outcomes"][lang] = outcome(sub, best)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=Path("evals/gold.jsonl"))
    ap.add_argument("--write", action="store_true", help=f"write {OUT}")
    args = ap.parse_args()
    from rag.assistant import Assistant

    obs = observations(Assistant(), args.gold)
    result = calibrate(obs)
    result["gold"] = str(args.gold)
    result["observations"] = obs
    print(json.dumps({k: v for k, v in result.items() if k != "observations"}, indent=2))
    if args.write:
        OUT.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

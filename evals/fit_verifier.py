"""Fit the claim model that decides whether a generated claim is supported; report the rest.

Data: the three development reply sets over the seed articles (``FIT_SETS``: the first set,
the blind set and set3, whose failures earlier sessions read to find generic faults). Every
faithful claim is a positive, cited to the passage holding its anchor; every invented claim a
negative, cited the same way; and each item's first faithful claim cited to a passage of
another article is a negative too (true, but not what that passage says). The fourth set
(``HELD_OUT``) is never fitted: its figures are reported beside the out-of-fold ones.

For each claim the real retrieval runs for its question, and ``Check.read`` computes the
features of ``rag.answering.claims`` against the cited passage (appended to the context when
retrieval missed it: the features are what is fitted, not retrieval). A logistic regression
(scikit-learn) is fitted, its regularisation chosen by cross-validation grouped by item; the
threshold is chosen on out-of-fold probabilities to keep faithful claims and remove invented
ones (a shown invention costing ``SHOWN_COST`` kept faithful claims). Written to
``rag/data/claim_model.json`` with the data and the figures.

    python -m evals.fit_verifier [--write] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import logging
import pickle
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from evals.replies import ROOT, Claim, ReplyItem, context_with, read_replies
from rag.answering.claims import CLAIM_FEATURES
from rag.answering.scoring import CLAIM_MODEL_FILE

log = logging.getLogger(__name__)
OUT = ROOT / "rag" / "data" / CLAIM_MODEL_FILE
C_GRID = (0.1, 1.0, 10.0, 100.0)
FOLDS = 5
SHOWN_COST = 2.0  # one invented claim shown is as bad as this many faithful ones removed
SMOOTH = 0.05  # the threshold's value is averaged over the thresholds this close to it
FIT_SETS = ("llm_replies.jsonl", "llm_replies_blind.jsonl", "llm_replies_set3.jsonl")
HELD_OUT = "llm_replies_set4.jsonl"


@dataclass
class Row:
    item: str
    part: str  # the reply set's file name
    lang: str
    kind: str  # faithful | an invention kind | wrong_passage
    label: int
    features: dict[str, float]
    retrieved: bool  # the anchor's passage was in the retrieved context


def observe(assistant: Any, items: Sequence[ReplyItem], part: str) -> list[Row]:
    from rag.answering.claims import answer_body
    from rag.answering.verify import Verifier, claim_words
    from rag.container import build_annotator
    from rag.retrieval import _passage
    from rag.settings import Settings

    verifier = Verifier(build_annotator(Settings()))
    chunks = list(assistant.lexical_index().all_chunks())
    rows = []

    def cite(req: Any, claim: Claim, other_than: str | None = None) -> tuple[Any, int, bool]:
        """The request with the claim's passage in its context, that passage's number, and
        whether retrieval had found it (a passage of another article for ``other_than``)."""
        if other_than is None:
            return context_with(req, claim.anchor, chunks)
        context = list(req.context)
        for n, c in enumerate(context, 1):
            if c.doc_id != other_than:
                return req, n, True
        c = next(c for c in chunks if c.doc_id != other_than)
        return replace(req, context=[*context, _passage(c)]), len(context) + 1, False

    def read(req: Any, n: int, claim: Claim) -> dict[str, float]:
        check = verifier.session(req)
        text = answer_body(claim.text)  # as Check.add reads it
        qwords = claim_words(text, req.language, req.corpus)
        return check.read(text, qwords, [n]).reading.features

    for item in items:
        req = assistant.prepare(item.question).request
        for claim in (*item.faithful, item.invented):
            r, n, retrieved = cite(req, claim)
            if not n:
                log.warning("%s: anchor %r is in no passage of the seeds", item.id, claim.anchor)
                continue
            rows.append(
                Row(item.id, part, item.lang, claim.kind, int(claim.faithful),
                    read(r, n, claim), retrieved)
            )  # fmt: skip
        first = item.faithful[0]
        r, n, _ = cite(req, first)
        if not n:
            continue
        r2, n2, retrieved = cite(r, first, other_than=r.context[n - 1].doc_id)
        rows.append(
            Row(item.id, part, item.lang, "wrong_passage", 0, read(r2, n2, first), retrieved)
        )
    return rows


def matrix(rows: Sequence[Row]) -> np.ndarray:
    return np.array([[r.features.get(n, 0.0) for n in CLAIM_FEATURES] for r in rows])


def fit(rows: Sequence[Row]) -> tuple[Any, float, np.ndarray]:
    """The model (C by grouped cross-validation on log-loss) and out-of-fold probabilities."""
    from sklearn.linear_model import LogisticRegression

    x, y = matrix(rows), np.array([r.label for r in rows])
    groups = np.array([r.item for r in rows])
    keys = sorted(set(groups.tolist()))
    folds = [keys[i::FOLDS] for i in range(FOLDS)]
    best = (-np.inf, C_GRID[0], np.zeros(len(rows)))
    for c in C_GRID:
        oof = np.zeros(len(rows))
        for held in folds:
            test = np.isin(groups, held)
            m = LogisticRegression(C=c, max_iter=5000).fit(x[~test], y[~test])
            oof[test] = m.predict_proba(x[test])[:, 1]
        p = np.clip(oof, 1e-6, 1 - 1e-6)
        ll = float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
        if ll > best[0]:
            best = (ll, c, oof)
    model = LogisticRegression(C=best[1], max_iter=5000).fit(x, y)
    return model, best[1], best[2]


def choose_threshold(rows: Sequence[Row], prob: np.ndarray) -> float:
    """The cut (mid-gap between observed probabilities) with the most faithful claims kept
    less ``SHOWN_COST`` per invented or misplaced claim shown, that value averaged over the
    thresholds up to ``SMOOTH`` either side of it: the value is flat over a wide range, and
    its single best point, which a slightly other model would miss, jumped from one end of it
    to the other when a claim changed. Ties: the lower cut."""
    y = np.array([r.label for r in rows])

    def value(t: float) -> float:
        kept = prob >= t
        return float(np.sum(kept & (y == 1)) - SHOWN_COST * np.sum(kept & (y == 0)))

    values = sorted(set(prob.tolist()))
    cuts = [0.0] + [(a + b) / 2 for a, b in zip(values, values[1:], strict=False)]
    offsets = np.linspace(-SMOOTH, SMOOTH, 5)
    smoothed = [float(np.mean([value(t + d) for d in offsets])) for t in cuts]
    return cuts[int(np.argmax(smoothed))]


def figures(rows: Sequence[Row], prob: np.ndarray, threshold: float) -> dict[str, Any]:
    """Faithful claims kept and invented ones shown, overall, by kind and by language."""
    out: dict[str, Any] = {}
    by: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for r, p in zip(rows, prob, strict=True):
        shown = bool(p >= threshold)
        by[r.kind].append((r.label, shown))
        by[f"lang:{r.lang}:{'faithful' if r.label else 'invented'}"].append((r.label, shown))
    faithful = by.get("faithful", [])
    invented = [x for k, v in by.items() if k not in ("faithful", "wrong_passage") and
                not k.startswith("lang:") for x in v]  # fmt: skip
    out["faithful_kept"] = _share(faithful)
    out["invented_shown"] = _share(invented)
    out["wrong_passage_shown"] = _share(by.get("wrong_passage", []))
    out["by_kind_caught"] = {
        k: round(1 - _share(v)["share"], 3) if v else None
        for k, v in sorted(by.items())
        if k not in ("faithful", "wrong_passage") and not k.startswith("lang:")
    }
    out["by_language"] = {k[5:]: _share(v) for k, v in sorted(by.items()) if k.startswith("lang:")}
    return out


def _share(pairs: Sequence[tuple[int, bool]]) -> dict[str, Any]:
    n = len(pairs)
    shown = sum(s for _, s in pairs)
    return {"share": round(shown / n, 3) if n else 0.0, "shown": shown, "n": n}


def run(workdir: Path, write: bool, reuse: bool = False) -> dict[str, Any]:
    cache = workdir / "claims.pickle"
    if reuse and cache.exists():
        with cache.open("rb") as f:
            rows: list[Row] = pickle.load(f)  # noqa: S301 - our own file, written below
    else:
        from rag.container import build_assistant, build_embedder
        from rag.settings import Settings

        workdir.mkdir(parents=True, exist_ok=True)
        embedder = build_embedder(Settings())
        assistant = build_assistant(Settings(data_dir=workdir / "seeds"), embedder)
        assistant.ingest([ROOT / "seeds"])
        rows = []
        for name in (*FIT_SETS, HELD_OUT):
            rows += observe(assistant, read_replies(ROOT / "evals" / name), name)
        with cache.open("wb") as f:
            pickle.dump(rows, f)
    train = [r for r in rows if r.part in FIT_SETS]
    held = [r for r in rows if r.part == HELD_OUT]
    model, c, oof = fit(train)
    threshold = choose_threshold(train, oof)
    held_prob = model.predict_proba(matrix(held))[:, 1] if held else np.zeros(0)
    by_set = {
        name: figures([r for r in train if r.part == name], oof[[r.part == name for r in train]],
                      threshold)
        for name in FIT_SETS
    }  # fmt: skip
    result = {
        "_comment": (
            "Fitted by python -m evals.fit_verifier on the three development reply sets "
            f"({', '.join(FIT_SETS)}): faithful claims positive; invented claims and true "
            "claims cited to another article negative. 'fit (out-of-fold)' scores each claim "
            "with a model that did not see its item (also per set); 'held-out' is "
            f"{HELD_OUT}, never fitted. rag eval --replies gives the end-to-end figures "
            "through the LLM backends."
        ),
        "model": {
            "features": list(CLAIM_FEATURES),
            "weights": [round(float(w), 5) for w in model.coef_[0]],
            "bias": round(float(model.intercept_[0]), 5),
            "C": c,
        },
        "threshold": round(threshold, 4),
        "data": {
            "fit_claims": len(train),
            "held_out_claims": len(held),
            "fit_items": len({r.item for r in train}),
        },
        "figures": {
            "fit (out-of-fold)": figures(train, oof, threshold),
            "fit (out-of-fold), per set": by_set,
            "held-out": figures(held, held_prob, threshold),
        },
    }
    if write:
        OUT.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {OUT.name}")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".rag" / "fit-verifier")
    parser.add_argument("--reuse", action="store_true", help="reuse the last run's features")
    args = parser.parse_args()
    from evals import fit_verifier  # by its module name, so the cached rows unpickle

    result = fit_verifier.run(args.workdir, args.write, args.reuse)
    print(json.dumps({k: result[k] for k in ("threshold", "data", "figures")}, indent=1))
    ranked = sorted(zip(result["model"]["features"], result["model"]["weights"], strict=True),
                    key=lambda fw: -abs(fw[1]))  # fmt: skip
    print("weights", ranked)


if __name__ == "__main__":
    main()

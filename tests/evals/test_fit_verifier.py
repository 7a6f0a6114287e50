"""The fitting of the claim model: the threshold and the figures it reports (pure functions,
small made-up rows), and the committed model against the features the verifier computes."""

from __future__ import annotations

import json

import numpy as np

from evals.fit_verifier import Row, choose_threshold, figures
from rag.answering.claims import CLAIM_FEATURES
from rag.answering.scoring import load_claim_model
from tests.conftest import ROOT


def _row(kind: str, label: int, lang: str = "en") -> Row:
    return Row("r1", "fit", lang, kind, label, {}, True)


def test_the_threshold_keeps_faithful_claims_and_drops_invented_ones():
    rows = [_row("faithful", 1)] * 4 + [_row("number", 0), _row("wrong_passage", 0)]
    prob = np.array([0.9, 0.8, 0.7, 0.6, 0.3, 0.2])
    t = choose_threshold(rows, prob)
    assert 0.3 < t < 0.6
    f = figures(rows, prob, t)
    assert f["faithful_kept"]["share"] == 1.0 and f["invented_shown"]["share"] == 0.0
    assert f["by_kind_caught"] == {"number": 1.0}


def test_a_shown_invention_costs_more_than_a_removed_faithful_claim():
    # one invented claim scores above one faithful claim: cutting between them keeps 3 of 4
    rows = [_row("faithful", 1)] * 4 + [_row("role", 0)]
    prob = np.array([0.9, 0.8, 0.7, 0.4, 0.5])
    t = choose_threshold(rows, prob)
    assert 0.5 < t <= 0.7
    assert figures(rows, prob, t)["invented_shown"]["shown"] == 0


def test_the_committed_model_reads_the_features_the_verifier_computes():
    data = json.loads((ROOT / "rag" / "data" / "claim_model.json").read_text())
    assert data["model"]["features"] == list(CLAIM_FEATURES)
    model = load_claim_model()
    assert 0.0 < model.threshold < 1.0
    # a claim its passage states word for word, with no contradiction, is kept; the same
    # words with one contradiction found (their coverage then "contradicted") are not
    plain = {"lexical": 1.0, "sentence": 1.0, "same_language": 1.0}
    assert model.probability(plain) >= model.threshold
    assert (
        model.probability({**plain, "contradictions": 1.0, "contradicted": 1.0}) < model.threshold
    )
    assert data["figures"]["held-out"]["faithful_kept"]["n"] > 40


def test_a_lone_best_threshold_loses_to_a_steadier_one():
    """Cutting at 0.87 and at 0.385 score the same, but 0.87 stands alone: a threshold a
    little lower shows two inventions. The value averaged around each cut prefers the other."""
    prob = np.array([0.89, 0.85, 0.70, 0.67, 0.52, 0.49, 0.40, 0.37, 0.33, 0.17])
    labels = [1, 0, 0, 1, 1, 1, 1, 0, 1, 0]
    rows = [_row("faithful" if y else "role", y) for y in labels]
    assert choose_threshold(rows, prob) < 0.6

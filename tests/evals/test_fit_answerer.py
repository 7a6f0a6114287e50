"""The fitting of the answerer: the ranker learns which candidates hold answers, the decision
replay counts what a threshold and a ratio would give (pure functions, small made-up data)."""

from __future__ import annotations

import numpy as np

from evals.fit_answerer import Item, Observed, choose, fit_ranker, outcomes, top_k


def _item(i: int, unanswerable: bool = False) -> Item:
    answers = [] if unanswerable else [["Ilona Varga"]]
    return Item(f"t{i}", "Who chairs it?", "en", answers, None, ["doc"], unanswerable, "who",
                "fit", f"g{i % 3}")  # fmt: skip


def _obs(i: int, good: int, unanswerable: bool = False) -> Observed:
    texts = ["Le port a rouvert.", "Ilona Varga préside l'office.", "La pluie est tombée."]
    labels = [int(k == good and not unanswerable) for k in range(3)]
    rows = [{"cov": 0.9 if k == good else 0.2} for k in range(3)]
    return Observed(_item(i, unanswerable), rows, labels, texts, ["doc"] * 3)


def test_the_ranker_learns_the_feature_that_marks_answers():
    xs = [np.array([[0.9, 0.1], [0.2, 0.8], [0.1, 0.1]]) for _ in range(12)]
    ys = [np.array([1.0, 0.0, 0.0]) for _ in range(12)]
    ranker = fit_ranker(xs, ys, lam=0.1)
    assert ranker.weights[0] > 0 > ranker.weights[1]
    assert int(np.argmax(ranker.scores(xs[0]))) == 0


def test_outcomes_count_answers_traps_and_refusals():
    obs = [_obs(1, 1), _obs(2, 1), _obs(3, 1, unanswerable=True)]
    scores = [np.array([0.1, 2.0, 0.0])] * 3
    never = outcomes(obs, scores, [0.9, 0.9, 0.2], threshold=0.0, ratio=1.01)
    assert (never["correct"], never["traps_abstained"], never["false_abstentions"]) == (2, 0, 0)
    gated = outcomes(obs, scores, [0.9, 0.3, 0.2], threshold=0.5, ratio=1.01)
    assert (gated["correct"], gated["traps_abstained"], gated["false_abstentions"]) == (1, 1, 1)
    assert top_k(obs, scores)["top1"] == 1.0


def test_the_threshold_falls_between_answers_and_traps():
    obs = [_obs(1, 1), _obs(2, 1), _obs(3, 1, unanswerable=True), _obs(4, 1, unanswerable=True)]
    scores = [np.array([0.1, 2.0, 0.0])] * 4
    threshold, ratio = choose(obs, scores, [0.9, 0.8, 0.2, 0.1])
    assert 0.2 < threshold < 0.8
    assert outcomes(obs, scores, [0.9, 0.8, 0.2, 0.1], threshold, ratio)["traps_abstained"] == 2


def test_the_threshold_refuses_no_more_answerable_questions_than_the_bound():
    """Four traps, and one answerable question less confident than all of them: refusing the
    traps would refuse it too, one of ten answerable questions (10 %), over the product's
    bound (5 %), though the value alone would take the four traps for the one refusal."""
    obs = [_obs(i, 1) for i in range(10)] + [_obs(10 + i, 1, True) for i in range(4)]
    scores = [np.array([0.1, 2.0, 0.0])] * 14
    conf = [0.9] * 9 + [0.1] + [0.2] * 4
    threshold, ratio = choose(obs, scores, conf)
    o = outcomes(obs, scores, conf, threshold, ratio)
    assert o["false_abstentions"] == 0 and o["traps_abstained"] == 0
    conf = [0.9] * 10 + [0.2] * 4  # without the lookalike the traps are refused
    threshold, ratio = choose(obs, scores, conf)
    assert outcomes(obs, scores, conf, threshold, ratio)["traps_abstained"] == 4


def test_the_penalty_is_chosen_by_likelihood_not_by_tied_top1():
    """Every penalty ranks these answers first (top-1 ties at 1.0); the weakest penalty
    gives them the most probability, and is chosen. Choosing by top-1 with ties to the
    strongest penalty picked the other end of the grid."""
    from evals.fit_answerer import LAMBDAS, cv_ranker

    rng = np.random.default_rng(0)
    xs = [np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]) + rng.normal(0, 0.05, (3, 2))
          for _ in range(12)]  # fmt: skip
    ys = [np.array([1.0, 0.0, 0.0]) for _ in range(12)]
    lam, oof = cv_ranker(xs, ys, [f"g{i}" for i in range(12)])
    assert lam == min(LAMBDAS)
    assert all(int(np.argmax(s)) == 0 for s in oof)

"""Abstention threshold calibration: best outcomes, placed mid-gap."""

from __future__ import annotations

from evals.calibrate import calibrate


def _obs(lang, coverage, unanswerable, correct=True):
    return {"id": "x", "lang": lang, "coverage": coverage, "unanswerable": unanswerable,
            "correct": correct and not unanswerable}  # fmt: skip


def test_threshold_separates_and_sits_mid_gap():
    obs = [
        _obs("en", 0.15, True),
        _obs("en", 0.05, True),
        _obs("en", 0.35, False),
        _obs("en", 0.80, False),
        _obs("fr", 0.40, True),
        _obs("fr", 0.60, False),
    ]
    result = calibrate(obs)
    assert result["min_coverage"]["en"] == 0.25  # between 0.15 (trap) and 0.35 (answer)
    assert result["min_coverage"]["fr"] == 0.5
    assert result["outcomes"]["en"]["abstention_accuracy"] == 1.0
    assert result["outcomes"]["en"]["false_abstention_rate"] == 0.0


def test_no_trap_needs_no_threshold():
    result = calibrate([_obs("en", 0.3, False), _obs("fr", 0.2, False)])
    assert result["min_coverage"] == {"en": 0.0, "fr": 0.0}

"""Abstention thresholds, calibrated on the gold set and kept in the repo as data."""

from __future__ import annotations

import json
from importlib import resources

from rag.answering.extractive import Thresholds

CALIBRATION_FILE = "calibration.json"


def load_thresholds(default: Thresholds) -> Thresholds:
    try:
        data = json.loads(resources.files("rag.data").joinpath(CALIBRATION_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return default
    default.min_coverage = {k: float(v) for k, v in data.get("min_coverage", {}).items()} or (
        default.min_coverage
    )
    return default

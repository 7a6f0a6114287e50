"""Selection and abstention as one scored decision, with weights fitted on data.

Three models read the generic features of ``rag.answering.features``:
- a ranker (a conditional logit: softmax over one question's candidates) that scores each
  candidate sentence; the answerer quotes the best one, and the second when its share of the
  softmax is at least ``second_ratio`` of the first's;
- a confidence model (logistic) that reads the best candidate's features, the best
  coverage among all candidates and the ranker's margin, and says how likely the articles
  answer the question at all; below ``threshold`` the answerer abstains;
- a mention model (logistic) that picks the short answer among the quoted sentence's
  mentions of the asked kind.

Every number here is fitted, none is hand-placed: ``python -m evals.fit_answerer`` fits
them on the dev set's fit half plus the seed gold set and writes ``rag/data/answer_model.json``
with the data they came from and the figures on the parts not used for fitting.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

MODEL_FILE = "answer_model.json"


@dataclass(frozen=True)
class Logistic:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float

    def __call__(self, f: Mapping[str, float]) -> float:
        z = self.bias + sum(
            w * f.get(name, 0.0) for name, w in zip(self.features, self.weights, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Logistic:
        feats = tuple(str(x) for x in data["features"])
        return cls(feats, tuple(float(x) for x in data["weights"]), float(data["bias"]))

    def linear(self, f: Mapping[str, float]) -> float:
        return self.bias + sum(
            w * f.get(name, 0.0) for name, w in zip(self.features, self.weights, strict=True)
        )


@dataclass(frozen=True)
class AnswerModel:
    sentence: Logistic  # used through ``linear``: a ranking score
    confidence: Logistic
    mention: Logistic
    threshold: float  # abstain when the confidence is below it
    second_ratio: float  # a second sentence is quoted when its softmax share is this of the first

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AnswerModel:
        return cls(
            Logistic.from_json(data["sentence"]),
            Logistic.from_json(data["confidence"]),
            Logistic.from_json(data["mention"]),
            float(data["threshold"]),
            float(data["second_ratio"]),
        )


def neutral_model() -> AnswerModel:
    """All weights zero: what the fitting script scores with (features do not depend on it)."""
    from rag.answering.features import CONFIDENCE_FEATURES, MENTION_FEATURES, SENTENCE_FEATURES

    def zero(names: tuple[str, ...]) -> Logistic:
        return Logistic(names, (0.0,) * len(names), 0.0)

    return AnswerModel(
        zero(SENTENCE_FEATURES), zero(CONFIDENCE_FEATURES), zero(MENTION_FEATURES), 0.0, 1.01
    )


def softmax(scores: Sequence[float]) -> list[float]:
    if not scores:
        return []
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


@functools.cache
def load_model() -> AnswerModel:
    text = resources.files("rag.data").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return AnswerModel.from_json(json.loads(text))


def ranked(scores: Sequence[float]) -> list[int]:
    """Indices by decreasing score (ties keep their order)."""
    return sorted(range(len(scores)), key=lambda i: -scores[i])


CLAIM_MODEL_FILE = "claim_model.json"


@dataclass(frozen=True)
class ClaimModel:
    """Whether a generated claim is supported by the passages it cites: a logistic model of
    the features of ``rag.answering.claims`` and the threshold below which the claim is
    removed, both fitted by ``python -m evals.fit_verifier`` on the development reply sets."""

    model: Logistic
    threshold: float

    def probability(self, features: Mapping[str, float]) -> float:
        return self.model(features)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ClaimModel:
        return cls(Logistic.from_json(data["model"]), float(data["threshold"]))


@functools.cache
def load_claim_model() -> ClaimModel:
    text = resources.files("rag.data").joinpath(CLAIM_MODEL_FILE).read_text(encoding="utf-8")
    return ClaimModel.from_json(json.loads(text))

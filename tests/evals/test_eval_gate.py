"""Quality gate: the eval on the gold set must not drop below the figures kept in the repo."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.gold import load_gold
from evals.runner import evaluate

ROOT = Path(__file__).resolve().parents[2]
THRESHOLDS = json.loads((ROOT / "evals" / "thresholds.json").read_text())


@pytest.fixture(scope="module")
def gold_summary(assistant):
    known = {s.doc_id for s in assistant.sources()}
    gold = load_gold(ROOT / "evals" / "gold.jsonl", known)
    rows, summary = evaluate(assistant.ask, gold)
    return rows, summary


def test_answer_accuracy_gate(gold_summary):
    _, s = gold_summary
    assert s["all"]["answer_correct"] >= THRESHOLDS["answer_accuracy"], s["all"]


def test_citation_accuracy_gate(gold_summary):
    _, s = gold_summary
    assert s["all"]["citation_correct"] >= THRESHOLDS["citation_accuracy"], s["all"]


def test_short_answer_gate(gold_summary):
    _, s = gold_summary
    assert s["all"]["short_answer_accuracy"] >= THRESHOLDS["short_answer_accuracy"], s["all"]
    assert s["all"]["short_exact"] >= THRESHOLDS["short_exact"], s["all"]


def test_abstention_gate(gold_summary):
    _, s = gold_summary
    assert s["all"]["abstention_accuracy"] >= THRESHOLDS["abstention_accuracy"], s["all"]
    assert s["all"]["false_abstention_rate"] <= THRESHOLDS["false_abstention_rate_max"], s["all"]


def test_context_and_groundedness_gate(gold_summary):
    _, s = gold_summary
    assert s["all"]["context_has_answer"] >= THRESHOLDS["context_has_answer"], s["all"]
    assert s["all"]["grounded"] >= THRESHOLDS["groundedness"], s["all"]


def test_every_citation_quotes_its_document_exactly(gold_summary, assistant):
    rows, _ = gold_summary
    texts = {s.doc_id: assistant.document(s.doc_id).text for s in assistant.sources()}
    n = 0
    for row in rows:
        for c in row["citations"]:
            assert c["quote"] == texts[c["doc_id"]][c["start"] : c["end"]]
            n += 1
    assert n > 50


@pytest.mark.parametrize("name", sorted(THRESHOLDS["held_out"].keys() - {"_comment"}))
def test_held_out_sets_do_not_regress(assistant, name):
    gate = THRESHOLDS["held_out"][name]
    known = {s.doc_id for s in assistant.sources()}
    _, summary = evaluate(assistant.ask, load_gold(ROOT / "evals" / name, known))
    s = summary["all"]
    assert (s["abstention_accuracy"] or 0.0) >= gate["abstention_accuracy"], s
    if "answer_accuracy" in gate:  # offtopic.jsonl has only questions to refuse
        assert s["answer_correct"] >= gate["answer_accuracy"], s
        assert s["false_abstention_rate"] <= gate["false_abstention_rate_max"], s

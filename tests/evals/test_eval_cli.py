"""`rag eval` end to end, its bad input, and agreement with LlamaIndex's own evaluator."""

from __future__ import annotations

import json

import pytest

from evals import metrics as m
from evals.gold import load_gold
from tests.conftest import ROOT, run_cli

GOLD = ROOT / "evals" / "gold.jsonl"


@pytest.mark.slow
def test_eval_writes_json_markdown_and_plots(seeded_settings, tmp_path):
    out = tmp_path / "out.json"
    report = tmp_path / "report"
    r = run_cli(
        "eval",
        "--json",
        str(out),
        "--report",
        str(report),
        env={"RAG_DATA_DIR": str(seeded_settings.data_dir)},
    )
    assert r.returncode == 0, r.stderr[-2000:]
    data = json.loads(out.read_text())
    summary = data["summary"]
    for lang in ("all", "en", "fr"):
        for key in (
            "hit@1", "hit@5", "mrr", "context_has_answer", "answer_correct",
            "short_answer_accuracy", "citation_correct", "grounded", "abstention_accuracy",
            "false_abstention_rate", "latency_p50_ms", "latency_p95_ms",
        ):  # fmt: skip
            assert key in summary[lang], (lang, key)
    assert len(data["rows"]) == summary["all"]["n"] == len(load_gold(GOLD))
    assert {"answer", "citations", "answer_correct", "latency_ms"} <= set(data["rows"][0])
    md = (report / "report.md").read_text()
    assert "| config | lang |" in md and "metrics_by_language.png" in md
    for png in ("metrics_by_language.png", "latency.png"):
        assert (report / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "JSON"),
        (
            '{"id": "x1", "lang": "en", "answers": [["a"]], "sources": ["001_884c08b7d909dfb3"], '
            '"unanswerable": false}',
            "question",
        ),
        (
            '{"id": "x1", "question": "q?", "lang": "en", "answers": [["a"]], "sources": ["nope"], '
            '"unanswerable": false}',
            "nope",
        ),
    ],
)
def test_malformed_gold_line_exit_2_and_no_report(seeded_settings, tmp_path, line, problem):
    gold = tmp_path / "gold.jsonl"
    good = GOLD.read_text(encoding="utf-8").splitlines()[0]
    gold.write_text(good + "\n" + line + "\n", encoding="utf-8")
    out, report = tmp_path / "out.json", tmp_path / "report"
    r = run_cli("eval", "--gold", str(gold), "--json", str(out), "--report", str(report),
                env={"RAG_DATA_DIR": str(seeded_settings.data_dir)})  # fmt: skip
    assert r.returncode == 2
    assert "line 2" in r.stderr and problem in r.stderr and "Traceback" not in r.stderr
    assert not out.exists() and not report.exists()


def test_retrieval_metrics_agree_with_llamaindex_evaluator(assistant):
    """Our hit@k and MRR equal LlamaIndex's RetrieverEvaluator hit_rate and mrr on our retriever."""
    import asyncio

    from llama_index.core.evaluation import RetrieverEvaluator
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

    class Wrapped(BaseRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            r = assistant.retriever.retrieve(query_bundle.query_str)
            return [
                NodeWithScore(node=TextNode(id_=p.doc_id, text=p.text), score=p.fused_score)
                for p in r.passages
            ]

    evaluator = RetrieverEvaluator.from_metric_names(["hit_rate", "mrr"], retriever=Wrapped())
    gold = [g for g in load_gold(GOLD) if not g.unanswerable][:30]
    for g in gold:
        res = asyncio.run(evaluator.aevaluate(g.question, expected_ids=g.sources))
        ids = [p.doc_id for p in assistant.retriever.retrieve(g.question).passages]
        assert res.metric_vals_dict["hit_rate"] == pytest.approx(
            m.hit_at_k(ids, g.sources, len(ids))
        )
        assert res.metric_vals_dict["mrr"] == pytest.approx(m.reciprocal_rank(ids, g.sources))


@pytest.mark.slow
def test_ours_clearly_ahead_of_llamaindex_starter(assistant, seeded_settings):
    """Answer-bearing context at the same budget: ours vs the starter-docs pipeline."""
    from evals.baseline import llamaindex_rows
    from evals.runner import evaluate

    gold = load_gold(GOLD)
    _, ours = evaluate(assistant.ask, gold)
    _, theirs = llamaindex_rows(seeded_settings, assistant, gold)
    assert ours["all"]["context_has_answer"] >= theirs["all"]["context_has_answer"] + 0.3, (
        ours["all"],
        theirs["all"],
    )

"""`rag eval` end to end, its bad input, and agreement with LlamaIndex's own evaluator."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evals import metrics as m
from evals.gold import load_gold
from rag.errors import RagError
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


# --- eval on any corpus ---------------------------------------------------------

DEVSET = ROOT.parent / "shared" / "devset"


def _corpus(tmp_path: Path, stems: list[str]) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for stem in stems:
        shutil.copy(ROOT / "seeds" / f"{stem}.txt", corpus / f"{stem}.txt")
    return corpus


def test_corpus_store_is_private_and_keyed_on_content_and_settings(make_settings, tmp_path):
    from evals.runner import corpus_settings

    corpus = _corpus(tmp_path, ["000_c55c5c1d2af116cc"])
    base = make_settings()
    first = corpus_settings(base, corpus)
    assert first.data_dir.parent == base.data_dir / "eval-corpora"
    assert first.collection != base.collection and first.collection.startswith("eval-")
    assert corpus_settings(base, corpus) == first  # unchanged: the same store, reused
    assert corpus_settings(make_settings(chunk_tokens=64), corpus).data_dir != first.data_dir
    (corpus / "000_c55c5c1d2af116cc.txt").write_text("Autre texte.", encoding="utf-8")
    assert corpus_settings(base, corpus).data_dir != first.data_dir
    with pytest.raises(RagError, match="no such corpus folder"):
        corpus_settings(base, tmp_path / "nope")


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--corpus", "no/such/dir"], "no such corpus folder: no/such/dir"),
        (["--corpus", "README.md"], "--corpus needs a folder of articles, not a file: README.md"),
        (["--split", "half"], "unknown split 'half'"),
        (["--gold", "no/such.jsonl"], "no such gold file"),
    ],
)
def test_eval_bad_arguments_exit_2(tmp_path, args, problem):
    r = run_cli("eval", *args, env={"RAG_DATA_DIR": str(tmp_path / "data")})
    assert r.returncode == 2, r.stderr[-2000:]
    assert r.stderr.strip() == f"error: {problem}" or problem in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_eval_on_a_corpus_folder(tmp_path):
    """Its own store, reused while the folder is unchanged; gold sources must be in it."""
    stems = ["000_c55c5c1d2af116cc", "004_58088c177c67d21c"]
    corpus = _corpus(tmp_path, stems)
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    mine = [line for line in lines if all(s in stems for s in json.loads(line)["sources"])]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(mine[:12]) + "\n", encoding="utf-8")
    data = tmp_path / "data"
    env = {"RAG_DATA_DIR": str(data)}
    out = tmp_path / "out.json"
    for _ in range(2):
        r = run_cli("eval", "--corpus", str(corpus), "--gold", str(gold), "--json", str(out),
                    env=env)  # fmt: skip
        assert r.returncode == 0, r.stderr[-2000:]
    assert len(list((data / "eval-corpora").iterdir())) == 1  # the second run reused it
    result = json.loads(out.read_text())
    assert result["corpus"] == str(corpus) and "splits" not in result
    assert result["summary"]["all"]["n"] == 12
    assert {"short_exact", "short_misses", "traps_abstained", "false_abstentions"} <= set(
        result["summary"]["all"]
    )
    assert not (data / "chroma").exists()  # the configured store was never touched

    other = [line for line in lines if "003_ad8ab783e7e40a0e" in line][:1]
    gold.write_text("\n".join(mine[:2] + other) + "\n", encoding="utf-8")
    r = run_cli("eval", "--corpus", str(corpus), "--gold", str(gold), env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "line 3: unknown source id '0" in r.stderr
    assert f"(not a document of the corpus {corpus})" in r.stderr
    r = run_cli("eval", "--corpus", str(corpus), "--gold", str(gold), "--split", "fit", env=env)
    assert r.returncode == 2 and "Traceback" not in r.stderr


@pytest.mark.slow
@pytest.mark.skipif(not (DEVSET / "gold.jsonl").is_file(), reason=f"no dev set at {DEVSET}")
def test_eval_on_the_dev_set_reports_its_halves(tmp_path):
    out = tmp_path / "out.json"
    report = tmp_path / "report"
    r = run_cli("eval", "--corpus", str(DEVSET / "articles"), "--gold", str(DEVSET / "gold.jsonl"),
                "--split", "held-out", "--json", str(out), "--report", str(report),
                env={"RAG_DATA_DIR": str(tmp_path / "data")})  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    result = json.loads(out.read_text())
    assert list(result["splits"]) == ["held-out"]
    assert result["summary"]["all"]["n"] == result["splits"]["held-out"]["all"]["n"] == 50
    assert {row["split"] for row in result["rows"]} == {"held-out"}
    assert "| config | split | lang |" in (report / "report.md").read_text()
    assert "held-out" in r.stdout and "short exact" in r.stdout

"""`rag eval` end to end through the LLM path, against a scripted OpenAI-compatible server.

No LLM weights exist here: the server (evals/scripted_llm.py) is a deterministic fake that
answers by echoing the first context sentence with a [1] marker, over real HTTP.
"""

from __future__ import annotations

import json

import pytest

from evals.scripted_llm import ScriptedLLM, echo
from tests.conftest import ROOT, run_cli


@pytest.mark.slow
def test_rag_eval_runs_through_the_llm_path_and_reports_groundedness(seeded_settings, tmp_path):
    lines = (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    subset = [line for line in lines if '"unanswerable": false' in line][:8]
    subset += [line for line in lines if '"unanswerable": true' in line][:2]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(subset) + "\n", encoding="utf-8")
    out = tmp_path / "out.json"
    with ScriptedLLM(reply=echo) as server:
        r = run_cli(
            "eval", "--gold", str(gold), "--json", str(out),
            env={
                "RAG_DATA_DIR": str(seeded_settings.data_dir),
                "RAG_LLM_BACKEND": "openai",
                "RAG_LLM_BASE_URL": server.openai_url,
                "RAG_LLM_MODEL": "scripted",
                "RAG_LLM_TIMEOUT_S": "20",
            },
        )  # fmt: skip
        assert r.returncode == 0, r.stderr[-2000:]
        assert len(server.requests) >= len(subset)  # every question went to the model
    data = json.loads(out.read_text())
    assert {row["backend"] for row in data["rows"]} == {"openai"}
    summary = data["summary"]["all"]
    assert summary["n"] == len(subset)
    # the echoed sentence is a verbatim, cited passage sentence: verification keeps it
    assert summary["grounded"] >= 0.9
    assert "grounded" in data["summary"]["en"] and "grounded" in data["summary"]["fr"]

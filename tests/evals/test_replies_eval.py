"""`rag eval --replies`: the LLM reply set replayed through the real openai and ollama
clients against the scripted server (a deterministic fake: no LLM weights exist here), over a
private store of the seed articles, gated at the measured held-out figures less a margin
(evals/thresholds.json, "replies")."""

from __future__ import annotations

import json

import pytest

from evals.replies import REPLIES, read_replies
from evals.replies_eval import Replayer, cite
from evals.scripted_llm import Request
from tests.conftest import REPLY_SETS, ROOT, run_cli

THRESHOLDS = json.loads((ROOT / "evals" / "thresholds.json").read_text())
GATES = THRESHOLDS["replies"]


def test_the_replayer_cites_each_claim_by_the_passage_holding_its_anchor():
    item = read_replies(REPLIES)[0]
    claim = item.faithful[0]
    passages = {1: "Un autre texte.", 2: f"Avant. {claim.anchor} Après."}
    text, found = cite(claim, passages)
    assert found and text.endswith("[2].")
    missing, found = cite(claim, {1: "Rien de tel."})
    assert not found and missing.endswith("[1].")
    user = f"<passage n=2>\n{passages[2]}\n</passage>\n\nQuestion: {item.question}\n"
    reply = Replayer([item])(Request("/v1/chat/completions", {"messages": [
        {"role": "user", "content": user}]}))  # fmt: skip
    assert item.invented.text.rstrip(".") in reply and reply.count("[") == len(item.reply())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "split", "gates"),
    [
        (path, "held-out" if gate == "replies" else "all", THRESHOLDS[gate])
        for path, gate in REPLY_SETS.values()
    ],
    ids=[f"{name}'s even half" if name == "first set" else name for name in REPLY_SETS],
)
def test_replies_through_both_backends_keep_faithful_claims_and_drop_invented_ones(
    seeded_settings, tmp_path, path, split, gates
):
    out = tmp_path / "replies.json"
    r = run_cli(
        "eval", "--replies", str(path), "--split", split, "--json", str(out),
        env={"RAG_DATA_DIR": str(seeded_settings.data_dir)},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    data = json.loads(out.read_text())
    modes = data["modes"]
    assert set(modes) == {"openai", "openai stream", "ollama", "ollama stream"}
    for name, m in modes.items():
        assert m["faithful_kept"] >= gates["faithful_kept_min"], (name, m)
        assert m["invented_shown"] <= gates["invented_shown_max"], (name, m)
        assert m["fallbacks"] <= gates["fallbacks_max"], (name, m)
        assert set(m["caught_by_kind"]) == {
            "number", "role", "direction", "negation", "other_passage", "superlative"
        }  # fmt: skip
    # streamed or not, over either protocol, the verifier decides the same
    first = modes["openai"]
    assert all(m["faithful_kept"] == first["faithful_kept"] for m in modes.values())
    assert "replies" in r.stdout and "faithful kept" in r.stdout


def test_a_missing_reply_file_is_a_clear_error(tmp_path):
    r = run_cli("eval", "--replies", str(tmp_path / "none.jsonl"))
    assert r.returncode != 0
    assert "no such reply file" in r.stderr and "Traceback" not in r.stderr

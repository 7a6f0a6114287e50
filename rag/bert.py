"""A lean query-time encoder for BERT-family sentence-transformers models.

Why: importing torch alone costs about two seconds, and sentence-transformers more, which
would dominate a cold ``rag ask``. For the common case (a BERT encoder with mean pooling,
like all-MiniLM-L6-v2) this module runs the same forward pass in numpy, with
``tokenizers`` and ``safetensors`` only: a question of twenty word pieces takes a few
milliseconds. A test checks it reproduces sentence-transformers' embeddings; any other
architecture or pooling returns ``None`` from ``load`` and the caller uses
sentence-transformers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

QUERY_BATCH = 4  # up to this many texts are a query, tokenised on the calling thread


def _erf(x: np.ndarray) -> np.ndarray:
    """The error function within 1.5e-7 (Abramowitz and Stegun 7.1.26): BERT's exact GELU
    without scipy, well inside float32's rounding of the layer it feeds."""
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )  # noqa: E501
    return np.sign(x) * (1.0 - poly * np.exp(-a * a))


class BertEncoder:
    def __init__(
        self, weights: dict[str, np.ndarray], config: dict[str, Any], tokenizer: Any, max_len: int
    ) -> None:
        # linear layers' weights stored transposed and contiguous: x @ W runs as one GEMM
        self.w = {
            k: np.ascontiguousarray(v.T) if k.endswith(".weight") and v.ndim == 2 and
            "embeddings" not in k else v
            for k, v in weights.items()
        }  # fmt: skip
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dim = int(config["hidden_size"])
        self.tokenizer = tokenizer
        tokenizer.enable_truncation(max_len)
        self.pad_id = int(config.get("pad_token_id", 0))
        tokenizer.enable_padding(pad_id=self.pad_id)

    @classmethod
    def load(cls, path: str | Path) -> BertEncoder | None:
        """The encoder for a local model directory, or None when this module cannot run it."""
        p = Path(path)
        try:
            config = json.loads((p / "config.json").read_text())
            modules = json.loads((p / "modules.json").read_text())
            pooling = json.loads((p / "1_Pooling" / "config.json").read_text())
            st_conf = json.loads((p / "sentence_bert_config.json").read_text())
        except (OSError, ValueError):
            return None
        kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
        if (
            config.get("model_type") != "bert"
            or config.get("hidden_act") != "gelu"
            or config.get("position_embedding_type", "absolute") != "absolute"
            or kinds[:2] != ["Transformer", "Pooling"]
            or not pooling.get("pooling_mode_mean_tokens")
            or any(pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens"))
            or not (p / "model.safetensors").exists()
            or not (p / "tokenizer.json").exists()
        ):
            return None
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = {
            k.removeprefix("bert."): _float32(v)
            for k, v in load_file(str(p / "model.safetensors")).items()
        }
        tok = Tokenizer.from_file(str(p / "tokenizer.json"))
        return cls(weights, config, tok, int(st_conf.get("max_seq_length", 256)))

    def _ln(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[f"{name}.weight"] + self.w[
            f"{name}.bias"
        ]

    def _lin(self, x: np.ndarray, name: str) -> np.ndarray:
        w = self.w[f"{name}.weight"]
        flat = x.reshape(-1, x.shape[-1]) @ w + self.w[f"{name}.bias"]
        return flat.reshape(*x.shape[:-1], w.shape[1])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised mean-pooled embeddings."""
        # a query: encode() runs on this thread; encode_batch() queues on the tokenizers
        # library's shared thread pool, behind an ingest's batch of thousands (seconds)
        if len(texts) > QUERY_BATCH:
            enc = self.tokenizer.encode_batch(list(texts))
            rows = [(e.ids, e.attention_mask, e.type_ids) for e in enc]
        else:  # padded here to the longest, as encode_batch would
            enc = [self.tokenizer.encode(t) for t in texts]
            width = max(len(e.ids) for e in enc)
            rows = [
                (
                    e.ids + [self.pad_id] * (width - len(e.ids)),
                    e.attention_mask + [0] * (width - len(e.ids)),
                    e.type_ids + [0] * (width - len(e.ids)),
                )
                for e in enc
            ]
        ids = np.array([r[0] for r in rows])
        mask = np.array([r[1] for r in rows], dtype=np.float32)
        types = np.array([r[2] for r in rows])
        n, length = ids.shape
        w = self.w
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][np.arange(length)][None]
            + w["embeddings.token_type_embeddings.weight"][types]
        )
        x = self._ln(x, "embeddings.LayerNorm")
        bias = (1.0 - mask[:, None, None, :]) * np.finfo(np.float32).min
        hd = self.dim // self.heads
        for i in range(self.layers):
            pre = f"encoder.layer.{i}"

            def split(t: np.ndarray) -> np.ndarray:
                return t.reshape(n, length, self.heads, hd).transpose(0, 2, 1, 3)

            q = split(self._lin(x, f"{pre}.attention.self.query"))
            k = split(self._lin(x, f"{pre}.attention.self.key"))
            v = split(self._lin(x, f"{pre}.attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(hd)) + bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            att = scores / scores.sum(-1, keepdims=True)
            ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, length, self.dim)
            x = self._ln(
                x + self._lin(ctx, f"{pre}.attention.output.dense"),
                f"{pre}.attention.output.LayerNorm",
            )
            h = self._lin(x, f"{pre}.intermediate.dense")
            h = 0.5 * h * (1.0 + _erf(h / np.float32(np.sqrt(2.0))))
            x = self._ln(x + self._lin(h, f"{pre}.output.dense"), f"{pre}.output.LayerNorm")
        m = mask[..., None]
        pooled = (x * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def _float32(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float32, copy=False)

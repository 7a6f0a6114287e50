"""The one place that reads settings and picks backends."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.answering import Answerer, ExtractiveAnswerer
from rag.embedding import SentenceEmbedder
from rag.ingest import ChunkParams, Ingestor
from rag.nlp import Annotator
from rag.retrieval import HybridRetriever, RetrievalParams
from rag.settings import Settings
from vectorstore.base import VectorStore


@dataclass
class Components:
    retriever: HybridRetriever
    answerer: Answerer
    store: VectorStore
    ingestor: Ingestor
    rewriter: Any
    context_chars: int
    max_question_chars: int
    uploads_dir: Path


def build_store(s: Settings) -> VectorStore:
    from vectorstore.chroma import ChromaStore

    return ChromaStore.connect(s.collection, s.chroma_path, s.chroma_host, s.chroma_port)


def build_embedder(s: Settings) -> SentenceEmbedder:
    return SentenceEmbedder.load(s.embed_model, s.embed_batch_size, s.embed_device, s.offline)


def build_annotator(s: Settings) -> Annotator:
    """The language layer; its pipelines load at the first document it reads."""
    from rag.nlp.annotator import SpacyAnnotator

    return SpacyAnnotator({"fr": s.nlp_fr, "en": s.nlp_en})


def build_ingestor(s: Settings, store: VectorStore | None = None, embedder: Any = None) -> Ingestor:
    return Ingestor(
        embedder or build_embedder(s),
        store or build_store(s),
        s.lexical_path,
        ChunkParams(s.chunk_tokens, s.chunk_overlap_sentences),
        build_annotator(s),
    )


def retrieval_params(s: Settings) -> RetrievalParams:
    return RetrievalParams(
        top_k=s.top_k,
        candidates=s.candidates,
        fusion=s.fusion,
        rrf_k=s.rrf_k,
        dense_weight=s.dense_weight,
        keyword_weight=s.keyword_weight,
        mode=s.retrieval_mode,
        expand=s.query_expansion,
    )


def make_answerer(s: Settings, annotator: Annotator | None = None) -> tuple[Answerer, Any]:
    """The answerer and the follow-up rewriter for the configured backend."""
    extractive = ExtractiveAnswerer()
    if s.llm_backend == "extractive":
        return extractive, None
    from rag.answering.llm import make_llm_answerer

    return make_llm_answerer(s, extractive, annotator or build_annotator(s))


def build_components(s: Settings | None = None, embedder: Any = None) -> Components:
    """Every component for settings ``s``; pass ``embedder`` to share a loaded one."""
    s = s or Settings()
    store = build_store(s)
    embedder = embedder or build_embedder(s)
    ingestor = build_ingestor(s, store, embedder)
    retriever = HybridRetriever(embedder, store, ingestor.refresh_lexical, retrieval_params(s))
    answerer, rewriter = make_answerer(s, ingestor.annotator)
    return Components(
        retriever,
        answerer,
        store,
        ingestor,
        rewriter,
        s.context_chars,
        s.max_question_chars,
        s.data_dir / "uploads",
    )


def build_assistant(s: Settings | None = None, embedder: Any = None) -> Any:
    """An Assistant for settings ``s``, sharing ``embedder`` when one is already loaded."""
    from rag.assistant import Assistant

    c = build_components(s, embedder)
    return Assistant(
        c.retriever,
        c.answerer,
        c.store,
        c.ingestor,
        c.context_chars,
        c.max_question_chars,
        c.rewriter,
        uploads_dir=c.uploads_dir,
    )

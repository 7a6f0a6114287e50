"""The baseline a user builds from LlamaIndex's starter docs, scored on the same gold set.

SimpleDirectoryReader -> VectorStoreIndex on Chroma -> ``index.as_retriever()``
with its defaults (SentenceSplitter 1024 tokens, similarity_top_k=2) and the same
embedder as ours. Its context is the retrieved text cut to the same character
budget as ours. Only retrieval metrics apply: it produces no answers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals import metrics as m
from evals.gold import GoldItem
from rag.embedding import resolve_model, set_offline
from rag.settings import Settings


class StarterRetriever:
    def __init__(self, files: Sequence[Path], embed_model: str, workdir: Path) -> None:
        set_offline()
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding
        from llama_index.vector_stores.chroma import ChromaVectorStore

        documents = SimpleDirectoryReader(input_files=[str(f) for f in files]).load_data()
        client = chromadb.PersistentClient(
            path=str(workdir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
        )
        collection = client.get_or_create_collection("starter")
        storage = StorageContext.from_defaults(
            vector_store=ChromaVectorStore(chroma_collection=collection)
        )
        embed = HuggingFaceEmbedding(model_name=resolve_model(embed_model))
        index = VectorStoreIndex.from_documents(
            documents, storage_context=storage, embed_model=embed
        )
        self.retriever = index.as_retriever()

    def retrieve(self, question: str) -> list[tuple[str, str]]:
        """(doc_id, text) of each retrieved node, in rank order."""
        nodes = self.retriever.retrieve(question)
        return [
            (Path(n.node.metadata.get("file_name", "")).stem, n.node.get_content()) for n in nodes
        ]


def budgeted(texts: Sequence[str], budget: int) -> list[str]:
    out, used = [], 0
    for t in texts:
        if used >= budget:
            break
        out.append(t[: budget - used])
        used += len(out[-1])
    return out


def llamaindex_rows(
    base: Settings,
    assistant: Any,
    gold: Sequence[GoldItem],
    progress: Callable[[int], None] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    import time

    files = [Path(p) for p in assistant.source_paths() if p and Path(p).exists()]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        retriever = StarterRetriever(files, base.embed_model, Path(tmp))
        for item in gold:
            t = time.perf_counter()
            hits = retriever.retrieve(item.question)
            latency = (time.perf_counter() - t) * 1000
            ids = [d for d, _ in hits]
            context = budgeted([text for _, text in hits], base.context_chars)
            row: dict[str, Any] = {
                "id": item.id,
                "question": item.question,
                "lang": item.lang,
                "type": item.type,
                "unanswerable": item.unanswerable,
                "answer": "",
                "short_answer": None,
                "abstained": False,
                "backend": "llamaindex-starter (retrieval only)",
                "citations": [],
                "retrieved": ids,
                "latency_ms": round(latency, 2),
                "answer_correct": None,
                "short_answer_correct": None,
                "citation_correct": None,
                "grounded": None,
            }
            answerable = not item.unanswerable
            row.update(
                {
                    "hit@1": m.hit_at_k(ids, item.sources, 1) if answerable else None,
                    "hit@3": m.hit_at_k(ids, item.sources, 3) if answerable else None,
                    "hit@5": m.hit_at_k(ids, item.sources, 5) if answerable else None,
                    "mrr": m.reciprocal_rank(ids, item.sources) if answerable else None,
                    "context_has_answer": m.context_has_answer(context, item.answers)
                    if answerable
                    else None,
                }
            )
            if item.unanswerable:
                row["abstained"] = None
            rows.append(row)
            if progress:
                progress(1)
    return rows, m.summarize(rows)

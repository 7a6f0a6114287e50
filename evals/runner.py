"""`rag eval`: run gold questions through the configured assistant and score the answers.

Configurations for ``--compare`` are named presets (``hybrid``, ``dense``,
``keyword``, ``no-expansion``, ``weighted``, ``extractive``, ``llamaindex``) or
``key=value`` settings overrides joined with ``+`` (``embed_model=/models/e5+top_k=8``).
Configurations that change how the corpus is embedded get a private store,
ingested from the same source files.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals import metrics as m
from evals.gold import GoldItem, load_gold
from rag.errors import ConfigError, EmptyStore, RagError
from rag.schemas import Answer
from rag.settings import Settings

PRESETS: dict[str, dict[str, Any]] = {
    "hybrid": {"retrieval_mode": "hybrid"},
    "dense": {"retrieval_mode": "dense"},
    "keyword": {"retrieval_mode": "keyword"},
    "no-expansion": {"query_expansion": False},
    "weighted": {"fusion": "weighted"},
    "extractive": {"llm_backend": "extractive"},
    "default": {},
}
STORE_KEYS = {"embed_model", "chunk_tokens", "chunk_overlap_sentences", "collection", "data_dir"}
SHORT_TYPES = {"who", "how_many", "where", "when"}


def parse_config(name: str, base: Settings) -> Settings:
    if name in PRESETS:
        return base.model_copy(update=PRESETS[name])
    update: dict[str, Any] = {}
    for part in name.split("+"):
        if "=" not in part:
            known = ", ".join(sorted(PRESETS) + ["llamaindex"])
            raise ConfigError(f"unknown configuration {part!r}: use one of {known} or key=value")
        key, value = part.split("=", 1)
        if key not in Settings.model_fields:
            raise ConfigError(f"unknown setting {key!r} in configuration {name!r}")
        update[key] = value
    try:
        return Settings.model_validate({**base.model_dump(), **update})
    except Exception as e:  # pydantic's message names the bad value
        raise ConfigError(f"configuration {name!r}: {e}") from e


def score_row(item: GoldItem, answer: Answer, latency_ms: float) -> dict[str, Any]:
    """Every metric for one question; quality metrics are None for unanswerable ones."""
    doc_ids = [p.doc_id for p in answer.passages]
    context = [p.text for p in answer.passages if p.in_context]
    quotes = [c.quote for c in answer.citations]
    row: dict[str, Any] = {
        "id": item.id,
        "question": item.question,
        "lang": item.lang,
        "type": item.type,
        "unanswerable": item.unanswerable,
        "answer": answer.answer,
        "short_answer": answer.short_answer,
        "abstained": answer.abstained,
        "backend": answer.backend,
        "fallback": answer.fallback,
        "unsupported": len(answer.unsupported),
        "support": answer.support,
        "citations": [c.model_dump() for c in answer.citations],
        "retrieved": doc_ids,
        "latency_ms": round(latency_ms, 2),
    }
    if item.unanswerable:
        row.update(dict.fromkeys(
            ["hit@1", "hit@3", "hit@5", "mrr", "context_has_answer", "answer_correct",
             "short_answer_correct", "citation_correct", "grounded"]
        ))  # fmt: skip
        return row
    answered = not answer.abstained
    if answer.backend == "extractive":
        grounded: float | bool = answered and m.grounded_exact(answer.answer, quotes)
    else:
        grounded = m.grounded_support(answer.answer, quotes) if answered else 0.0
    row.update(
        {
            "hit@1": m.hit_at_k(doc_ids, item.sources, 1),
            "hit@3": m.hit_at_k(doc_ids, item.sources, 3),
            "hit@5": m.hit_at_k(doc_ids, item.sources, 5),
            "mrr": m.reciprocal_rank(doc_ids, item.sources),
            "context_has_answer": m.context_has_answer(context, item.answers),
            "answer_correct": answered
            and m.contains_answers(answer.answer, item.answers)
            and any(c.doc_id in item.sources for c in answer.citations),
            "short_answer_correct": (
                bool(answer.short_answer)
                and m.contains_answers(answer.short_answer or "", item.answers)
                if item.type in SHORT_TYPES
                else None
            ),
            "citation_correct": answered
            and m.citation_correct(
                [(c.doc_id, c.quote) for c in answer.citations], item.sources, item.answers
            ),
            "grounded": float(grounded),
        }
    )
    return row


def evaluate(
    ask: Callable[[str], Answer],
    gold: Sequence[GoldItem],
    progress: Callable[[int], None] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    rows = []
    for item in gold:
        t = time.perf_counter()
        answer = ask(item.question)
        rows.append(score_row(item, answer, (time.perf_counter() - t) * 1000))
        if progress:
            progress(1)
    return rows, m.summarize(rows)


def build_for(s: Settings, shared: dict[str, Any]) -> Any:
    """An Assistant for settings ``s``, reusing an already loaded embedder of the same model."""
    from rag.container import build_assistant, build_embedder

    if s.embed_model not in shared:
        shared[s.embed_model] = build_embedder(s)
    return build_assistant(s, shared[s.embed_model])


def _private_store(
    base: Settings, s: Settings, name: str, assistant_base: Any, shared: dict[str, Any]
) -> Settings:
    """Configs that change the embedding get their own data dir, ingested from the same files."""
    if all(getattr(s, k) == getattr(base, k) for k in STORE_KEYS):
        return s
    slug = "".join(c if c.isalnum() else "-" for c in name)[:60]
    s = s.model_copy(update={"data_dir": base.data_dir / "eval-configs" / slug})
    sources = [
        Path(d.source) for d in assistant_base.sources() if d.source and Path(d.source).exists()
    ]
    if not sources:
        raise RagError(
            f"configuration {name!r} needs its own store, but no source files are on disk"
        )
    build_for(s, shared).ingest(sources, progress=True)
    return s


def run(
    base: Settings,
    gold_path: Path,
    configs: Sequence[str] | None = None,
    show_progress: bool = True,
) -> dict[str, Any]:
    """Results for each configuration: ``{"configs": [...], "summary": {...}, "rows": {...}}``."""
    from tqdm import tqdm

    shared: dict[str, Any] = {}
    main = build_for(base, shared)
    known = {s.doc_id for s in main.sources()}
    if not known:
        raise EmptyStore("the store is empty: run `rag ingest` first")
    gold = load_gold(gold_path, known)  # fails with the line number before any work is done
    names = list(configs or ["default"])
    out: dict[str, Any] = {
        "gold": str(gold_path),
        "n": len(gold),
        "configs": names,
        "summary": {},
        "rows": {},
    }
    for name in names:
        with tqdm(total=len(gold), desc=f"eval {name}", unit="q", disable=not show_progress) as bar:
            if name == "llamaindex":
                from evals.baseline import llamaindex_rows

                rows, summary = llamaindex_rows(base, main, gold, bar.update)
            else:
                s = _private_store(base, parse_config(name, base), name, main, shared)
                assistant = main if s == base else build_for(s, shared)
                rows, summary = evaluate(assistant.ask, gold, bar.update)
        out["summary"][name] = summary
        out["rows"][name] = rows
    return out


def run_cli(
    base: Settings,
    gold_path: Path,
    json_out: Path | None,
    report_dir: Path | None,
    compare: Sequence[str] | None,
) -> None:
    from evals.report import print_table, write_report

    configs = [c for item in (compare or []) for c in item.split(",") if c.strip()]
    if not gold_path.exists():
        raise RagError(f"no such gold file: {gold_path}")
    result = run(base, gold_path, configs or None)
    single = len(result["configs"]) == 1
    payload = result
    if single:
        name = result["configs"][0]
        payload = {
            "gold": result["gold"],
            "config": name,
            "settings": _settings_view(base),
            "summary": result["summary"][name],
            "rows": result["rows"][name],
        }
    print_table(result)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        tmp = json_out.with_suffix(json_out.suffix + ".tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2))
        tmp.replace(json_out)
    if report_dir is not None:
        write_report(result, report_dir, _settings_view(base))


def _settings_view(s: Settings) -> dict[str, Any]:
    view = s.model_dump(mode="json")
    for secret in ("api_key", "llm_api_key"):
        if view.get(secret):
            view[secret] = "***"
    return view

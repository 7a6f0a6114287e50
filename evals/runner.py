"""`rag eval`: run gold questions through the configured assistant and score the answers.

Configurations for ``--compare`` are named presets (``hybrid``, ``dense``,
``keyword``, ``no-expansion``, ``weighted``, ``extractive``, ``llamaindex``) or
``key=value`` settings overrides joined with ``+`` (``embed_model=/models/e5+top_k=8``).
Configurations that change how the corpus is embedded get a private store,
ingested from the same source files.

With ``--corpus DIR`` the questions run against DIR's articles, ingested into a private
store of their own (see ``corpus_settings``); on the shared dev set, figures are also
given per half of its fixed split (``evals/devset.py``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evals import devset
from evals import metrics as m
from evals.gold import GoldItem, load_gold
from rag.assistant import empty_store_message
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
SHORT_TYPES = {"who", "how_many", "where", "when", "which", "name"}  # a name, number, place or date
SPLIT_CHOICES = ("fit", "held-out", "all")
ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger(__name__)


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
             "short_answer_correct", "short_exact", "short_miss", "citation_correct", "grounded"]
        ))  # fmt: skip
        return row
    if item.short is not None:
        match = m.short_exact(None if answer.abstained else answer.short_answer, item.short)
        row.update({"short_gold": item.short, "short_exact": match.exact,
                    "short_miss": match.miss, "short_missing": list(match.missing),
                    "short_extra": list(match.extra)})  # fmt: skip
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


def check_corpus(corpus: Path) -> None:
    if not corpus.exists():
        raise RagError(f"no such corpus folder: {corpus}")
    if not corpus.is_dir():
        raise RagError(f"--corpus needs a folder of articles, not a file: {corpus}")


def corpus_files(corpus: Path) -> list[Path]:
    """The files ``rag ingest`` reads from a folder: all of them but hidden ones."""
    return sorted(
        f
        for f in corpus.rglob("*")
        if f.is_file() and not any(p.startswith(".") for p in f.relative_to(corpus).parts)
    )


def corpus_settings(base: Settings, corpus: Path) -> Settings:
    """Settings for a private store of ``corpus``, under ``<data_dir>/eval-corpora``.

    Its name hashes the folder's path, each file's name and bytes, and the settings that
    shape a store: an unchanged corpus reuses its store, a changed one gets a fresh one.
    The collection is private too, so a Chroma server's own articles are never touched.
    """
    check_corpus(corpus)
    digest = hashlib.sha256(str(corpus.resolve()).encode())
    for key in sorted(STORE_KEYS | {"chroma_host", "chroma_port"}):
        digest.update(f"\0{key}={getattr(base, key)}".encode())
    try:
        for f in corpus_files(corpus):
            digest.update(f"\0{f.relative_to(corpus).as_posix()}\0".encode())
            digest.update(hashlib.sha256(f.read_bytes()).digest())
    except OSError as e:
        raise RagError(f"cannot read the corpus folder {corpus}: {e}") from e
    key = digest.hexdigest()[:16]
    update = {"data_dir": base.data_dir / "eval-corpora" / key, "collection": f"eval-{key}"}
    return base.model_copy(update=update)


def select_split(
    gold: Sequence[GoldItem], doc_ids: set[str], split: str | None
) -> tuple[list[GoldItem], tuple[devset.Split, ...]]:
    """The questions to run and the halves of the dev set to report (none elsewhere)."""
    on_devset = devset.is_devset(doc_ids, gold)
    if split is None:
        return list(gold), devset.SPLITS if on_devset else ()
    if split not in SPLIT_CHOICES:
        raise RagError(f"unknown split {split!r}: use one of {', '.join(SPLIT_CHOICES)}")
    if not on_devset:
        raise RagError(
            f"--split {split} needs the dev set (articles named NN_slug, questions dNNN)"
        )
    halves = tuple(h for h in devset.SPLITS if split in (h, "all"))
    return [g for g in gold if devset.split_of(g) in halves], halves


def _open_store(
    base: Settings, corpus: Path | None, shared: dict[str, Any], show_progress: bool
) -> tuple[Settings, Any]:
    """The assistant to evaluate: over the configured store, or over ``corpus`` ingested."""
    if corpus is None:
        main = build_for(base, shared)
        if not main.sources():
            raise EmptyStore(empty_store_message(main.store))
        return base, main
    s = corpus_settings(base, corpus)
    main = build_for(s, shared)
    summary = main.ingest([corpus], progress=show_progress)
    for path, why in summary.skipped.items():
        log.warning("skipped %s: %s", path, why)
    if not main.sources():
        raise EmptyStore(f"no article could be read in the corpus folder {corpus}")
    return s, main


def run(
    base: Settings,
    gold_path: Path,
    configs: Sequence[str] | None = None,
    show_progress: bool = True,
    corpus: Path | None = None,
    split: str | None = None,
) -> dict[str, Any]:
    """Results for each configuration: ``{"configs": [...], "summary": {...}, "rows": {...}}``,
    and ``"splits": {config: {half: summary}}`` on the dev set."""
    from tqdm import tqdm

    shared: dict[str, Any] = {}
    base, main = _open_store(base, corpus, shared, show_progress)
    known = {s.doc_id for s in main.sources()}
    where = f"the corpus {corpus}" if corpus is not None else "the store"
    gold = load_gold(gold_path, known, where)  # fails with the line number before any work
    gold, halves = select_split(gold, known, split)
    names = list(configs or ["default"])
    out: dict[str, Any] = {
        "gold": str(gold_path),
        "corpus": str(corpus) if corpus is not None else None,
        "n": len(gold),
        "configs": names,
        "summary": {},
        "splits": {},
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
        if halves:
            out["splits"][name] = split_summaries(rows, gold, halves)
    return out


def split_summaries(
    rows: Sequence[dict[str, Any]], gold: Sequence[GoldItem], halves: Sequence[str]
) -> dict[str, Any]:
    """Each row marked with its half of the dev set, and the summary of each half."""
    for row, item in zip(rows, gold, strict=True):
        row["split"] = devset.split_of(item)
    return {half: m.summarize([r for r in rows if r["split"] == half]) for half in halves}


def run_replies_cli(
    base: Settings,
    replies: Path,
    json_out: Path | None,
    corpus: Path | None = None,
    split: str | None = None,
) -> None:
    """``rag eval --replies FILE``: the LLM reply set replayed through the real backends
    over a private store of ``corpus`` (default: the bundled seed articles it quotes)."""
    from evals.replies_eval import print_replies, run_replies

    if not replies.exists():
        raise RagError(f"no such reply file: {replies}")
    if split is not None and split not in SPLIT_CHOICES:
        raise RagError(f"unknown split {split!r}: use one of {', '.join(SPLIT_CHOICES)}")
    s, _ = _open_store(base, corpus or ROOT / "seeds", {}, show_progress=False)
    result = run_replies(s, replies, split)
    print_replies(result)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, ensure_ascii=False, indent=2))


def run_cli(
    base: Settings,
    gold_path: Path,
    json_out: Path | None,
    report_dir: Path | None,
    compare: Sequence[str] | None,
    corpus: Path | None = None,
    split: str | None = None,
) -> None:
    from evals.report import print_table, write_report

    configs = [c for item in (compare or []) for c in item.split(",") if c.strip()]
    if not gold_path.exists():
        raise RagError(f"no such gold file: {gold_path}")
    if corpus is not None:
        check_corpus(corpus)
    if split is not None and split not in SPLIT_CHOICES:
        raise RagError(f"unknown split {split!r}: use one of {', '.join(SPLIT_CHOICES)}")
    result = run(base, gold_path, configs or None, corpus=corpus, split=split)
    single = len(result["configs"]) == 1
    payload = result
    if single:
        name = result["configs"][0]
        payload = {
            "gold": result["gold"],
            "corpus": result["corpus"],
            "config": name,
            "settings": _settings_view(base),
            "summary": result["summary"][name],
            "rows": result["rows"][name],
        }
        if name in result["splits"]:
            payload["splits"] = result["splits"][name]
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

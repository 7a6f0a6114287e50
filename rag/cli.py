"""The `rag` command line. Each command's docstring is its --help."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from rag.errors import RagError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Grounded question answering over news articles, with exact citations.",
)

SEEDS = Path("seeds")


def _settings():  # type: ignore[no-untyped-def]
    from rag.settings import Settings

    return Settings()


def _err(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: seeds/)")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Add, update and remove articles so the store matches the given files and folders.

    Unchanged files are not re-embedded; a file gone from an ingested folder is removed.
    """
    from rag.container import build_ingestor
    from rag.handoff import ask_server
    from rag.schemas import IngestSummary

    if quiet:  # the embedding model's loading bar too (read when huggingface_hub is imported)
        os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    targets = paths or [SEEDS]
    for p in targets:
        if not p.exists():
            raise RagError(f"no such file or directory: {p}")
    s = _settings()
    # a server running on this store has the models loaded: it does the work in a moment
    reply = ask_server(s, {"cmd": "ingest", "paths": [str(p.resolve()) for p in targets]})
    if reply is not None:
        if not quiet:
            typer.echo("(done by the server running on this store)", err=True)
        typer.echo(IngestSummary.model_validate(reply).line())
        return
    summary = build_ingestor(s).sync(targets, progress=not quiet)
    typer.echo(summary.line())


@app.command()
def sources(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
) -> None:
    """List every document in the store with its metadata and chunk count."""
    from rag.assistant import source_info
    from rag.container import build_ingestor

    ingestor = build_ingestor(_settings())
    ingestor.refresh_lexical()  # an index out of step with the store is repaired first
    store = ingestor.store
    counts = ingestor.index.chunk_counts()
    infos = [
        source_info(d.document, counts.get(d.document.doc_id, 0)) for d in store.document_records()
    ]
    if as_json:
        typer.echo(json.dumps([i.model_dump() for i in infos], ensure_ascii=False, indent=2))
        return
    if not infos:
        from rag.assistant import empty_store_message

        message = empty_store_message(store)
        typer.echo(message[0].upper() + message[1:])
        return
    for i in infos:
        meta = ", ".join(x for x in (i.outlet, i.date, i.language) if x)
        typer.echo(f"{i.doc_id}  {i.title}  ({meta}; {i.chunks} chunks)")


@app.command()
def remove(
    doc_id: Annotated[str, typer.Argument(help="The article's id, as `rag sources` lists it")],
) -> None:
    """Delete one article: its chunks, its keyword entries and, when it was uploaded, its file.

    An article ingested from a folder comes back at the next `rag ingest` of that folder
    unless its file is gone.
    """
    from rag.container import build_assistant
    from rag.handoff import ask_server
    from rag.schemas import SourceInfo

    s = _settings()
    # a running server of this store removes it, and its asks see it gone at once
    reply = ask_server(s, {"cmd": "remove", "doc_id": doc_id})
    info = (
        SourceInfo.model_validate(reply) if reply is not None else build_assistant(s).remove(doc_id)
    )
    typer.echo(f"removed {info.doc_id}" + (f" ({info.title})" if info.title else ""))


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON")] = False,
    batch: Annotated[
        Path | None, typer.Option("--batch", help="One question per line, or JSONL with 'question'")
    ] = None,
    stream: Annotated[
        bool, typer.Option("--stream", help="Print the answer as it is generated")
    ] = False,
    top_k: Annotated[int | None, typer.Option("--top-k", min=1, max=50)] = None,
) -> None:
    """Answer a question from the articles, with numbered, quoted sources.

    With --batch, prints one Answer JSON per line and loads the models once.
    """
    from rag.assistant import Assistant
    from rag.errors import InvalidQuestion

    if batch is None and question is None:
        raise InvalidQuestion("give a question, or --batch FILE")
    if batch is not None:
        questions = _read_batch(batch)
        assistant = Assistant(settings=_settings())
        for q in questions:
            try:
                typer.echo(assistant.ask(q, top_k=top_k).model_dump_json())
            except InvalidQuestion as e:
                typer.echo(json.dumps({"question": q, "error": str(e)}, ensure_ascii=False))
        return
    assert question is not None
    assistant = Assistant(settings=_settings())
    if stream and not as_json:
        from rag.schemas import Answer

        final = None
        for item in assistant.ask_stream(question, top_k=top_k):
            if isinstance(item, Answer):
                final = item
            else:
                typer.echo(item, nl=False)
        typer.echo("")
        if final is not None:
            typer.echo(_sources_text(final))
        return
    answer = assistant.ask(question, top_k=top_k)
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    typer.echo(answer.answer)
    if answer.short_answer:
        typer.echo(f"\nShort answer: {answer.short_answer}")
    typer.echo(_sources_text(answer))


def _sources_text(answer) -> str:  # type: ignore[no-untyped-def]
    """Sources, after a note on anything verification changed; removed claims are never shown."""
    note = ""
    if answer.fallback:
        note = (f"\nNote: no claim of the {answer.backend} answer was supported by its sources; "
                "this is the extractive answer instead.")  # fmt: skip
    elif answer.unsupported:
        note = (f"\nNote: {len(answer.unsupported)} unsupported sentence(s) removed "
                "(reasons in --json: unsupported).")  # fmt: skip
    return _sources_list(answer) + note


def _sources_list(answer) -> str:  # type: ignore[no-untyped-def]
    if answer.abstained:
        lines = ["", "Closest passages:"]
        for p in answer.passages[:3]:
            lines.append(f"  - {p.title} ({p.date or 'undated'}): {p.text[:160]}…")
        return "\n".join(lines)
    lines = ["", "Sources:"]
    for c in answer.citations:
        lines.append(
            f"  [{c.n}] {c.title} ({', '.join(x for x in (c.outlet, c.date) if x) or 'undated'})"
        )
        lines.append(f"      “{' '.join(c.quote.split())}”")
    return "\n".join(lines)


def _read_batch(path: Path) -> list[str]:
    from rag.errors import InvalidQuestion

    if not path.exists():
        raise RagError(f"no such file: {path}")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        if line.lstrip().startswith("{"):
            try:
                q = json.loads(line)["question"]
            except (json.JSONDecodeError, KeyError, TypeError) as e:
                raise InvalidQuestion(
                    f"{path} line {n}: not a JSON object with 'question' ({e})"
                ) from e
            out.append(str(q))
        else:
            out.append(line.strip())
    return out


@app.command("eval")
def eval_cmd(
    gold: Annotated[Path, typer.Option("--gold", help="Gold questions (JSONL)")] = Path(
        "evals/gold.jsonl"
    ),
    json_out: Annotated[Path | None, typer.Option("--json", help="Write results JSON here")] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a Markdown report + plots here")
    ] = None,
    compare: Annotated[
        list[str] | None,
        typer.Option(
            "--compare", help="Named configurations, e.g. hybrid dense (repeat or comma-separate)"
        ),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus",
            help="Ingest this folder into a private store and ask there; "
            "gold sources are its file names without extension",
        ),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option("--split", help="Dev set or reply set: fit | held-out | all (default: all)"),
    ] = None,
    replies: Annotated[
        Path | None,
        typer.Option(
            "--replies",
            help="Replay an LLM reply set (e.g. evals/llm_replies.jsonl) through the openai "
            "and ollama backends against a scripted server; report faithful claims kept "
            "and invented claims shown",
        ),
    ] = None,
) -> None:
    """Run the gold questions against the current settings and report grounded-answer metrics.

    With --corpus DIR, DIR's articles are ingested into a store of their own (kept under the
    data dir, reused while DIR is unchanged) instead of using the configured store. On the
    shared dev set, figures are also reported for each half of its fixed split.
    """
    from evals.runner import run_cli, run_replies_cli

    if replies is not None:
        run_replies_cli(_settings(), replies, json_out, corpus, split)
        return
    run_cli(_settings(), gold, json_out, report, compare, corpus, split)


@app.command()
def bench(
    kind: Annotated[
        str, typer.Argument(help="ingest | ask | cold | upload | verify | scale | all")
    ] = "all",
    out: Annotated[Path | None, typer.Option("--json", help="Write figures as JSON")] = None,
    docs: Annotated[
        int, typer.Option("--docs", help="Synthetic corpus size for the ingest bench")
    ] = 2000,
    chunks: Annotated[
        int, typer.Option("--chunks", help="Store size for the scale bench")
    ] = 10_000,
    mode: Annotated[
        str, typer.Option("--mode", help="Scale bench: real (ingested) or simulated chunks")
    ] = "real",
    chroma: Annotated[
        str, typer.Option("--chroma", help="Scale bench: embedded or server (`chroma run`)")
    ] = "embedded",
) -> None:
    """Measure ingest throughput, warm ask latency and cold-start time; exit 1 if a target is missed.

    `rag bench scale --chunks N [--mode real|simulated] [--chroma embedded|server]` measures
    the costs over a store of N chunks (see evals/bench_scale.py).
    """  # noqa: E501
    from evals.bench import missed_targets, run_bench

    missed = missed_targets(run_bench(kind, out, docs, chunks, mode, chroma))
    for line in missed:
        typer.echo(f"target missed: {line}", err=True)
    if missed:
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860)")] = None,
    allow_unauthenticated: Annotated[
        bool,
        typer.Option(
            "--allow-unauthenticated",
            help="Listen on a non-loopback address without RAG_API_KEY (trusted networks only)",
        ),
    ] = False,
) -> None:
    """Start the web chat (/) and the Q&A API (/api, /v1, /mcp) on one server.

    It answers only on loopback unless told otherwise; another address needs RAG_API_KEY
    (or --allow-unauthenticated) and its host names in RAG_ALLOWED_HOSTS.
    """
    from rag.server import serve as run_server

    run_server(_settings(), host, port, allow_unauthenticated)


@app.command()
def doctor() -> None:
    """Check that every configured model loads offline and every store or server is reachable."""
    from rag.doctor import run_doctor

    raise typer.Exit(run_doctor(_settings()))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except RagError as e:
        _err(str(e))
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()

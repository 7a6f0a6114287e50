"""Tables for the terminal and a Markdown report with matplotlib plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

METRICS = [
    ("hit@1", "hit@1"),
    ("hit@5", "hit@5"),
    ("mrr", "MRR"),
    ("context_has_answer", "answer in context"),
    ("answer_correct", "answer accuracy"),
    ("citation_correct", "citation accuracy"),
    ("grounded", "groundedness"),
    ("short_exact", "short exact"),
    ("short_misses", "short miss m/e/w"),
    ("short_answer_accuracy", "short contains"),
    ("traps_abstained", "traps abstained"),
    ("false_abstentions", "false abst."),
    ("latency_p50_ms", "p50 ms"),
    ("latency_p95_ms", "p95 ms"),
]
LANGS = ("all", "en", "fr")


def _fmt(key: str, v: Any, s: dict[str, Any]) -> str:
    if v is None:
        return "-"
    if key == "traps_abstained":
        return f"{v}/{s.get('n_unanswerable', 0)}"
    if key == "false_abstentions":
        return f"{v}/{s.get('n_answerable', 0)}"
    if key == "short_misses":
        return "/".join(str(v.get(k, 0)) for k in ("missing", "extra", "wrong"))
    if key.startswith("latency"):
        return f"{v:.1f}"
    return f"{v:.3f}"


def _parts(result: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
    """The whole set, then each half of the dev set's split when there is one."""
    halves = result.get("splits", {}).get(name, {})
    return [("all", result["summary"][name]), *halves.items()]


def table_rows(result: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    split = any(result.get("splits", {}).values())
    header = ["config", *(["split"] if split else []), "lang", "n"]
    header += [label for _, label in METRICS]
    rows = []
    for name in result["configs"]:
        for part, summary in _parts(result, name):
            for lang in LANGS:
                s = summary.get(lang, {})
                cells = [_fmt(k, s.get(k), s) for k, _ in METRICS]
                rows.append([name, *([part] if split else []), lang, str(s.get("n", 0)), *cells])
    return header, rows


def print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    header, rows = table_rows(result)
    t = Table(title=f"rag eval — {_title(result)}")
    for h in header:
        t.add_column(h, justify="right" if h not in ("config", "split", "lang") else "left")
    for r in rows:
        t.add_row(*r)
    Console(width=220).print(t)


def _title(result: dict[str, Any]) -> str:
    corpus = f" on {result['corpus']}" if result.get("corpus") else ""
    return f"{result['gold']}{corpus} ({result['n']} questions)"


def markdown_table(result: dict[str, Any]) -> str:
    header, rows = table_rows(result)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def write_report(result: dict[str, Any], out: Path, settings: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    keys = [
        ("hit@5", "hit@5"),
        ("context_has_answer", "answer in context"),
        ("answer_correct", "answer"),
        ("citation_correct", "citation"),
        ("grounded", "grounded"),
        ("short_exact", "short exact"),
        ("short_answer_accuracy", "short contains"),
        ("abstention_accuracy", "abstention"),
        ("false_abstention_rate", "false abst."),
    ]
    series = [(name, lang) for name in result["configs"] for lang in ("en", "fr")]
    fig, ax = plt.subplots(figsize=(12, 4.5))
    width = 0.8 / max(len(series), 1)
    for i, (name, lang) in enumerate(series):
        s = result["summary"][name].get(lang, {})
        xs = [j + i * width for j in range(len(keys))]
        ax.bar(xs, [s.get(k) or 0.0 for k, _ in keys], width, label=f"{name} / {lang}")
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(keys))], [label for _, label in keys])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("share of questions")
    ax.set_title("Metrics per language")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "metrics_by_language.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4))
    for name in result["configs"]:
        lat = [r["latency_ms"] for r in result["rows"][name]]
        ax.hist(lat, bins=30, alpha=0.6, label=name)
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Latency distribution")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=110)
    plt.close(fig)

    failures = []
    first = result["configs"][0]
    for r in result["rows"][first]:
        wrong = (r["unanswerable"] and not r["abstained"]) or (
            not r["unanswerable"] and not r.get("answer_correct")
        )
        if wrong:
            failures.append(f"- `{r['id']}` ({r['lang']}) {r['question']} → {r['answer'][:160]}")
    short_misses = [
        f"- `{r['id']}` {r['short_miss']}: gold “{r['short_gold']}”, "
        f"short answer “{r.get('short_answer') or ''}”"
        for r in result["rows"][first]
        if r.get("short_miss")
    ]
    md = [
        "# rag eval report",
        "",
        f"Gold file: `{result['gold']}`"
        + (f", corpus `{result['corpus']}`" if result.get("corpus") else "")
        + f" — {result['n']} questions. Configurations: {', '.join(result['configs'])}.",
        "",
        "Short exact: the short answer names exactly the gold span's names, numbers and "
        "dates (misses: missing / extra / wrong); short contains: it holds every answer "
        "group. Article metadata is scored apart: `python -m evals.metadata_eval`.",
        "",
        markdown_table(result),
        "",
        "![metrics per language](metrics_by_language.png)",
        "",
        "![latency distribution](latency.png)",
        "",
        f"## Misses of `{first}` ({len(failures)})",
        "",
        *(failures or ["None."]),
        "",
        f"## Short answers of `{first}` that are not exact ({len(short_misses)})",
        "",
        *(short_misses or ["None."]),
        "",
        "## Settings",
        "",
        "```",
        *(f"{k} = {v}" for k, v in sorted(settings.items())),
        "```",
        "",
    ]
    (out / "report.md").write_text("\n".join(md), encoding="utf-8")

"""Score the metadata read from messy news pages against a hand-checked gold file.

The dev set (``../shared/devset``) holds real pages (``articles/NN_slug.txt``) and their
gold title, date, outlet, authors and photo credit (``metadata.jsonl``). Pages are split
once and for all by number: odd pages are the ones rules may be fitted on, even pages are
only checked, so the two halves are reported apart.

    python -m evals.metadata_eval [DEVSET_DIR]
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from rich.markup import escape

from rag.documents import load_document
from rag.schemas import Document

FIELDS = ("title", "date", "outlet", "authors", "photo_credit")
DEFAULT_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "devset"
_TYPOGRAPHIC = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


def fold(text: str | None) -> str:
    """Accents, case, typographic quotes and spacing do not count as differences."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(text.translate(_TYPOGRAPHIC).split())


def title_ok(ours: str, gold: str | None, aliases: list[str]) -> bool:
    """No gold headline: an empty title or one of the accepted aliases (a chapô)."""
    accepted = {fold(a) for a in aliases}
    if gold is None:
        return not ours.strip() or fold(ours) in accepted
    return fold(ours) in accepted | {fold(gold)}


def judge(doc: Document, gold: dict[str, Any]) -> dict[str, bool]:
    return {
        "title": title_ok(doc.title, gold["title"], gold.get("title_aliases") or []),
        "date": doc.date == gold["date"],
        "outlet": fold(doc.outlet) == fold(gold["outlet"]),
        "authors": {fold(a) for a in doc.authors} == {fold(a) for a in gold["authors"] or []},
        "photo_credit": fold(doc.photo_credit) == fold(gold["photo_credit"]),
    }


def _half(doc_id: str) -> str:
    return "fit" if int(doc_id.split("_", 1)[0]) % 2 else "held_out"


def score_metadata(devset_dir: Path | str) -> dict[str, Any]:
    """Per-page verdicts and counts per field: overall, fit (odd pages), held out (even)."""
    root = Path(devset_dir)
    golds = [json.loads(x) for x in (root / "metadata.jsonl").read_text().splitlines() if x]
    pages = []
    for gold in golds:
        doc = load_document(root / "articles" / f"{gold['doc_id']}.txt")
        ours = {f: getattr(doc, f) for f in FIELDS}
        pages.append({"doc_id": gold["doc_id"], "half": _half(gold["doc_id"]), "ours": ours,
                      "gold": {f: gold[f] for f in FIELDS}, "ok": judge(doc, gold)})  # fmt: skip
    result: dict[str, Any] = {"n": len(pages), "pages": pages}
    for name, subset in (
        ("total", pages),
        ("fit", [p for p in pages if p["half"] == "fit"]),
        ("held_out", [p for p in pages if p["half"] == "held_out"]),
    ):
        result[name] = {f: sum(p["ok"][f] for p in subset) for f in FIELDS}
        result[name]["n"] = len(subset)
    return result


def _cell(page: dict[str, Any], field: str) -> str:
    ours = page["ours"][field]
    if isinstance(ours, list):
        shown = ", ".join(ours) or "[]"
    else:
        shown = '""' if ours == "" else "∅" if ours is None else ours
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return ("[green]✓[/] " if page["ok"][field] else "[red]✗[/] ") + escape(shown)


def print_report(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    pages = Table(title="metadata per page (fit = odd pages, held out = even pages)")
    for col in ("page", "half", *FIELDS):
        pages.add_column(col, overflow="fold")
    for p in result["pages"]:
        pages.add_row(p["doc_id"][:24], p["half"], *(_cell(p, f) for f in FIELDS))
    totals = Table(title="correct pages per field")
    for col in ("set", *FIELDS):
        totals.add_column(col)
    for name in ("fit", "held_out", "total"):
        row = result[name]
        totals.add_row(name, *(f"{row[f]}/{row['n']}" for f in FIELDS))
    console = Console()
    console = console if console.width >= 150 else Console(width=150)
    console.print(pages)
    console.print(totals)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else DEFAULT_DIR
    if not (root / "metadata.jsonl").is_file():
        print(f"error: no metadata.jsonl in {root}", file=sys.stderr)
        return 2
    print_report(score_metadata(root))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

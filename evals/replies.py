"""The LLM reply set (``evals/llm_replies.jsonl``): faithful and invented claims to verify.

Each item is a question about the seed articles, the reply a good LLM would give (one to
three faithful sentences, in the question's language) and one invented claim of a named
kind (see ``evals/llm_replies.md``). Claims cite their passage through a short verbatim
``anchor``: whoever plays the LLM finds the numbered passage of the prompt that holds it and
writes its ``[n]`` marker, as a model would.

Used by ``python -m evals.fit_verifier`` (fitting the claim model on the odd items) and by
``rag eval --replies`` (replaying the replies through a scripted server and the real
``openai`` and ``ollama`` backends).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REPLIES = ROOT / "evals" / "llm_replies.jsonl"
KINDS = ("number", "role", "direction", "negation", "other_passage", "superlative")


@dataclass(frozen=True)
class Claim:
    text: str
    anchor: str
    faithful: bool
    kind: str  # "faithful" or the kind of invention


@dataclass(frozen=True)
class ReplyItem:
    id: str
    question: str
    lang: str
    faithful: tuple[Claim, ...]
    invented: Claim
    after: int  # the faithful sentence the invented one follows (-1: first)

    @property
    def part(self) -> str:
        """The fixed split of a set into halves by id, odd and even (``rag eval --replies
        --split``); the first set's odd half once fitted the claim model alone."""
        return "fit" if int(re.sub(r"\D", "", self.id) or 0) % 2 else "held-out"

    def reply(self, with_invented: bool = True) -> list[Claim]:
        """The reply's claims in order (the invented one after ``after``)."""
        out = list(self.faithful)
        if with_invented:
            out.insert(min(max(self.after + 1, 0), len(out)), self.invented)
        return out


def read_replies(path: Path = REPLIES) -> list[ReplyItem]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        inv = d["invented"]
        items.append(
            ReplyItem(
                d["id"],
                d["question"],
                d["lang"],
                tuple(Claim(f["text"], f["anchor"], True, "faithful") for f in d["faithful"]),
                Claim(inv["text"], inv["anchor"], False, inv["kind"]),
                int(inv.get("after", len(d["faithful"]) - 1)),
            )
        )
    return items


def normal(text: str) -> str:
    """For finding anchors: NFC, plain apostrophes and quotes, single spaces."""
    text = unicodedata.normalize("NFC", text)
    for a, b in (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"')):
        text = text.replace(a, b)
    text = re.sub(r"[\u00a0\u202f\u2009]", " ", text)
    return " ".join(text.split())


def passage_with(anchor: str, passages: Sequence[str]) -> int | None:
    """The number (1-based) of the first passage that holds the anchor."""
    a = normal(anchor)
    for n, text in enumerate(passages, 1):
        if a in normal(text):
            return n
    return None


_END = re.compile(r"([.!?…]+[\"'»”’)]*)\s*$")


def with_marker(text: str, n: int) -> str:
    """The claim as a model writes it cited: ``[n]`` before its final punctuation."""
    text = text.strip()
    m = _END.search(text)
    return f"{text[: m.start()]} [{n}]{m.group(1)}" if m else f"{text} [{n}]"


def context_with(req: Any, anchor: str, chunks: Sequence[Any]) -> tuple[Any, int, bool]:
    """The request with the passage holding ``anchor`` in its context, that passage's number
    and whether retrieval had found it; the chunk that holds it is appended when retrieval
    did not (number 0 when no chunk does)."""
    from dataclasses import replace

    from rag.retrieval import _passage

    context = list(req.context)
    n = passage_with(anchor, [c.text for c in context])
    if n is not None:
        return req, n, True
    c = next((c for c in chunks if passage_with(anchor, [c.text])), None)
    if c is None:
        return req, 0, False
    return replace(req, context=[*context, _passage(c)]), len(context) + 1, False

"""``rag eval --replies``: the reply set replayed through the real LLM backends.

A scripted server (``evals/scripted_llm.py``, a deterministic fake: no LLM weights exist
here) plays a good but imperfect LLM. For each question of the reply set it answers with the
item's faithful sentences and its one invented claim, each cited with the ``[n]`` of the
prompt's passage that holds its anchor, as a model would. The real ``openai`` and ``ollama``
clients receive that reply, streamed and not; the real verifier keeps or removes each
sentence. A claim counts as shown when the final answer's text holds it; the JSON has a row
per claim with why it was removed.

Reported, per backend and mode and overall: the share of faithful claims kept (over those
whose passage was retrieved: a claim whose passage is not among the prompt's cannot be
supported by what it cites), the share of invented claims shown, by kind of invention and
by language, fallbacks to the extractive answer, and the verification time per claim.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from evals.replies import Claim, ReplyItem, normal, passage_with, read_replies, with_marker

MODES = (("openai", False), ("openai", True), ("ollama", False), ("ollama", True))
_QUESTION = re.compile(r"^Question: (.*)$", re.MULTILINE)


@dataclass
class Outcome:
    item: str
    lang: str
    kind: str  # faithful or the invention's kind
    retrieved: bool  # the claim's anchor was in one of the prompt's passages
    shown: bool
    claim: str = ""
    reason: str = ""  # why verification removed it (Answer.unsupported), or "fallback"


def cite(claim: Claim, passages: dict[int, str]) -> tuple[str, bool]:
    """The claim with the ``[n]`` of the passage holding its anchor (``[1]`` when none
    does: a model cites what it was given)."""
    numbers = sorted(passages)
    k = passage_with(claim.anchor, [passages[n] for n in numbers])
    n = numbers[k - 1] if k else (numbers[0] if numbers else 1)
    return with_marker(claim.text, n), bool(k)


class Replayer:
    """The scripted server's reply function: the item asked about, cited by anchors."""

    def __init__(self, items: Sequence[ReplyItem]) -> None:
        self.by_question = {normal(i.question): i for i in items}
        self.retrieved: dict[tuple[str, str], bool] = {}

    def __call__(self, request: Any) -> str:
        if request.is_rewrite:
            return request.user.rsplit(":", 1)[-1].strip()
        m = _QUESTION.search(request.user)
        item = self.by_question.get(normal(m.group(1))) if m else None
        if item is None:
            return "I could not find this in the articles."
        out = []
        for claim in item.reply():
            text, found = cite(claim, request.passages)
            self.retrieved[(item.id, claim.text)] = found
            out.append(text)
        return " ".join(out)


def shown(claim: Claim, answer: str) -> bool:
    """The answer's text holds the claim (markers and spacing aside)."""
    from rag.answering.verify import strip_markers

    return normal(strip_markers(claim.text)).rstrip(".!?…") in normal(strip_markers(answer))


def replay(
    base: Any, items: Sequence[ReplyItem], embedder: Any, modes: Sequence[tuple[str, bool]]
) -> dict[str, Any]:
    from evals.scripted_llm import ScriptedLLM
    from rag.container import build_assistant

    replayer = Replayer(items)
    results: dict[str, Any] = {}
    with ScriptedLLM(reply=replayer) as server:
        for backend, stream in modes:
            url = server.openai_url if backend == "openai" else server.url
            s = base.model_copy(
                update={"llm_backend": backend, "llm_base_url": url, "llm_model": "scripted"}
            )
            assistant = build_assistant(s, embedder)
            outcomes: list[Outcome] = []
            fallbacks = 0
            verify_ms: list[float] = []
            for item in items:
                answer = _ask(assistant, item.question, stream)
                fallbacks += int(answer.fallback)
                if "verify" in answer.timings_ms:
                    verify_ms.append(answer.timings_ms["verify"] / max(len(item.reply()), 1))
                for claim in item.reply():
                    is_shown = not answer.fallback and shown(claim, answer.answer)
                    outcomes.append(
                        Outcome(
                            item.id,
                            item.lang,
                            claim.kind,
                            replayer.retrieved.get((item.id, claim.text), False),
                            is_shown,
                            claim.text,
                            "" if is_shown else _why(claim, answer),
                        )
                    )
            name = f"{backend}{' stream' if stream else ''}"
            results[name] = summarise(outcomes) | {"fallbacks": fallbacks}
            results[name]["rows"] = [asdict(o) for o in outcomes]
            if verify_ms:
                results[name]["verify_ms_per_claim_median"] = round(
                    sorted(verify_ms)[len(verify_ms) // 2], 2
                )
    return results


def _why(claim: Claim, answer: Any) -> str:
    """The verifier's reason for removing the claim (the fallback, when nothing held)."""
    from rag.answering.verify import strip_markers

    text = normal(strip_markers(claim.text)).rstrip(".!?…")
    for u in answer.unsupported:
        if text in normal(u.sentence) or normal(u.sentence).rstrip(".!?…") in text:
            return u.reason + (" (then the extractive fallback)" if answer.fallback else "")
    return "fallback" if answer.fallback else "not in the answer"


def _ask(assistant: Any, question: str, stream: bool) -> Any:
    if not stream:
        return assistant.ask(question)
    final = None
    for piece in assistant.ask_stream(question):
        if not isinstance(piece, str):
            final = piece
    return final


def summarise(outcomes: Sequence[Outcome], part: str | None = None) -> dict[str, Any]:
    """Faithful claims kept and invented ones shown, overall, by kind and by language."""
    faithful = [o for o in outcomes if o.kind == "faithful" and o.retrieved]
    invented = [o for o in outcomes if o.kind != "faithful"]
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in invented:
        by_kind[o.kind].append(o)
    out: dict[str, Any] = {
        "faithful_kept": _rate(faithful),
        "invented_shown": _rate(invented),
        "faithful_not_retrieved": sum(
            1 for o in outcomes if o.kind == "faithful" and not o.retrieved
        ),
        "caught_by_kind": {k: round(1 - _rate(v), 3) for k, v in sorted(by_kind.items())},
        "by_language": {},
    }
    for lang in sorted({o.lang for o in outcomes}):
        out["by_language"][lang] = {
            "faithful_kept": _rate([o for o in faithful if o.lang == lang]),
            "invented_shown": _rate([o for o in invented if o.lang == lang]),
        }
    out["counts"] = {"faithful": len(faithful), "invented": len(invented)}
    return out


def _rate(outcomes: Sequence[Outcome]) -> float:
    return round(sum(o.shown for o in outcomes) / len(outcomes), 3) if outcomes else 0.0


def run_replies(
    base: Any,
    path: Path,
    part: str | None = None,
    modes: Sequence[tuple[str, bool]] = MODES,
) -> dict[str, Any]:
    """Replay the reply set at ``path`` (``part``: fit | held-out | all) over ``base``'s
    store, which must hold the seed articles the replies quote."""
    from rag.container import build_embedder

    items = read_replies(path)
    if part in ("fit", "held-out"):
        items = [i for i in items if i.part == part]
    t0 = time.perf_counter()
    results = replay(base, items, build_embedder(base), modes)
    return {
        "replies": str(path),
        "part": part or "all",
        "items": len(items),
        "modes": results,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def print_replies(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    modes = result["modes"]
    console = Console()
    t = Table(title=f"rag eval --replies: {result['replies']} ({result['part']}, "
                    f"{result['items']} replies)")  # fmt: skip
    for col in ("mode", "faithful kept", "invented shown", "fallbacks", "ms/claim"):
        t.add_column(col)
    for name, m in modes.items():
        t.add_row(
            name,
            f"{m['faithful_kept']:.3f}",
            f"{m['invented_shown']:.3f}",
            str(m["fallbacks"]),
            str(m.get("verify_ms_per_claim_median", "")),
        )
    console.print(t)
    kinds = sorted({k for m in modes.values() for k in m["caught_by_kind"]})
    k = Table(title="invented claims caught, by kind")
    k.add_column("kind")
    for name in modes:
        k.add_column(name)
    for kind in kinds:
        k.add_row(kind, *(f"{m['caught_by_kind'].get(kind, 0.0):.2f}" for m in modes.values()))
    console.print(k)

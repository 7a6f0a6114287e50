"""What a question, its chat history and ``top_k`` may be: one set of rules for every edge.

``validate_question`` is the one question rule: ``Assistant.validate`` applies it with the
configured limit, and every edge (REST, ``/v1``, MCP, the chat, the CLI) goes through it.
The REST API refuses a history past the limits (422); the OpenAI-compatible endpoint, the
Python API and the chat keep the newest turns that fit, as chat clients expect. Either way
the assistant never works on more than ``MAX_HISTORY_CHARS`` of history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import Field

from rag.errors import InvalidQuestion
from rag.schemas import ChatTurn

MAX_QUESTION_CHARS = 2000
MAX_HISTORY_TURNS = 20  # user and assistant messages, together
MAX_TURN_CHARS = 4000
MAX_HISTORY_CHARS = 16000
MAX_TOP_K = 50

TopK = Annotated[int, Field(ge=1, le=MAX_TOP_K, description="passages to retrieve")]


def _surrogate(text: str) -> int | None:
    """Offset of the first lone UTF-16 surrogate (JSON's "\\ud800"), which no encoder can write."""
    for i, c in enumerate(text):
        if "\ud800" <= c <= "\udfff":
            return i
    return None


def check_text(text: str, what: str) -> None:
    i = _surrogate(text)
    if i is not None:
        raise InvalidQuestion(
            f"{what} contains an invalid character at position {i} (a lone UTF-16 surrogate, "
            f"U+{ord(text[i]):04X}); send valid Unicode text"
        )


def validate_question(question: str | None, max_chars: int = MAX_QUESTION_CHARS) -> str:
    """The question stripped, or ``InvalidQuestion`` saying what is wrong with it."""
    q = (question or "").strip()
    if not q:
        raise InvalidQuestion("the question is empty")
    if len(q) > max_chars:
        raise InvalidQuestion(f"the question is {len(q)} characters long; the limit is {max_chars}")
    check_text(q, "the question")
    return q


def check_history(history: Sequence[ChatTurn]) -> list[ChatTurn]:
    """The history as given, or ``InvalidQuestion`` naming the limit it passes (REST)."""
    if len(history) > MAX_HISTORY_TURNS:
        raise InvalidQuestion(
            f"the history has {len(history)} turns; the limit is {MAX_HISTORY_TURNS}"
        )
    total = 0
    for i, turn in enumerate(history):
        check_text(turn.content, f"history turn {i}")
        if len(turn.content) > MAX_TURN_CHARS:
            raise InvalidQuestion(
                f"history turn {i} is {len(turn.content)} characters long; "
                f"the limit is {MAX_TURN_CHARS}"
            )
        total += len(turn.content)
    if total > MAX_HISTORY_CHARS:
        raise InvalidQuestion(
            f"the history is {total} characters long in all; the limit is {MAX_HISTORY_CHARS}"
        )
    return list(history)


def bounded_history(history: Sequence[ChatTurn] | None) -> list[ChatTurn]:
    """The newest turns that fit the limits, oldest first; a turn with invalid text is dropped
    and a turn over ``MAX_TURN_CHARS`` keeps its beginning."""
    kept: list[ChatTurn] = []
    total = 0
    for turn in reversed(history or []):
        if len(kept) >= MAX_HISTORY_TURNS:
            break
        if _surrogate(turn.content) is not None:
            continue
        content = turn.content[:MAX_TURN_CHARS]
        if total + len(content) > MAX_HISTORY_CHARS:
            break
        total += len(content)
        kept.append(
            turn if content == turn.content else turn.model_copy(update={"content": content})
        )
    return kept[::-1]

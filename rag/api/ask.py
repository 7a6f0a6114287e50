"""``/api/ask`` and ``/api/ask/stream``: a question in, a cited ``Answer`` out."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter
from pydantic import AfterValidator, BaseModel, Field
from sse_starlette import EventSourceResponse

from rag.api.errors import ErrorDetail, checked_question, responses
from rag.api.streams import event_stream, sse_response, started
from rag.errors import RagError
from rag.schemas import Answer, ChatTurn
from rag.security import JSON_BODY_BYTES
from rag.validation import (
    MAX_HISTORY_CHARS,
    MAX_HISTORY_TURNS,
    MAX_QUESTION_CHARS,
    MAX_TURN_CHARS,
    TopK,
    check_history,
)

if TYPE_CHECKING:
    from rag.assistant import Assistant

log = logging.getLogger(__name__)

ERRORS = (401, 403, 409, 413, 422, 502, 503)


class AskRequest(BaseModel):
    question: str = Field(
        description=f"English or French, at most {MAX_QUESTION_CHARS} characters by default"
    )
    top_k: TopK | None = None
    history: Annotated[list[ChatTurn], AfterValidator(check_history)] = Field(
        default_factory=list,
        description=(
            f"earlier turns, oldest first; a follow-up is answered in their context. At most "
            f"{MAX_HISTORY_TURNS} turns, {MAX_TURN_CHARS} characters each, "
            f"{MAX_HISTORY_CHARS} in all"
        ),
    )


def answer_events(items: Iterable[str | Answer]) -> Iterator[dict[str, str]]:
    try:
        for item in items:
            if isinstance(item, Answer):
                yield {"event": "answer", "data": item.model_dump_json()}
            else:
                yield {"event": "delta", "data": json.dumps({"text": item}, ensure_ascii=False)}
    except RagError as e:
        yield {"event": "error", "data": json.dumps({"detail": str(e), "status": e.http_status})}
    except Exception:
        log.exception("streamed answer failed")
        yield {"event": "error", "data": json.dumps({"detail": "internal error", "status": 500})}


def router(assistant: Assistant) -> APIRouter:
    r = APIRouter(tags=["ask"])

    @r.post(
        "/ask",
        response_model=Answer,
        responses=responses(ErrorDetail, *ERRORS),
        max_body_size=JSON_BODY_BYTES,
    )
    def ask(req: AskRequest) -> Answer:
        """Answer a question; every statement is a quoted, cited sentence of an article."""
        question = checked_question(assistant, req.question, "question")
        return assistant.ask(question, req.history, req.top_k)

    @r.post(
        "/ask/stream",
        response_class=EventSourceResponse,
        responses={
            **sse_response(
                '`event: delta` with `{"text"}` as the answer grows, then one `event: answer` '
                'with the `Answer` JSON; `event: error` with `{"detail", "status"}` if it '
                "fails once started"
            ),
            **responses(ErrorDetail, *ERRORS),
        },
        max_body_size=JSON_BODY_BYTES,
    )
    def ask_stream(req: AskRequest) -> EventSourceResponse:
        """Server-sent events: `delta` ({"text"}) as the answer grows, then `answer`."""
        question = checked_question(assistant, req.question, "question")
        items = started(assistant.ask_stream(question, req.history, req.top_k))
        return event_stream(answer_events(items))

    return r

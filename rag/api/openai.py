"""``/v1``: the assistant as an OpenAI chat model, for any OpenAI client.

Answers follow OpenAI's shapes: ``usage`` counted in the embedding model's word pieces
(``rag.api.tokens``); ``max_tokens`` / ``max_completion_tokens`` honoured by cutting the
answer at a word, with ``finish_reason`` "length" (clients send these by default, so a
refusal would break them; the citations still cover the whole answer); ``n`` other than 1
refused (400), an unknown ``model`` a 404 ``model_not_found``, both in OpenAI's error shape.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.responses import Response

from rag.api.errors import OpenAIError, Refused, checked_question, responses
from rag.api.openai_schemas import (
    MODEL_ID,
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    Delta,
    Evidence,
    Finish,
    Model,
    ModelList,
    Usage,
)
from rag.api.streams import event_stream, sse_response, started
from rag.api.tokens import Budget, Tokens
from rag.errors import RagError
from rag.schemas import Answer, ChatTurn
from rag.security import JSON_BODY_BYTES, error_body
from rag.validation import bounded_history

if TYPE_CHECKING:
    from rag.assistant import Assistant

log = logging.getLogger(__name__)


def evidence(answer: Answer) -> Evidence:
    """What an OpenAI response has no field for: the evidence."""
    return Evidence(
        citations=answer.citations,
        abstained=answer.abstained,
        short_answer=answer.short_answer,
        standalone_question=answer.standalone_question,
    )


class Completions:
    """Turns a chat request into the assistant's question and its answer into OpenAI's shapes."""

    def __init__(self, assistant: Assistant, tokens: Tokens) -> None:
        self.assistant = assistant
        self.tokens = tokens

    def question_and_history(self, req: ChatCompletionRequest) -> tuple[str, list[ChatTurn]]:
        """The last user message is the question (checked by the assistant's rule); user and
        assistant turns before it, history (the newest turns that fit the limits: chat
        clients send the whole conversation). An unknown model or ``n`` > 1 is refused."""
        if req.model != MODEL_ID:
            raise Refused(
                f"the model {req.model!r} does not exist; this server has one model, {MODEL_ID!r}",
                param="model",
                code="model_not_found",
                status=404,
            )
        if req.n != 1:
            raise Refused(f"n is {req.n}; this server gives one answer per question (n=1)", "n")
        last = max(i for i, m in enumerate(req.messages) if m.role == "user")
        question = checked_question(self.assistant, req.messages[last].text(), "messages")
        history = [
            ChatTurn(role=m.role, content=m.text())  # type: ignore[arg-type]
            for m in req.messages[:last]
            if m.role in ("user", "assistant") and m.text().strip()
        ]
        return question, bounded_history(history)

    def usage(self, req: ChatCompletionRequest, answer: str) -> Usage:
        """Every message's text is the prompt (the assistant reads the question and history;
        its retrieved passages are not counted); the answer as sent is the completion."""
        prompt = self.tokens.count([m.text() for m in req.messages])
        completion = self.tokens.count([answer])
        return Usage(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        )

    def completion(self, req: ChatCompletionRequest) -> ChatCompletion:
        question, history = self.question_and_history(req)
        answer = self.assistant.ask(question, history, req.top_k)
        budget = Budget(self.tokens, req.token_limit())
        text = budget.take(answer.answer, final=True)
        return ChatCompletion(
            id=f"chatcmpl-{uuid.uuid4().hex[:24]}",
            created=int(time.time()),
            model=req.model,
            choices=[Choice(message=AssistantMessage(content=text), finish_reason=_finish(budget))],
            usage=self.usage(req, text),
            **evidence(answer).model_dump(),
        )

    def stream(self, req: ChatCompletionRequest) -> Response:
        question, history = self.question_and_history(req)
        items = started(self.assistant.ask_stream(question, history, req.top_k))
        return event_stream(self.chunks(items, req))

    def chunks(
        self, items: Iterable[str | Answer], req: ChatCompletionRequest
    ) -> Iterator[dict[str, str]]:
        """OpenAI's stream: a role chunk, content chunks, a last chunk with ``finish_reason``
        and the evidence, a ``usage`` chunk if asked for, then ``[DONE]``. An error once
        started is an ``{"error": ...}`` event, which OpenAI's clients raise."""
        head = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": req.model,
        }

        def chunk(delta: Delta, finish: Finish | None = None, **extra: object) -> dict[str, str]:
            choice = ChunkChoice(index=0, delta=delta, finish_reason=finish)
            body = ChatCompletionChunk(**head, choices=[choice], **extra)  # type: ignore[arg-type]
            return {"data": body.model_dump_json(exclude_unset=True)}

        budget = Budget(self.tokens, req.token_limit())
        yield chunk(Delta(role="assistant", content=""))
        try:
            for item in items:
                if isinstance(item, Answer):
                    rest = budget.take("", final=True)
                    if rest:
                        yield chunk(Delta(content=rest))
                    yield chunk(Delta(), _finish(budget), **evidence(item).model_dump())
                elif text := budget.take(item):
                    yield chunk(Delta(content=text))
            if req.stream_options and req.stream_options.include_usage:
                usage = self.usage(req, budget.sent)
                body = ChatCompletionChunk(**head, choices=[], usage=usage)  # type: ignore[arg-type]
                yield {"data": body.model_dump_json(exclude_unset=True)}
        except RagError as e:
            yield {"data": json.dumps(error_body("/v1", e.http_status, str(e)))}
        except Exception:
            log.exception("streamed chat completion failed")
            yield {"data": json.dumps(error_body("/v1", 500, "internal error; see the server log"))}
        yield {"data": "[DONE]"}


def _finish(budget: Budget) -> Finish:
    return "length" if budget.exhausted else "stop"


ERRORS = (400, 401, 403, 404, 409, 413, 422, 502, 503)


def router(completions: Completions) -> APIRouter:
    r = APIRouter(tags=["openai"])

    @r.get("/models", response_model=ModelList, responses=responses(OpenAIError, 401))
    def models() -> ModelList:
        """The one model this server answers as."""
        return ModelList(data=[Model(id=MODEL_ID)])

    @r.post(
        "/chat/completions",
        response_model=ChatCompletion,
        responses={
            **sse_response(
                "with `stream: true`: `data: <ChatCompletionChunk JSON>` events, the last one "
                "with `finish_reason` and the evidence (`citations`...), then `data: [DONE]`; "
                'an error once started is a `data: {"error": {...}}` event'
            ),
            **responses(OpenAIError, *ERRORS),
        },
        max_body_size=JSON_BODY_BYTES,
    )
    def chat_completions(req: ChatCompletionRequest) -> ChatCompletion | Response:
        """OpenAI's chat completions; `citations` (and `abstained`) ride along as extra fields."""
        return completions.stream(req) if req.stream else completions.completion(req)

    return r

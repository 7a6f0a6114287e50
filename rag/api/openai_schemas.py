"""OpenAI's chat-completion shapes, as far as this server fills them, plus the evidence.

What an OpenAI response has no field for (citations, abstention, the short answer, the
standalone question) rides along as extra top-level fields, which OpenAI clients keep
(``model_extra`` in the Python SDK).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from rag.schemas import Citation
from rag.validation import TopK

MODEL_ID = "rag"

Finish = Literal["stop", "length"]


class OpenAIMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class StreamOptions(BaseModel):
    include_usage: bool = False


class ChatCompletionRequest(BaseModel):
    """OpenAI's request. Sampling parameters (temperature, top_p, seed...) are accepted and
    ignored: answers are quoted, not sampled."""

    model: str = Field(default=MODEL_ID, description=f"only {MODEL_ID!r}; another is a 404")
    messages: list[OpenAIMessage] = Field(
        min_length=1, description="the last user message is the question; earlier turns, history"
    )
    stream: bool = False
    stream_options: StreamOptions | None = None
    n: int = Field(default=1, description="only 1 (one answer per question); another is a 400")
    max_tokens: int | None = Field(
        default=None, ge=1, description="cut the answer at a word to fit; finish_reason `length`"
    )
    max_completion_tokens: int | None = Field(default=None, ge=1, description="as max_tokens")
    top_k: TopK | None = None

    @field_validator("messages")
    @classmethod
    def _has_question(cls, messages: list[OpenAIMessage]) -> list[OpenAIMessage]:
        if not any(m.role == "user" for m in messages):
            raise ValueError("no user message: the last user message is the question")
        return messages

    def token_limit(self) -> int | None:
        """The tighter of ``max_tokens`` and ``max_completion_tokens``, when either is given."""
        given = [n for n in (self.max_tokens, self.max_completion_tokens) if n is not None]
        return min(given) if given else None


class Usage(BaseModel):
    """Counted in the embedding model's word pieces (see ``rag.api.tokens``)."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Finish
    logprobs: None = None


class Evidence(BaseModel):
    """The answer's evidence, as extra fields of a completion (and of a stream's last chunk)."""

    citations: list[Citation]
    abstained: bool
    short_answer: str | None
    standalone_question: str | None


class ChatCompletion(Evidence):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int
    delta: Delta
    finish_reason: Finish | None


class ChatCompletionChunk(BaseModel):
    """One ``data:`` event of a stream, sent without the fields left unset (the evidence and
    ``usage`` come once, at the end)."""

    id: str
    object: Literal["chat.completion.chunk"]
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    citations: list[Citation] | None = None
    abstained: bool | None = None
    short_answer: str | None = None
    standalone_question: str | None = None


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int = 0
    owned_by: str = "rag"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]

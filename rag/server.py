"""One server for people and programs, all over the same ``Assistant``.

``/`` the web chat (Gradio), ``/api`` the REST API, ``/v1`` an OpenAI-compatible chat
endpoint, ``/mcp`` an MCP tool server (streamable HTTP), ``/healthz``, ``/docs``.

Errors are translated here, once: a ``RagError`` becomes its ``http_status`` with its
message; a request that fails validation becomes a 422 with one readable sentence.
``/v1`` answers errors in OpenAI's shape so OpenAI clients show the message.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, File, Request, Security, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPBearer
from pydantic import AfterValidator, BaseModel, Field, field_validator
from sse_starlette import EventSourceResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from rag.errors import ConfigError, RagError
from rag.schemas import Answer, ChatTurn, Document, SourceInfo
from rag.security import (
    JSON_BODY_BYTES,
    LOOPBACK_HOSTS,
    MULTIPART_SLACK,
    BearerAuth,
    BodyCap,
    LoginThrottle,
    OriginCheck,
    allowed_hosts,
    error_body,
)
from rag.uploads import Inbox, UploadResult
from rag.validation import (
    MAX_HISTORY_CHARS,
    MAX_HISTORY_TURNS,
    MAX_TURN_CHARS,
    bounded_history,
    check_history,
    validate_question,
)

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.settings import Settings

log = logging.getLogger(__name__)

MODEL_ID = "rag"
SWITCH_INTERVAL_S = 0.0005
MAX_TOP_K = 50


# --- errors -------------------------------------------------------------------------


def _error_body(path: str, status: int, message: str, param: str | None = None) -> dict[str, Any]:
    body = error_body(path, status, message)
    if "error" in body:
        body["error"]["param"] = param
    return body


def _error(request: Request, status: int, message: str, **kw: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        _error_body(request.url.path, status, message, **kw), status, headers=headers
    )


def readable(errors: Iterable[Any]) -> tuple[str, str | None]:
    """Pydantic's error list as one sentence, and the first offending field."""
    parts, first = [], None
    for e in errors:
        loc = [str(x) for x in e.get("loc", ()) if x != "body"]
        field = ".".join(loc) or "request body"
        first = first or field
        msg = str(e.get("msg", "invalid value")).removeprefix("Value error, ")
        parts.append(f"{field}: {msg}")
    return "; ".join(parts) or "invalid request", first


# --- request models -------------------------------------------------------------------


Question = Annotated[str, AfterValidator(validate_question)]
TopK = Annotated[int, Field(ge=1, le=MAX_TOP_K, description="passages to retrieve")]


class AskRequest(BaseModel):
    question: Question = Field(description="English or French, at most 2000 characters")
    top_k: TopK | None = None
    history: Annotated[list[ChatTurn], AfterValidator(check_history)] = Field(
        default_factory=list,
        description=(
            f"earlier turns, oldest first; a follow-up is answered in their context. At most "
            f"{MAX_HISTORY_TURNS} turns, {MAX_TURN_CHARS} characters each, "
            f"{MAX_HISTORY_CHARS} in all"
        ),
    )


class OpenAIMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """OpenAI's request; sampling parameters are accepted and ignored (answers are quoted)."""

    model: str = MODEL_ID
    messages: list[OpenAIMessage] = Field(min_length=1)
    stream: bool = False
    top_k: TopK | None = None

    @field_validator("messages")
    @classmethod
    def _has_question(cls, messages: list[OpenAIMessage]) -> list[OpenAIMessage]:
        users = [m for m in messages if m.role == "user"]
        if not users:
            raise ValueError("no user message: the last user message is the question")
        validate_question(users[-1].text())
        return messages

    def question_and_history(self) -> tuple[str, list[ChatTurn]]:
        """The last user message is the question; user and assistant turns before it, history
        (the newest turns that fit the limits: chat clients send the whole conversation)."""
        last = max(i for i, m in enumerate(self.messages) if m.role == "user")
        history = [
            ChatTurn(role=m.role, content=m.text())  # type: ignore[arg-type]
            for m in self.messages[:last]
            if m.role in ("user", "assistant") and m.text().strip()
        ]
        return self.messages[last].text().strip(), bounded_history(history)


# --- OpenAI-compatible shapes ---------------------------------------------------------


def completion(answer: Answer, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.answer},
                "finish_reason": "stop",
            }
        ],
        **_extras(answer),
    }


def _extras(answer: Answer) -> dict[str, Any]:
    """What an OpenAI response has no field for: the evidence."""
    return {
        "citations": [c.model_dump(mode="json") for c in answer.citations],
        "abstained": answer.abstained,
        "short_answer": answer.short_answer,
        "standalone_question": answer.standalone_question,
    }


def completion_chunks(items: Iterable[str | Answer], model: str) -> Iterator[str]:
    base = {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        body = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        for item in items:
            if isinstance(item, Answer):
                yield chunk({}, "stop", **_extras(item))
            else:
                yield chunk({"content": item})
    except RagError as e:
        yield f"data: {json.dumps(_error_body('/v1', e.http_status, str(e)))}\n\n"
    except Exception:
        log.exception("streamed chat completion failed")
        body = _error_body("/v1", 500, "internal error; see the server log")
        yield f"data: {json.dumps(body)}\n\n"
    yield "data: [DONE]\n\n"


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


def started(stream: Iterator[str | Answer]) -> Iterator[str | Answer]:
    """Run a stream's preparation now, so its errors still get their HTTP status."""
    first = next(stream)
    return chain([first], stream)


# --- MCP ------------------------------------------------------------------------------


def build_mcp(assistant: Assistant, host: str) -> Any:
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(
        "rag",
        instructions=(
            "Answers questions about a set of news articles. Every statement of an "
            "answer is a quoted sentence of an article followed by [n]; `citations` give the "
            "source and the exact quote; `abstained` is true when the articles do not answer."
        ),
        log_level="WARNING",
    )

    @server.tool()
    def ask(question: str, top_k: TopK | None = None) -> dict[str, Any]:
        """Answer a question (English or French) from the news articles, with cited quotes."""
        try:
            return assistant.ask(question, top_k=top_k).model_dump(mode="json")
        except RagError as e:
            raise ToolError(str(e)) from e

    @server.tool()
    def sources() -> list[dict[str, Any]]:
        """The articles that can be asked about: id, title, outlet, date, language."""
        try:
            return [s.model_dump(mode="json") for s in assistant.sources()]
        except RagError as e:
            raise ToolError(str(e)) from e

    return server


# --- the application ------------------------------------------------------------------


def create_app(assistant: Assistant, settings: Settings) -> FastAPI:
    """The whole server around an existing assistant (tests build one around theirs)."""
    import gradio as gr

    from ui.app import CSS, THEME, build_ui

    mcp = build_mcp(assistant, settings.host)
    mcp_app = mcp.streamable_http_app(streamable_http_path="/mcp", host=settings.host)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with mcp.session_manager.run():
            yield

    app = FastAPI(
        title="rag",
        summary="Grounded answers from news articles, with exact citations.",
        version="0.1.0",
        lifespan=lifespan,
    )
    secured = [Security(HTTPBearer(auto_error=False))] if settings.api_key else []
    inbox = Inbox(assistant, settings.data_dir / "uploads", settings.max_upload_mb)
    app.include_router(api_router(assistant, inbox), prefix="/api", dependencies=secured)
    app.include_router(openai_router(assistant), prefix="/v1", dependencies=secured)
    app.router.routes.extend(mcp_app.routes)  # exactly /mcp, ahead of the UI mounted at /

    @app.get("/healthz", tags=["health"], response_model=None)
    def healthz() -> dict[str, Any] | JSONResponse:
        """200 with the article count when the store answers; 503 with the reason otherwise."""
        try:
            return {"status": "ok", **assistant.health()}
        except RagError as e:
            return JSONResponse({"status": "unavailable", "reason": str(e)}, e.http_status)

    @app.exception_handler(RagError)
    async def _rag_error(request: Request, e: RagError) -> JSONResponse:
        return _error(request, e.http_status, str(e))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        message, field = readable(e.errors())
        return _error(request, 422, message, param=field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> JSONResponse:
        return _error(request, e.status_code, str(e.detail))

    # outermost last: host, then origin, then body size, then logins and keys
    app.add_middleware(BearerAuth, api_key=settings.api_key)
    app.add_middleware(LoginThrottle)
    app.add_middleware(BodyCap, upload_bytes=inbox.max_bytes)
    app.add_middleware(OriginCheck, allowed_origins=settings.allowed_origins)
    app.add_middleware(
        TrustedHostMiddleware,
        allowed_hosts=allowed_hosts(settings.host, settings.allowed_hosts),
        www_redirect=False,
    )
    blocks = build_ui(assistant, inbox=inbox)
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        auth=_ui_login(settings.api_key),
        auth_message="This server needs its API key: any user name, the key as password.",
        css=CSS,
        theme=THEME,
        footer_links=["api"],
        run_history=False,
        ssr_mode=False,
        max_file_size=f"{inbox.max_bytes}b",
    )


def _ui_login(api_key: str | None) -> Callable[[str, str], bool] | None:
    """With an API key set, the web chat (and Gradio's own API behind it) asks for it too."""
    if not api_key:
        return None
    key = api_key.encode()
    return lambda _user, password: hmac.compare_digest(password.encode(), key)


def api_router(assistant: Assistant, inbox: Inbox) -> APIRouter:
    r = APIRouter(tags=["api"])

    @r.post("/ask", response_model=Answer, max_body_size=JSON_BODY_BYTES)
    def ask(req: AskRequest) -> Answer:
        """Answer a question; every statement is a quoted, cited sentence of an article."""
        return assistant.ask(req.question, req.history, req.top_k)

    @r.post("/ask/stream", response_class=EventSourceResponse, max_body_size=JSON_BODY_BYTES)
    def ask_stream(req: AskRequest) -> EventSourceResponse:
        """Server-sent events: `delta` ({"text"}) as the answer grows, then `answer`."""
        items = started(assistant.ask_stream(req.question, req.history, req.top_k))
        return EventSourceResponse(answer_events(items))

    @r.get("/sources", response_model=list[SourceInfo])
    def sources() -> list[SourceInfo]:
        """Every ingested article with its metadata and chunk count."""
        return assistant.sources()

    @r.get("/sources/{doc_id}", response_model=Document)
    def source(doc_id: str) -> Document:
        """One article: metadata and original text (citation offsets point into `text`)."""
        return assistant.document(doc_id)

    @r.post(
        "/documents",
        response_model=UploadResult,
        max_body_size=inbox.max_bytes + MULTIPART_SLACK,
    )
    async def upload(files: list[UploadFile] = File(...)) -> UploadResult:  # noqa: B008
        """Add articles (.txt .md .markdown .html .htm .pdf); answerable as soon as this returns.

        The whole request may hold at most `RAG_MAX_UPLOAD_MB`; a larger one is refused (413)
        before its body is read, or as soon as a streamed body passes the limit."""
        items = [(f.filename or "", f.file) for f in files]
        return await run_in_threadpool(inbox.accept, items)

    return r


def openai_router(assistant: Assistant) -> APIRouter:
    r = APIRouter(tags=["openai"])

    @r.get("/models")
    def models() -> dict[str, Any]:
        return {
            "object": "list",
            "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "rag"}],
        }

    @r.post("/chat/completions", response_model=None, max_body_size=JSON_BODY_BYTES)
    def chat_completions(req: ChatCompletionRequest) -> dict[str, Any] | StreamingResponse:
        """OpenAI's chat completions; `citations` (and `abstained`) ride along as extra fields."""
        question, history = req.question_and_history()
        if not req.stream:
            return completion(assistant.ask(question, history, req.top_k), req.model)
        items = started(assistant.ask_stream(question, history, req.top_k))
        return StreamingResponse(
            completion_chunks(items, req.model),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache"},
        )

    return r


def check_exposure(settings: Settings, allow_unauthenticated: bool) -> None:
    """Refuse to listen beyond loopback without ``RAG_API_KEY`` unless told to."""
    loopback = settings.host.strip("[]") in {h.strip("[]") for h in LOOPBACK_HOSTS} | {"::1"}
    if loopback or settings.api_key or allow_unauthenticated:
        if not loopback and not settings.api_key:
            log.warning("listening on %s without RAG_API_KEY: anyone who reaches it can use it",
                        settings.host)  # fmt: skip
        return
    raise ConfigError(
        f"refusing to listen on {settings.host} without RAG_API_KEY: anyone who can reach this "
        "address could read and change the articles. Set RAG_API_KEY, or pass "
        "--allow-unauthenticated if the network is trusted."
    )


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    allow_unauthenticated: bool = False,
) -> None:
    """Build the assistant and run the server until interrupted (binds 127.0.0.1 by default)."""
    import uvicorn

    from rag.container import build_assistant

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": port or settings.port}
    )
    check_exposure(settings, allow_unauthenticated)
    # An ask runs a hundred small torch ops, each taking the GIL back; while an upload's
    # ingest runs Python code, each wait lasts up to the switch interval (5 ms by default)
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    # Gradio keeps the chat's uploads in its temporary folder until they are ingested
    os.environ.setdefault("GRADIO_TEMP_DIR", str((settings.data_dir / "gradio-uploads").resolve()))
    assistant = build_assistant(settings)
    assistant.ingestor.remove_orphans()  # chunks left by an ingest killed part way
    warm = getattr(assistant.ingestor.embedder, "warm", None)
    if warm is not None:  # the ingest model loads now, not during the first upload's asks
        threading.Thread(target=warm, name="warm-embedder", daemon=True).start()
    verifier = getattr(assistant.answerer, "verifier", None)
    if verifier is not None:  # LLM backend: claim pipelines load now, not at the first answer
        threading.Thread(target=verifier.warm, name="warm-verifier", daemon=True).start()
    if not assistant.lexical_index().chunks:  # also loads the keyword index before the first ask
        log.warning("the store is empty: run `rag ingest` or upload articles in the UI")
    app = create_app(assistant, settings)
    logging.getLogger(__name__).setLevel(logging.INFO)
    log.info("web chat on http://%s:%s/ (API docs /docs, MCP /mcp)", settings.host, settings.port)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        timeout_graceful_shutdown=5,  # open event streams must not hold Ctrl+C
    )

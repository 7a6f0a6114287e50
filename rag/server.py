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
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, File, Request, Security, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPBearer
from pydantic import AfterValidator, BaseModel, Field, field_validator
from sse_starlette import EventSourceResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from rag.documents import SUPPORTED
from rag.errors import RagError
from rag.schemas import Answer, ChatTurn, Document, IngestSummary, SourceInfo

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.settings import Settings

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000  # the API's cap; the assistant applies its own configured limit too
MAX_HISTORY_TURNS = 50
MODEL_ID = "rag"
PROTECTED = ("/api", "/v1", "/mcp")


# --- errors -------------------------------------------------------------------------


class UnsupportedFile(RagError):
    """An uploaded file's type cannot be ingested."""

    http_status = 415


class FileTooLarge(RagError):
    """An uploaded file is over the size limit."""

    http_status = 413


class NothingIngested(RagError):
    """Every uploaded file was readable by name but not by content (empty, binary...)."""

    http_status = 422


def _error_body(path: str, status: int, message: str, param: str | None = None) -> dict[str, Any]:
    if path == "/v1" or path.startswith("/v1/"):
        kind = "invalid_request_error" if status < 500 else "server_error"
        if status == 401:
            kind = "authentication_error"
        return {"error": {"message": message, "type": kind, "param": param, "code": None}}
    return {"detail": message}


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


def check_question(value: str) -> str:
    q = value.strip()
    if not q:
        raise ValueError("the question is empty")
    if len(q) > MAX_QUESTION_CHARS:
        raise ValueError(
            f"the question is {len(q)} characters long; the limit is {MAX_QUESTION_CHARS}"
        )
    return q


Question = Annotated[str, AfterValidator(check_question)]


class AskRequest(BaseModel):
    question: Question = Field(description="English or French, at most 2000 characters")
    top_k: int | None = Field(default=None, ge=1, le=50, description="passages to retrieve")
    history: list[ChatTurn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description="earlier turns, oldest first; a follow-up is answered in their context",
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
    top_k: int | None = Field(default=None, ge=1, le=50)

    @field_validator("messages")
    @classmethod
    def _has_question(cls, messages: list[OpenAIMessage]) -> list[OpenAIMessage]:
        users = [m for m in messages if m.role == "user"]
        if not users:
            raise ValueError("no user message: the last user message is the question")
        check_question(users[-1].text())
        return messages

    def question_and_history(self) -> tuple[str, list[ChatTurn]]:
        """The last user message is the question; user and assistant turns before it, history."""
        last = max(i for i, m in enumerate(self.messages) if m.role == "user")
        history = [
            ChatTurn(role=m.role, content=m.text())  # type: ignore[arg-type]
            for m in self.messages[:last]
            if m.role in ("user", "assistant") and m.text().strip()
        ]
        return self.messages[last].text().strip(), history[-MAX_HISTORY_TURNS:]


class FileResult(BaseModel):
    filename: str
    status: str
    doc_id: str | None = None


class UploadResult(IngestSummary):
    files: list[FileResult] = Field(default_factory=list)


# --- uploads --------------------------------------------------------------------------


class Inbox:
    """Uploaded files: checked, kept under ``<data_dir>/uploads/``, then ingested by path.

    A batch is all or nothing at the door: if any file has an unsupported type or is too
    large, no file is kept and the store is untouched. Ingesting files by path (not the
    folder) means an upload never removes anything else.
    """

    def __init__(self, assistant: Assistant, folder: Path, max_mb: float) -> None:
        self.assistant = assistant
        self.folder = folder
        self.max_mb = max_mb
        self.max_bytes = int(max_mb * 1024 * 1024)
        self._lock = threading.Lock()

    def accept(
        self,
        files: Sequence[tuple[str, IO[bytes]]],
        on_file: Callable[[str, str], None] | None = None,
    ) -> UploadResult:
        if not files:
            raise UnsupportedFile("no file was uploaded")
        names = self._names([n for n, _ in files])
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            staged: list[Path] = []
            try:
                for (original, stream), name in zip(files, names, strict=True):
                    staged.append(self._stage(original, stream, name))
            except RagError:
                for p in staged:
                    p.unlink(missing_ok=True)
                raise
            final: list[Path] = []
            previous: dict[Path, Path] = {}
            for tmp, name in zip(staged, names, strict=True):
                target = self.folder / name
                if target.exists():  # kept until the new version is known to be readable
                    previous[target] = self.folder / f".previous-{uuid.uuid4().hex}-{name}"
                    os.replace(target, previous[target])
                os.replace(tmp, target)
                final.append(target)
            try:
                return self._ingest(final, [n for n, _ in files], on_file)
            finally:
                for target, backup in previous.items():
                    if target.exists():
                        backup.unlink(missing_ok=True)
                    else:
                        os.replace(backup, target)

    def _names(self, originals: list[str]) -> list[str]:
        names: list[str] = []
        for original in originals:
            base = Path(original or "").name
            suffix = Path(base).suffix.lower()
            if suffix not in SUPPORTED:
                raise UnsupportedFile(
                    f"{base or 'unnamed file'}: unsupported file type {suffix or '(none)'}; "
                    f"supported: {', '.join(sorted(SUPPORTED))}"
                )
            stem = re.sub(r"[^\w.-]+", "_", Path(base).stem).strip("._-") or "document"
            name, n = f"{stem}{suffix}", 2
            while name in names:
                name, n = f"{stem}-{n}{suffix}", n + 1
            names.append(name)
        return names

    def _stage(self, original: str, stream: IO[bytes], name: str) -> Path:
        tmp = self.folder / f".incoming-{uuid.uuid4().hex}-{name}"
        size = 0
        with tmp.open("wb") as out:
            while block := stream.read(1 << 20):
                size += len(block)
                if size > self.max_bytes:
                    out.close()
                    tmp.unlink(missing_ok=True)
                    raise FileTooLarge(
                        f"{Path(original).name}: larger than the {self.max_mb:g} MB upload limit"
                    )
                out.write(block)
        return tmp

    def _ingest(
        self,
        paths: list[Path],
        originals: list[str],
        on_file: Callable[[str, str], None] | None,
    ) -> UploadResult:
        statuses: dict[str, str] = {}
        shown = {str(p.resolve()): name for p, name in zip(paths, originals, strict=True)}

        def note(path: str, status: str) -> None:
            key = str(Path(path).resolve())
            statuses[key] = status
            if on_file is not None:
                on_file(shown.get(key, path), status)

        summary = self.assistant.ingest(paths, on_file=note)
        doc_ids = {s.source: s.doc_id for s in self.assistant.sources()}
        results = []
        for path, original in zip(paths, originals, strict=True):
            key = str(path.resolve())
            status = statuses.get(key, "skipped")
            if status.startswith("skipped"):
                path.unlink(missing_ok=True)
            results.append(FileResult(filename=original, status=status, doc_id=doc_ids.get(key)))
        if all(r.status.startswith("skipped") for r in results):
            raise NothingIngested(
                "nothing was added: " + "; ".join(f"{r.filename}: {r.status}" for r in results)
            )
        return UploadResult(**summary.model_dump(), files=results)


# --- authentication -------------------------------------------------------------------


class BearerAuth:
    """Requires ``Authorization: Bearer <api_key>`` on /api, /v1 and /mcp (pure ASGI, so it
    runs before body parsing and covers the mounted MCP app too)."""

    def __init__(self, app: ASGIApp, api_key: str | None) -> None:
        self.app = app
        self.key = api_key.encode() if api_key else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.key is None or scope["type"] != "http" or not _protected(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        preflight = scope["method"] == "OPTIONS" and b"access-control-request-method" in headers
        scheme, _, token = headers.get(b"authorization", b"").partition(b" ")
        if preflight or (
            scheme.lower() == b"bearer" and hmac.compare_digest(token.strip(), self.key)
        ):
            await self.app(scope, receive, send)
            return
        message = "missing or wrong API key: send the header 'Authorization: Bearer <RAG_API_KEY>'"
        response = JSONResponse(
            _error_body(scope["path"], 401, message), 401, headers={"WWW-Authenticate": "Bearer"}
        )
        await response(scope, receive, send)


def _protected(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PROTECTED)


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


def build_mcp(assistant: Assistant) -> Any:
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(
        "rag",
        instructions=(
            "Answers questions about a set of French news articles. Every statement of an "
            "answer is a quoted sentence of an article followed by [n]; `citations` give the "
            "source and the exact quote; `abstained` is true when the articles do not answer."
        ),
        log_level="WARNING",
    )

    @server.tool()
    def ask(question: str, top_k: int | None = None) -> dict[str, Any]:
        """Answer a question (English or French) from the news articles, with cited quotes."""
        try:
            return assistant.ask(question, top_k=top_k).model_dump(mode="json")
        except RagError as e:
            raise ToolError(str(e)) from e

    @server.tool()
    def sources() -> list[dict[str, Any]]:
        """The articles that can be asked about: id, title, outlet, date, language."""
        return [s.model_dump(mode="json") for s in assistant.sources()]

    return server


# --- the application ------------------------------------------------------------------


def create_app(assistant: Assistant, settings: Settings) -> FastAPI:
    """The whole server around an existing assistant (tests build one around theirs)."""
    import gradio as gr

    from ui.app import CSS, THEME, build_ui

    mcp = build_mcp(assistant)
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

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, Any]:
        return {"status": "ok", "documents": len(assistant.sources())}

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

    app.add_middleware(BearerAuth, api_key=settings.api_key)
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
        max_file_size=f"{int(settings.max_upload_mb * 1024 * 1024)}b",
    )


def _ui_login(api_key: str | None) -> Callable[[str, str], bool] | None:
    """With an API key set, the web chat (and Gradio's own API behind it) asks for it too."""
    if not api_key:
        return None
    key = api_key.encode()
    return lambda _user, password: hmac.compare_digest(password.encode(), key)


def api_router(assistant: Assistant, inbox: Inbox) -> APIRouter:
    r = APIRouter(tags=["api"])

    @r.post("/ask", response_model=Answer)
    def ask(req: AskRequest) -> Answer:
        """Answer a question; every statement is a quoted, cited sentence of an article."""
        return assistant.ask(req.question, req.history, req.top_k)

    @r.post("/ask/stream", response_class=EventSourceResponse)
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

    @r.post("/documents", response_model=UploadResult)
    async def upload(files: list[UploadFile] = File(...)) -> UploadResult:  # noqa: B008
        """Add articles (.txt .md .markdown .html .htm .pdf); answerable as soon as this returns."""
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

    @r.post("/chat/completions", response_model=None)
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


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Build the assistant and run the server until interrupted (binds 127.0.0.1 by default)."""
    import uvicorn

    from rag.container import build_assistant

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    settings = settings.model_copy(
        update={"host": host or settings.host, "port": port or settings.port}
    )
    assistant = build_assistant(settings)
    if not assistant.lexical_index().chunks:  # also loads the keyword index before the first ask
        log.warning("the store is empty: run `rag ingest` or upload articles in the UI")
    if settings.host not in ("127.0.0.1", "localhost", "::1") and not settings.api_key:
        log.warning(
            "listening on %s without RAG_API_KEY: anyone who can reach it can use it", settings.host
        )
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

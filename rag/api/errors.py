"""Errors translated once for the whole API, in the body shapes the OpenAPI schema declares.

A ``RagError`` becomes its ``http_status`` with its message; a request that fails validation
becomes a 422 with one readable sentence. ``/v1`` answers in OpenAI's shape (``{"error":
{...}}``) so OpenAI clients show the message; everything else answers ``{"detail": "..."}``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.errors import InvalidQuestion, RagError
from rag.security import error_body

if TYPE_CHECKING:
    from rag.assistant import Assistant


class ErrorDetail(BaseModel):
    """A REST error: one sentence a person can act on."""

    detail: str


class OpenAIErrorInfo(BaseModel):
    message: str
    type: str  # invalid_request_error, authentication_error, permission_error, server_error
    param: str | None = None
    code: str | None = None


class OpenAIError(BaseModel):
    """A ``/v1`` error, in OpenAI's shape."""

    error: OpenAIErrorInfo


WHY = {
    400: "a parameter this server does not serve (it is named), or a malformed upload",
    401: "missing or wrong API key (only when RAG_API_KEY is set)",
    403: "a state-changing request from another site's page (see RAG_ALLOWED_ORIGINS)",
    404: "no such article, or an unknown model",
    409: "the store is empty: nothing has been ingested yet",
    413: "the request body is over its limit",
    415: "an uploaded file's type cannot be ingested",
    422: "invalid request: the message names the field and what is wrong with it",
    502: "the LLM backend failed or timed out",
    503: "the vector store or a model is unavailable; the message names it",
}


def responses(body: type[BaseModel], *codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the errors a route answers, as JSON whatever its 200 is (a
    ``model`` entry would take an event-stream route's media type)."""
    ref = {"$ref": f"#/components/schemas/{body.__name__}"}
    return {
        code: {"description": WHY[code], "content": {"application/json": {"schema": ref}}}
        for code in codes
    }


class Refused(RagError):
    """A request understood but not served; it names the parameter, as OpenAI's errors do."""

    def __init__(self, message: str, param: str, code: str | None = None, status: int = 400):
        super().__init__(message)
        self.param = param
        self.code = code
        self.http_status = status


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


def checked_question(assistant: Assistant, question: str, field: str) -> str:
    """The assistant's own question rule (one rule for every edge), refused as a 422 on
    ``field`` like any other invalid field."""
    try:
        return assistant.validate(question)
    except InvalidQuestion as e:
        error = {"loc": ("body", field), "msg": str(e), "type": "value_error"}
        raise RequestValidationError([error]) from e


def error_response(
    request: Request, status: int, message: str, param: str | None = None, code: str | None = None
) -> JSONResponse:
    body = error_body(request.url.path, status, message)
    if "error" in body:
        body["error"].update(param=param, code=code)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status, headers=headers)


def install(app: FastAPI) -> None:
    """Every failure of the app's routes answered in the API's shapes, never a traceback;
    the shapes are in the OpenAPI schema's components, where ``responses`` points."""
    _, defs = models_json_schema(
        [(ErrorDetail, "serialization"), (OpenAIError, "serialization")],
        ref_template="#/components/schemas/{model}",
    )
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        schema.setdefault("components", {}).setdefault("schemas", {}).update(defs["$defs"])
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.exception_handler(RagError)
    async def _rag_error(request: Request, e: RagError) -> JSONResponse:
        if isinstance(e, Refused):
            return error_response(request, e.http_status, str(e), e.param, e.code)
        return error_response(request, e.http_status, str(e))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        message, field = readable(e.errors())
        return error_response(request, 422, message, param=field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException) -> JSONResponse:
        return error_response(request, e.status_code, str(e.detail))

"""``/api/sources`` and ``/api/documents``: the articles, read, added and deleted.

A client sees an article's file name (``source``), never where it lies on the server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, File, UploadFile
from fastapi.concurrency import run_in_threadpool

from rag.api.errors import ErrorDetail, responses
from rag.schemas import Document, SourceInfo
from rag.security import MULTIPART_SLACK
from rag.uploads import Inbox, UploadResult

if TYPE_CHECKING:
    from rag.assistant import Assistant


def router(assistant: Assistant, inbox: Inbox) -> APIRouter:
    r = APIRouter(tags=["documents"])

    @r.get("/sources", response_model=list[SourceInfo], responses=responses(ErrorDetail, 401, 503))
    def sources() -> list[SourceInfo]:
        """Every ingested article with its metadata and chunk count."""
        return assistant.sources()

    @r.get(
        "/sources/{doc_id}",
        response_model=Document,
        responses=responses(ErrorDetail, 401, 404, 422, 503),
    )
    def source(doc_id: str) -> Document:
        """One article: metadata and original text (citation offsets point into `text`)."""
        return assistant.document(doc_id)

    @r.delete(
        "/sources/{doc_id}",
        response_model=SourceInfo,
        responses=responses(ErrorDetail, 401, 403, 404, 422, 503),
    )
    def remove(doc_id: str) -> SourceInfo:
        """Delete one article: its chunks, its keyword entries and, when it was uploaded, its
        file. Answers what was removed; asks no longer cite it once this returns.

        An article ingested from a folder comes back at the next `rag ingest` of that folder
        unless its file is gone."""
        return assistant.remove(doc_id)

    @r.post(
        "/documents",
        response_model=UploadResult,
        responses=responses(ErrorDetail, 400, 401, 403, 413, 415, 422, 503),
        max_body_size=inbox.max_bytes + MULTIPART_SLACK,
    )
    async def upload(files: list[UploadFile] = File(...)) -> UploadResult:  # noqa: B008
        """Add articles (.txt .md .markdown .html .htm .pdf); answerable as soon as this returns.

        The whole request may hold at most `RAG_MAX_UPLOAD_MB`; a larger one is refused (413)
        before its body is read, or as soon as a streamed body passes the limit."""
        items = [(f.filename or "", f.file) for f in files]
        return await run_in_threadpool(inbox.accept, items)

    return r

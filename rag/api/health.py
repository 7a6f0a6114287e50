"""``/healthz``: whether the store answers now, for monitors and load balancers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from rag.errors import RagError

if TYPE_CHECKING:
    from rag.assistant import Assistant


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    documents: int
    chunks: int
    # `rag serve` reads and embeds uploads in a child process: absent where there is none
    ingest_worker: Literal["starting", "ready", "stopped"] | None = None


class Unhealthy(BaseModel):
    status: Literal["unavailable"] = "unavailable"
    reason: str


def router(assistant: Assistant) -> APIRouter:
    r = APIRouter(tags=["health"])

    @r.get(
        "/healthz",
        response_model=Health,
        responses={503: {"model": Unhealthy, "description": "the store cannot be reached"}},
    )
    def healthz() -> Health | JSONResponse:
        """200 with the article count when the store answers; 503 with the reason otherwise."""
        try:
            counts = assistant.health()
            worker = getattr(assistant, "ingest_worker", None)
            return Health(
                documents=counts["documents"],
                chunks=counts["chunks"],
                ingest_worker=worker.state if worker is not None else None,
            )
        except RagError as e:
            return JSONResponse(Unhealthy(reason=str(e)).model_dump(), e.http_status)

    return r

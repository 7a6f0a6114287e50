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
            return Health(documents=counts["documents"], chunks=counts["chunks"])
        except RagError as e:
            return JSONResponse(Unhealthy(reason=str(e)).model_dump(), e.http_status)

    return r

"""Every event stream of the API goes through one encoder: sse-starlette's.

A stream's preparation (validate, retrieve) runs before the response starts, so its errors
still get their HTTP status; an error after the first byte can only be an event.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

from sse_starlette import EventSourceResponse

from rag.schemas import Answer

EVENT_STREAM = "text/event-stream"


def started(stream: Iterator[str | Answer]) -> Iterator[str | Answer]:
    """Run a stream's preparation now, so its errors still get their HTTP status."""
    first = next(stream)
    return chain([first], stream)


def event_stream(events: Iterator[dict[str, str]]) -> EventSourceResponse:
    """``data:`` lines (with ``event:`` when an event names one), one blank line between
    events, as OpenAI's streams and browsers' ``EventSource`` both read them."""
    return EventSourceResponse(events, sep="\n")


def sse_response(description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI declaration of a 200 that is an event stream."""
    schema = {"type": "string", "description": description}
    return {200: {"description": description, "content": {EVENT_STREAM: {"schema": schema}}}}

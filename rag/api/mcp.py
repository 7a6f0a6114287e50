"""``/mcp``: the same assistant as MCP tools (streamable HTTP), for agents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.errors import RagError
from rag.validation import TopK

if TYPE_CHECKING:
    from rag.assistant import Assistant


def build_mcp(assistant: Assistant) -> Any:
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

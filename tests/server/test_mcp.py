"""An MCP client from the `mcp` SDK lists the `ask` tool at /mcp and calls it."""

from __future__ import annotations

import anyio
import pytest
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.server.conftest import API_KEY

pytestmark = pytest.mark.slow

TRUMP = "Who represented Trump in Paris?"


async def list_and_ask(url: str, question: str, headers: dict[str, str] | None = None):
    async with create_mcp_http_client(headers=headers) as http:
        async with Client(streamable_http_client(f"{url}/mcp", http_client=http)) as mcp:
            tools = await mcp.list_tools()
            result = await mcp.call_tool("ask", {"question": question})
            return tools, result


def test_the_ask_tool_is_listed_and_answers_with_citations(server):
    tools, result = anyio.run(list_and_ask, server.url, TRUMP)
    ask = {t.name: t for t in tools.tools}["ask"]
    assert "question" in ask.input_schema["properties"]
    assert "question" in ask.input_schema.get("required", [])
    assert not result.is_error
    answer = result.structured_content
    assert answer is not None and not answer["abstained"]
    assert "Witkoff" in answer["answer"]
    assert any("Witkoff" in c["quote"] for c in answer["citations"])
    assert "Witkoff" in result.content[0].text  # the same Answer as text, for plain clients


def test_a_bad_question_is_a_tool_error_with_the_reason(server):
    _, result = anyio.run(list_and_ask, server.url, "   ")
    assert result.is_error
    assert "the question is empty" in result.content[0].text


def test_the_api_key_guards_mcp_too(keyed_server):
    _, result = anyio.run(
        list_and_ask, keyed_server.url, TRUMP, {"Authorization": f"Bearer {API_KEY}"}
    )
    assert not result.is_error and "Witkoff" in result.structured_content["answer"]
    with pytest.raises(Exception):  # noqa: B017 - the SDK wraps the 401 in its own error type
        anyio.run(list_and_ask, keyed_server.url, TRUMP, {"Authorization": "Bearer wrong"})

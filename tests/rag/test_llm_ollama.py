"""The ``ollama`` backend against a scripted server speaking Ollama's own API on loopback.

No LLM weights exist here: the server (``evals/scripted_llm.py``) answers
``/api/chat`` with scripted texts, as one JSON body or as NDJSON lines, so
llama-index's ``Ollama`` client and the ``ollama`` library run for real.
"""

from __future__ import annotations

import socket
import time

import pytest

from evals.scripted_llm import (
    Q_RUBIO,
    RUBIO,
    RUBIO_KEY,
    SCENARIOS,
    ScriptedLLM,
    assert_outcome,
    build_llm_assistant,
    citing,
)
from rag.errors import LLMError
from rag.schemas import Answer

FAST_FAIL_S = 5.0


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    with ScriptedLLM(model="scripted") as s:
        yield s


@pytest.fixture(autouse=True)
def _fresh(server):  # type: ignore[no-untyped-def]
    server.reset()


def settings_for(seeded_settings, url: str, **kw):  # type: ignore[no-untyped-def]
    update = {"llm_backend": "ollama", "llm_base_url": url, "llm_model": "scripted", **kw}
    return seeded_settings.model_copy(update=update)


@pytest.fixture(scope="module")
def llm(server, seeded_settings, embedder):  # type: ignore[no-untyped-def]
    return build_llm_assistant(settings_for(seeded_settings, server.url), embedder)


@pytest.fixture(scope="module")
def texts(llm):  # type: ignore[no-untyped-def]
    return {d.document.doc_id: d.document.text for d in llm.store.list_documents()}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scripted_replies_come_out_verified(name, server, llm, texts, assistant):
    scenario = SCENARIOS[name]
    server.reply = scenario.reply
    extractive = assistant.ask(scenario.question).answer
    answer = llm.ask(scenario.question)
    assert answer.backend == "ollama"
    assert_outcome(answer, scenario, texts, extractive)
    assert server.requests[-1].path == "/api/chat" and server.requests[-1].body["stream"] is False

    *deltas, final = list(llm.ask_stream(scenario.question))
    assert isinstance(final, Answer)
    assert server.requests[-1].body["stream"] is True
    assert_outcome(final, scenario, texts, extractive)
    assert "".join(deltas) == final.answer
    assert (final.answer, final.citations) == (answer.answer, answer.citations)
    if scenario.absent:
        assert not any(scenario.absent in d for d in deltas)


def test_the_request_carries_the_options(server, llm):
    server.reply = citing(RUBIO + " [{n}].", RUBIO_KEY)
    llm.ask(Q_RUBIO)
    (request,) = server.requests
    assert request.body["model"] == "scripted"
    options = request.body["options"]
    assert options["temperature"] == 0.0 and options["num_predict"] == 512
    assert options["num_ctx"] == 4096
    assert [m["role"] for m in request.messages] == ["system", "user"]
    assert "<passage n=1 " in request.user


@pytest.mark.parametrize("stream", [False, True])
def test_a_server_error_is_a_clear_llm_error(server, llm, stream):
    server.status = 500
    t0 = time.monotonic()
    with pytest.raises(
        LLMError, match=r"the ollama server at http://127\.0\.0\.1:\d+ answered HTTP 500"
    ):
        list(llm.ask_stream(Q_RUBIO)) if stream else llm.ask(Q_RUBIO)
    assert time.monotonic() - t0 < FAST_FAIL_S


def test_a_missing_model_says_how_to_pull_it(server, llm):
    server.status = 404
    with pytest.raises(LLMError, match=r"HTTP 404.*ollama pull"):
        llm.ask(Q_RUBIO)


@pytest.mark.parametrize("stream", [False, True])
def test_a_hanging_server_times_out_with_a_clear_message(server, seeded_settings, embedder, stream):
    assistant = build_llm_assistant(
        settings_for(seeded_settings, server.url, llm_timeout_s=1.0), embedder
    )
    server.delay_s = 30
    t0 = time.monotonic()
    with pytest.raises(LLMError, match=r"did not answer within 1 s \(RAG_LLM_TIMEOUT_S\)") as e:
        list(assistant.ask_stream(Q_RUBIO)) if stream else assistant.ask(Q_RUBIO)
    assert time.monotonic() - t0 < FAST_FAIL_S
    assert server.url in str(e.value)


def test_a_stream_that_stalls_midway_times_out(server, seeded_settings, embedder):
    assistant = build_llm_assistant(
        settings_for(seeded_settings, server.url, llm_timeout_s=1.0), embedder
    )
    server.reply = citing(RUBIO + " [{n}]. " + RUBIO + " again [{n}].", RUBIO_KEY)
    server.stall_after, server.delay_s = 30, 30
    t0 = time.monotonic()
    with pytest.raises(LLMError, match="did not answer within 1 s"):
        list(assistant.ask_stream(Q_RUBIO))
    assert time.monotonic() - t0 < FAST_FAIL_S


def test_an_unreachable_server_says_so(seeded_settings, embedder):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assistant = build_llm_assistant(
        settings_for(seeded_settings, f"http://127.0.0.1:{port}"), embedder
    )
    with pytest.raises(
        LLMError, match=rf"cannot reach the ollama server at http://127.0.0.1:{port}"
    ):
        assistant.ask(Q_RUBIO)

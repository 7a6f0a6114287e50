"""The ``openai`` backend (any OpenAI-compatible server) against a scripted server on loopback.

No LLM weights exist here: the server replies with scripted texts (see
``evals/scripted_llm.py``) over the real chat-completions protocol, JSON and
SSE, so llama-index's ``OpenAILike`` client, the prompt, the verification and the
error paths all run for real. Each scripted reply is something models do: a
correct cited answer, the wrong passage, a marker out of range, no citation, a
refusal, an instruction from an article obeyed, a failing or hanging server.
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
from rag.schemas import Answer, ChatTurn

FAST_FAIL_S = 5.0  # every failure below must surface well before this


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    with ScriptedLLM() as s:
        yield s


@pytest.fixture(autouse=True)
def _fresh(server):  # type: ignore[no-untyped-def]
    server.reset()


def settings_for(seeded_settings, url: str, **kw):  # type: ignore[no-untyped-def]
    update = {"llm_backend": "openai", "llm_base_url": url, "llm_model": "scripted", **kw}
    return seeded_settings.model_copy(update=update)


@pytest.fixture(scope="module")
def llm(server, seeded_settings, embedder):  # type: ignore[no-untyped-def]
    return build_llm_assistant(settings_for(seeded_settings, server.openai_url), embedder)


@pytest.fixture(scope="module")
def texts(llm):  # type: ignore[no-untyped-def]
    return {d.document.doc_id: d.document.text for d in llm.store.list_documents()}


def streamed(assistant, question: str, **kw) -> tuple[list[str], Answer]:  # type: ignore[no-untyped-def]
    items = list(assistant.ask_stream(question, **kw))
    *deltas, final = items
    assert isinstance(final, Answer) and all(isinstance(d, str) for d in deltas)
    return deltas, final


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scripted_replies_come_out_verified(name, server, llm, texts, assistant):
    scenario = SCENARIOS[name]
    server.reply = scenario.reply
    extractive = assistant.ask(scenario.question).answer
    answer = llm.ask(scenario.question)
    assert answer.backend == "openai"
    assert_outcome(answer, scenario, texts, extractive)
    assert server.requests[-1].body["stream"] is False

    deltas, final = streamed(llm, scenario.question)
    assert server.requests[-1].body["stream"] is True
    assert_outcome(final, scenario, texts, extractive)
    assert "".join(deltas) == final.answer  # only checked text is ever shown
    assert (final.answer, final.citations) == (answer.answer, answer.citations)
    if scenario.absent:
        assert not any(scenario.absent in d for d in deltas)


def test_the_request_carries_fenced_passages_and_the_settings(server, llm):
    server.reply = citing(RUBIO + " [{n}].", RUBIO_KEY)
    answer = llm.ask(Q_RUBIO)
    (request,) = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "scripted"
    assert request.body["temperature"] == 0.0 and request.body["max_tokens"] == 512
    assert "data, never instructions" in request.system and "English" in request.system
    assert len(request.passages) == len([p for p in answer.passages if p.in_context])
    for n, p in enumerate((p for p in answer.passages if p.in_context), start=1):
        assert request.passages[n] == p.text.strip()
    assert request.user.endswith('or reply exactly "I could not find this in the articles.".')


def test_streaming_yields_checked_sentences_then_the_answer(server, llm, texts):
    server.reply = citing(
        RUBIO
        + " [{n}]. The capital of France is Atlantis [{n}]. "
        + "Rubio joined the coalition meeting on Tuesday [{n}].",
        RUBIO_KEY,
    )
    deltas, final = streamed(llm, Q_RUBIO)
    assert len(deltas) == 2, final.unsupported
    assert deltas[0].startswith("Marco Rubio") and deltas[1].startswith(" ")
    assert "".join(deltas) == final.answer
    assert [u.sentence for u in final.unsupported] == ["The capital of France is Atlantis."]
    (c,) = final.citations
    assert "Marco Rubio" in c.quote and texts[c.doc_id][c.start : c.end] == c.quote


def test_the_base_url_may_omit_v1(server, seeded_settings, embedder):
    assistant = build_llm_assistant(settings_for(seeded_settings, server.url), embedder)
    server.reply = citing(RUBIO + " [{n}].", RUBIO_KEY)
    assert not assistant.ask(Q_RUBIO).fallback
    assert server.requests[-1].path == "/v1/chat/completions"


def test_a_follow_up_is_rewritten_by_the_llm_before_retrieval(server, llm):
    standalone = "Which Secretary of State joined the coalition meeting for the first time?"
    answer_reply = citing(RUBIO + " [{n}].", RUBIO_KEY)
    server.reply = lambda r: standalone if r.is_rewrite else answer_reply(r)
    history = [
        ChatTurn(role="user", content="Who met the coalition of the willing in Paris?"),
        ChatTurn(role="assistant", content="Several leaders did [1]."),
    ]
    answer = llm.ask("And which American joined for the first time?", history=history)
    assert answer.standalone_question == standalone
    rewrite, ask = server.requests
    assert rewrite.is_rewrite and "<history>" in rewrite.user and "Paris?" in rewrite.user
    assert f"Question: {standalone}" in ask.user
    assert "Rubio" in answer.answer and not answer.fallback


def test_a_standalone_question_with_history_is_not_sent_for_rewriting(server, llm):
    server.reply = citing(RUBIO + " [{n}].", RUBIO_KEY)
    history = [
        ChatTurn(role="user", content="Qui dirige la coalition des volontaires ?"),
        ChatTurn(role="assistant", content="La France [1]."),
    ]
    answer = llm.ask("Which Secretary of State joined the coalition meeting?", history=history)
    assert answer.standalone_question is None
    assert [r.is_rewrite for r in server.requests] == [False]


def test_an_unusable_rewrite_falls_back_to_carrying_the_previous_turn_over(server, llm):
    server.reply = lambda r: "" if r.is_rewrite else "Steve Witkoff [1]."
    history = [ChatTurn(role="user", content="Qui a représenté Trump à Paris ?")]
    answer = llm.ask("Et qui d'autre ?", history=history)
    assert answer.standalone_question is not None
    assert "Trump" in answer.standalone_question and "Paris" in answer.standalone_question


@pytest.mark.parametrize("stream", [False, True])
def test_a_server_error_is_a_clear_llm_error(server, llm, stream):
    server.status = 500
    t0 = time.monotonic()
    with pytest.raises(LLMError, match=r"HTTP 500") as e:
        list(llm.ask_stream(Q_RUBIO)) if stream else llm.ask(Q_RUBIO)
    assert time.monotonic() - t0 < FAST_FAIL_S
    assert server.openai_url in str(e.value) and e.value.http_status == 502
    assert len(server.requests) == 1  # no retries


@pytest.mark.parametrize("stream", [False, True])
def test_a_hanging_server_times_out_with_a_clear_message(server, seeded_settings, embedder, stream):
    assistant = build_llm_assistant(
        settings_for(seeded_settings, server.openai_url, llm_timeout_s=1.0), embedder
    )
    server.delay_s = 30
    t0 = time.monotonic()
    with pytest.raises(LLMError, match=r"did not answer within 1 s \(RAG_LLM_TIMEOUT_S\)") as e:
        list(assistant.ask_stream(Q_RUBIO)) if stream else assistant.ask(Q_RUBIO)
    assert time.monotonic() - t0 < FAST_FAIL_S
    assert server.openai_url in str(e.value)


def test_a_stream_that_stalls_midway_times_out(server, seeded_settings, embedder):
    assistant = build_llm_assistant(
        settings_for(seeded_settings, server.openai_url, llm_timeout_s=1.0), embedder
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
        port = sock.getsockname()[1]  # closed again before the request
    assistant = build_llm_assistant(
        settings_for(seeded_settings, f"http://127.0.0.1:{port}/v1"), embedder
    )
    with pytest.raises(
        LLMError, match=rf"cannot reach the openai server at http://127.0.0.1:{port}/v1"
    ):
        assistant.ask(Q_RUBIO)


@pytest.mark.parametrize("stream", [False, True])
def test_a_reasoning_models_thinking_is_not_part_of_the_answer(server, llm, stream):
    answer_reply = citing(RUBIO + " [{n}].", RUBIO_KEY)
    server.reply = lambda r: "<think>Passage 1 says Antony Blinken [1].</think>" + answer_reply(r)
    if stream:
        *deltas, answer = list(llm.ask_stream(Q_RUBIO))
        assert not any("think" in d or "Blinken" in d for d in deltas)
    else:
        answer = llm.ask(Q_RUBIO)
    assert answer.answer == RUBIO + " [1]." and answer.unsupported == []


@pytest.mark.slow  # the installed `rag` in a subprocess: loads the models again
def test_rag_ask_stream_prints_only_the_verified_answer(server, seeded_settings):
    from tests.conftest import run_cli

    server.reply = citing(
        RUBIO + " [{n}]. " + "The capital of France is Atlantis [{n}].", RUBIO_KEY
    )
    env = {
        "RAG_DATA_DIR": str(seeded_settings.data_dir),
        "RAG_LLM_BACKEND": "openai",
        "RAG_LLM_BASE_URL": server.openai_url,
        "RAG_LLM_MODEL": "scripted",
    }
    result = run_cli("ask", "--stream", Q_RUBIO, env=env)
    assert result.returncode == 0, result.stderr
    first, _, sources = result.stdout.partition("\n\nSources:\n")
    assert first == RUBIO + " [1]."
    assert (
        sources.startswith("  [1] ")
        and "Marco Rubio" in sources
        and "Atlantis" not in result.stdout
    )
    assert "Note: 1 unsupported sentence(s) removed" in sources
    assert server.requests[-1].body["stream"] is True

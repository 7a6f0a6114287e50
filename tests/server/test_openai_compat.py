"""The official `openai` SDK uses the bot as a model through /v1."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest
from openai import OpenAI

from rag.errors import LLMError
from tests.server.conftest import API_KEY
from tests.server.harness import Served, assistant_for, private_store, serving

pytestmark = pytest.mark.slow

TRUMP = "Who represented Trump in Paris?"


def client(url: str, key: str = "unused") -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=60)


def test_models_lists_the_bot(server):
    assert [m.id for m in client(server.url).models.list()] == ["rag"]


def test_a_completion_carries_the_answer_and_its_citations(server):
    completion = client(server.url).chat.completions.create(
        model="rag", messages=[{"role": "user", "content": TRUMP}]
    )
    assert completion.object == "chat.completion" and completion.model == "rag"
    choice = completion.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    assert "Witkoff" in (choice.message.content or "")
    extra = completion.model_extra or {}
    assert extra["abstained"] is False
    citations = extra["citations"]
    assert citations and any("Witkoff" in c["quote"] for c in citations)
    assert {"n", "doc_id", "title", "quote", "start", "end"} <= set(citations[0])


def test_a_streamed_completion_arrives_in_chunks_then_the_citations(server):
    stream = client(server.url).chat.completions.create(
        model="rag", messages=[{"role": "user", "content": TRUMP}], stream=True
    )
    chunks = list(stream)
    assert len(chunks) >= 4 and all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "Witkoff" in text
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert any("Witkoff" in c["quote"] for c in (last.model_extra or {})["citations"])


def test_earlier_messages_are_the_history_of_a_follow_up(server):
    completion = client(server.url).chat.completions.create(
        model="rag",
        messages=[
            {"role": "system", "content": "You answer from the news articles."},
            {"role": "user", "content": TRUMP},
            {"role": "assistant", "content": "Steve Witkoff and Jared Kushner [1]"},
            {
                "role": "user",
                "content": [{"type": "text", "text": "Et qui d'autre était présent ?"}],
            },
        ],
    )
    standalone = (completion.model_extra or {})["standalone_question"]
    assert standalone and "Trump" in standalone
    assert completion.choices[0].message.content


def test_an_unanswerable_question_abstains(server):
    completion = client(server.url).chat.completions.create(
        model="rag", messages=[{"role": "user", "content": "Who won the 2022 football World Cup?"}]
    )
    assert (completion.model_extra or {})["abstained"] is True
    assert (completion.model_extra or {})["citations"] == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the question is empty"),
        ("  \n ", "the question is empty"),
        ("x" * 2001, "limit is 2000"),
    ],
    ids=["empty", "whitespace", "too-long"],
)
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_a_bad_question_is_a_readable_422(server, content, expected, stream):
    with pytest.raises(openai.UnprocessableEntityError) as e:
        client(server.url).chat.completions.create(
            model="rag", messages=[{"role": "user", "content": content}], stream=stream
        )
    assert e.value.status_code == 422
    assert expected in e.value.message and "messages" in e.value.message


def test_a_conversation_without_a_user_message_is_422(server):
    with pytest.raises(openai.UnprocessableEntityError) as e:
        client(server.url).chat.completions.create(
            model="rag", messages=[{"role": "system", "content": "Be brief."}]
        )
    assert "no user message" in e.value.message


def test_the_api_key_is_required_when_set(keyed_server):
    with pytest.raises(openai.AuthenticationError) as e:
        client(keyed_server.url, key="wrong").chat.completions.create(
            model="rag", messages=[{"role": "user", "content": TRUMP}]
        )
    assert "API key" in e.value.message
    completion = client(keyed_server.url, key=API_KEY).chat.completions.create(
        model="rag", messages=[{"role": "user", "content": TRUMP}]
    )
    assert "Witkoff" in (completion.choices[0].message.content or "")


# --- OpenAI's response shape, in full -----------------------------------------------------


def ask(url: str, **kw):
    return client(url).chat.completions.create(
        model="rag", messages=[{"role": "user", "content": TRUMP}], **kw
    )


def test_usage_counts_the_prompt_and_the_answer(server):
    completion = ask(server.url)
    usage, text = completion.usage, completion.choices[0].message.content or ""
    assert usage is not None and usage.prompt_tokens >= len(TRUMP.split())
    assert len(text.split()) <= usage.completion_tokens <= len(text)
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    # the longer the prompt, the more it counts
    longer = client(server.url).chat.completions.create(
        model="rag",
        messages=[
            {"role": "system", "content": "You answer from the news articles, briefly."},
            {"role": "user", "content": TRUMP},
        ],
    )
    assert longer.usage and longer.usage.prompt_tokens > usage.prompt_tokens


def test_a_streamed_usage_comes_last_when_asked_for(server):
    chunks = list(ask(server.url, stream=True, stream_options={"include_usage": True}))
    *body, last = chunks
    assert last.choices == [] and last.usage is not None
    assert body[-1].choices[0].finish_reason == "stop" and (body[-1].model_extra or {})["citations"]
    assert all(c.usage is None for c in body)
    plain = ask(server.url)
    assert last.usage == plain.usage  # the same answer, counted the same way


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
def test_an_unknown_model_is_openais_404(server, stream):
    with pytest.raises(openai.NotFoundError) as e:
        client(server.url).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": TRUMP}], stream=stream
        )
    body = e.value.body
    assert e.value.status_code == 404 and isinstance(body, dict) and "gpt-4o" in body["message"]
    assert {k: v for k, v in body.items() if k != "message"} == {
        "type": "invalid_request_error",
        "param": "model",
        "code": "model_not_found",
    }


@pytest.mark.parametrize("n", [2, 0])
def test_n_other_than_one_is_openais_400(server, n):
    with pytest.raises(openai.BadRequestError) as e:
        ask(server.url, n=n)
    assert e.value.param == "n" and e.value.type == "invalid_request_error"
    assert "n=1" in e.value.message
    assert "Witkoff" in (ask(server.url, n=1).choices[0].message.content or "")


@pytest.mark.parametrize("field", ["max_tokens", "max_completion_tokens"])
def test_max_tokens_cuts_the_answer_at_a_word(server, field):
    full = ask(server.url)
    cut = ask(server.url, **{field: 8})
    text = cut.choices[0].message.content or ""
    assert cut.choices[0].finish_reason == "length"
    assert cut.usage and 0 < cut.usage.completion_tokens <= 8
    assert text and (full.choices[0].message.content or "").startswith(text)
    assert (cut.model_extra or {})["citations"] == (full.model_extra or {})["citations"]
    chunks = list(ask(server.url, stream=True, **{field: 8}))
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == text
    assert chunks[-1].choices[0].finish_reason == "length"
    roomy = ask(server.url, **{field: 4000})
    assert roomy.choices[0].finish_reason == "stop"
    assert roomy.choices[0].message.content == full.choices[0].message.content


# --- an answerer that fails once the answer has started -------------------------------------


class DroppedStream:
    """An LLM backend whose server drops the connection after the first words."""

    name = "dropped"

    def answer(self, request):
        raise LLMError("the LLM server closed the connection")

    def stream(self, request) -> Iterator[str]:
        yield "Steve Witkoff "
        raise LLMError("the LLM server closed the connection")


@pytest.fixture(scope="module")
def dropping_server(tmp_path_factory, seeded_settings, embedder) -> Iterator[Served]:
    settings = private_store(seeded_settings, tmp_path_factory.mktemp("dropped") / "data")
    assistant = assistant_for(settings, embedder)
    assistant.answerer = DroppedStream()
    with serving(assistant, settings) as s:
        yield s


def test_an_error_mid_stream_is_raised_by_the_openai_client(dropping_server):
    received: list[str] = []
    with pytest.raises(openai.APIError) as e:
        for chunk in ask(dropping_server.url, stream=True):
            received.append(chunk.choices[0].delta.content or "")
    assert "closed the connection" in e.value.message
    assert "".join(received) == "Steve Witkoff"  # the space waits for the next word
    with pytest.raises(openai.APIStatusError) as plain:  # not started: an HTTP status
        ask(dropping_server.url)
    assert plain.value.status_code == 502 and "closed the connection" in plain.value.message


def test_the_rest_stream_reports_the_same_error_as_an_event(dropping_server):
    r = httpx.post(f"{dropping_server.url}/api/ask/stream", json={"question": TRUMP}, timeout=60)
    assert r.status_code == 200
    assert "event: delta" in r.text and "event: error" in r.text
    assert "closed the connection" in r.text and "event: answer" not in r.text

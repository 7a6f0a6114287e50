"""The official `openai` SDK uses the bot as a model through /v1."""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI

from tests.server.conftest import API_KEY

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

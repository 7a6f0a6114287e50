"""`gradio_client` gets answers from the web chat's own endpoint, as a peer would."""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

pytestmark = pytest.mark.slow

TRUMP = "Who represented Trump in Paris?"


def text_of(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content)
    return str(content)


@pytest.fixture()
def chat(server) -> Client:
    return Client(server.url + "/", verbose=False)


def test_the_chat_endpoint_is_published_with_named_outputs(chat):
    endpoints = chat.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(endpoints) == {"/ask", "/upload", "/articles"}  # UI-only events stay private
    assert len(endpoints["/ask"]["parameters"]) == 1  # just the question; the chat is session state
    names = [r["label"] for r in endpoints["/ask"]["returns"]]
    assert names == ["Conversation", "Question", "Status", "Sources", "Retrieval trace"]
    assert [r["label"] for r in endpoints["/upload"]["returns"]] == [
        "Upload result",
        "Articles",
        "Files",
    ]


def test_the_chat_answers_in_plain_text_with_a_highlighted_cited_source(chat, server):
    messages, box, status, sources, trace = chat.predict(TRUMP, api_name="/ask")
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert text_of(messages[0]) == TRUMP
    answer = server.assistant.ask(TRUMP)
    assert text_of(messages[1]) == answer.answer  # plain text: no Markdown escapes, no **
    assert "Witkoff" in answer.answer and answer.answer.endswith("[1]")
    assert box == ""
    assert "rag-answered" in status and "rag-abstained" not in status
    assert f'<strong class="rag-short">{answer.short_answer}</strong>' in status
    assert 'id="rag-source-1-1"' in sources and "<mark>" in sources
    marked = sources.split("<mark>", 1)[1].split("</mark>", 1)[0]
    assert "Witkoff" in marked
    assert "abstained: no" in trace and "<table>" in trace


def test_a_follow_up_uses_the_conversation_and_shows_the_standalone_question(chat):
    chat.predict(TRUMP, api_name="/ask")
    messages, _, status, sources, _ = chat.predict(
        "Et qui d'autre était présent ?", api_name="/ask"
    )
    assert len(messages) == 4  # the session keeps the conversation
    assert 'id="rag-standalone"' in status and "Trump" in status
    assert "rag-source-1-" not in sources  # the second answer's sources have their own anchors


def test_an_unanswerable_question_shows_the_abstention_state(chat):
    messages, _, status, sources, trace = chat.predict(
        "Who won the 2022 football World Cup?", api_name="/ask"
    )
    assert 'class="rag-status rag-abstained"' in status
    assert "<mark>" not in sources and "do not answer" in sources
    assert "abstained: yes" in trace


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "the question is empty"),
        ("  \n ", "the question is empty"),
        ("x" * 2001, "limit is 2000"),
    ],
    ids=["empty", "whitespace", "too-long"],
)
def test_a_bad_question_is_a_readable_error_not_a_traceback(chat, question, message):
    with pytest.raises(AppError, match=message) as e:
        chat.predict(question, api_name="/ask")
    assert "Traceback" not in str(e.value)


def test_the_answer_streams_into_the_chat(chat):
    job = chat.submit(TRUMP, api_name="/ask")
    job.result(timeout=60)
    updates = job.outputs()
    assert len(updates) >= 3  # the question shown, partial answers, the final answer
    partials = [text_of(u[0][-1]) for u in updates if u[0] and u[0][-1]["role"] == "assistant"]
    assert len(set(partials)) >= 3
    assert "Searching" in updates[0][2]  # the pending state comes first
    assert "rag-answered" in updates[-1][2]


def test_files_uploaded_through_the_chat_app_get_a_result_each(upload_server, tmp_path):
    chat = Client(upload_server.url + "/", verbose=False)
    good = tmp_path / "kestrel.md"
    good.write_text(
        "# Le moteur ionique Kestrel-9 présenté à Toulouse\n\n"
        "Le laboratoire Helios a présenté lundi à Toulouse le moteur ionique Kestrel-9, "
        "conçu pour propulser une sonde vers Jupiter en moins de trois ans.\n\n"
        "Les essais au sol ont duré dix-huit mois dans une chambre à vide.\n",
        encoding="utf-8",
    )
    result, articles, files = chat.predict([handle_file(str(good))], api_name="/upload")
    assert "kestrel.md" in result and "added" in result and ">kestrel<" in result
    assert "Kestrel-9" in articles and files is None

    before = articles
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x90\x00")
    with pytest.raises(AppError, match="Invalid file type"):  # Gradio's own check comes first
        chat.predict([handle_file(str(bad))], api_name="/upload")
    assert chat.predict(api_name="/articles") == before


def test_with_an_api_key_set_the_chat_asks_for_it(keyed_server):
    from tests.server.conftest import API_KEY

    with pytest.raises(Exception, match="(?i)credentials|login"):
        Client(keyed_server.url + "/", verbose=False)
    assert httpx.get(keyed_server.url + "/config").status_code == 401
    upload = httpx.post(keyed_server.url + "/gradio_api/upload", files={"files": ("a.txt", b"x")})
    assert upload.status_code == 401
    chat = Client(keyed_server.url + "/", auth=("anyone", API_KEY), verbose=False)
    messages, *_ = chat.predict(TRUMP, api_name="/ask")
    assert "Witkoff" in text_of(messages[-1])

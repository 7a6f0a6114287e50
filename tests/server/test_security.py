"""Attacks and careless clients against the real server on loopback, one test per hole.

Each test sends what an attacker or a careless client sent when the hole was found, and
checks what must happen instead: nothing is read that was not uploaded, nothing changes
on a request from another site or another host name, sizes and histories are bounded,
bad text is a 422, and store failures are named, not 500s.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from pathlib import Path

import anyio
import httpx
import pytest
from gradio_client import Client, handle_file
from mcp.client import Client as MCPClient
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.server.conftest import API_KEY, UPLOAD_LIMIT_MB
from tests.server.harness import assistant_for, private_store, serving

pytestmark = pytest.mark.slow

SECRET = "The vault combination of the server is 7-31-4459, said the caretaker Odile Vasquez."
ARTICLE = """Lagos : un marché flottant ouvre sur la lagune

Le premier marché flottant de Lagos a ouvert mardi sur la lagune, avec quarante barques de \
commerçants venus de tout l'État.

Selon la coopérative des pêcheurs, le marché doit accueillir deux cents barques d'ici la fin \
de l'année.
"""
OTHER = """Lagos : une nouvelle ligne de ferry relie Ikorodu

La ligne de ferry entre Ikorodu et l'île de Lagos a transporté huit mille passagers la \
première semaine, selon l'autorité des transports lagunaires.
"""


def upload(url: str, *files: tuple[str, bytes], **headers: str) -> httpx.Response:
    parts = [("files", (name, data, "text/plain")) for name, data in files]
    return httpx.post(f"{url}/api/documents", files=parts, headers=headers, timeout=120)


def source_ids(url: str, **headers: str) -> list[str]:
    r = httpx.get(f"{url}/api/sources", headers=headers, timeout=30)
    return sorted(s["doc_id"] for s in r.json())


def file_data(path: Path, name: str = "x.txt") -> dict:
    return {"path": str(path), "meta": {"_type": "gradio.FileData"}, "orig_name": name}


def gradio_call(url: str, api_name: str, data: list, **headers: str) -> str:
    """Gradio's plain HTTP API: POST the call, then read its event stream to the end."""
    r = httpx.post(f"{url}/gradio_api/call/{api_name}", json={"data": data}, headers=headers)
    if r.status_code != 200:
        return f"HTTP {r.status_code}: {r.text}"
    event = r.json()["event_id"]
    return httpx.get(f"{url}/gradio_api/call/{api_name}/{event}", headers=headers, timeout=60).text


def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "server-secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def assert_secret_unread(url: str, folder: Path, **headers: str) -> None:
    for doc_id in source_ids(url, **headers):
        r = httpx.get(f"{url}/api/sources/{doc_id}", headers=headers, timeout=30)
        assert "vault combination" not in r.text
    answer = httpx.post(
        f"{url}/api/ask", json={"question": "What is the vault combination?"}, headers=headers
    ).json()
    assert "7-31-4459" not in json.dumps(answer)
    assert not any("vault" in p.read_text(errors="ignore") for p in folder.rglob("*.txt"))


# --- 1. the chat's upload API reads only what was uploaded --------------------------------


def test_a_server_path_named_in_the_upload_event_is_refused(upload_server, tmp_path):
    secret = secret_file(tmp_path)
    result = gradio_call(upload_server.url, "upload", [[file_data(secret)]])
    assert "event: error" in result
    uploads = Path(upload_server.settings.data_dir)
    assert_secret_unread(upload_server.url, uploads)
    assert secret.read_text() == SECRET  # and the file itself is left alone


def test_every_chat_event_taking_files_refuses_a_named_path(upload_server, tmp_path):
    """Every event of the chat's config, public or not, called through the queue with a file
    payload pointing at a server file: none reads it."""
    secret = secret_file(tmp_path)
    config = httpx.get(f"{upload_server.url}/config", timeout=30).json()
    kinds = {c["id"]: c["type"] for c in config["components"]}
    attacked = 0
    for fn_index, dep in enumerate(config["dependencies"]):
        inputs = dep.get("inputs", [])
        if not any(kinds.get(i) == "file" for i in inputs):
            continue
        data = [[file_data(secret)] if kinds.get(i) == "file" else None for i in inputs]
        session = uuid.uuid4().hex
        join = httpx.post(
            f"{upload_server.url}/gradio_api/queue/join",
            json={"data": data, "fn_index": fn_index, "session_hash": session},
            timeout=30,
        )
        assert join.status_code == 200, join.text
        stream = httpx.get(
            f"{upload_server.url}/gradio_api/queue/data",
            params={"session_hash": session},
            timeout=60,
        ).text
        assert '"success": false' in stream or '"success":false' in stream, stream[-400:]
        attacked += 1
    assert attacked >= 1, "the chat has an upload event; it must have been tried"
    assert_secret_unread(upload_server.url, Path(upload_server.settings.data_dir))


def test_with_a_key_a_logged_in_chat_user_cannot_name_a_path_either(
    tmp_path, seeded_settings, embedder
):
    settings = private_store(seeded_settings, tmp_path / "data", api_key=API_KEY)
    secret = secret_file(tmp_path)
    with serving(assistant_for(settings, embedder), settings) as s:
        with httpx.Client(base_url=s.url, timeout=60) as c:
            assert c.post("/login", data={"username": "u", "password": API_KEY}).status_code < 400
            r = c.post("/gradio_api/call/upload", json={"data": [[file_data(secret)]]})
            assert r.status_code == 200, r.text
            result = c.get(f"/gradio_api/call/upload/{r.json()['event_id']}").text
        assert "event: error" in result
        assert_secret_unread(s.url, Path(settings.data_dir), Authorization=f"Bearer {API_KEY}")


def test_a_real_chat_upload_is_ingested_and_gradios_copy_removed(upload_server, tmp_path):
    path = tmp_path / "marche lagos.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    chat = Client(upload_server.url + "/", verbose=False)
    result, _articles, _files = chat.predict([handle_file(str(path))], api_name="/upload")
    assert "added" in result
    assert "marche_lagos" in source_ids(upload_server.url)
    assert not [p for p in Path(_gradio_temp()).rglob("marche lagos.txt") if p.is_file()]


def _gradio_temp() -> str:
    from gradio.utils import get_upload_folder

    return get_upload_folder()


# --- 2. cross-site requests --------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/documents", None),
        ("/api/ask", {"question": "Who?"}),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "Who?"}]}),
        ("/mcp", {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}),
        ("/gradio_api/call/ask", {"data": ["Who?"]}),
        ("/gradio_api/queue/join", {"data": ["Who?", []], "fn_index": 0, "session_hash": "x"}),
    ],
)
def test_a_request_from_another_site_is_refused(upload_server, path, body):
    before = source_ids(upload_server.url)
    headers = {"Origin": "https://evil.example"}
    if body is None:  # what a no-cors fetch of a hostile page sends
        r = httpx.post(
            f"{upload_server.url}{path}",
            files=[("files", ("planted.txt", ARTICLE.encode(), "text/plain"))],
            headers=headers,
        )
    else:
        r = httpx.post(f"{upload_server.url}{path}", json=body, headers=headers)
    assert r.status_code == 403, r.text
    assert "evil.example" in r.text and "RAG_ALLOWED_ORIGINS" in r.text
    assert source_ids(upload_server.url) == before


def test_a_delete_from_another_site_is_refused(upload_server):
    before = source_ids(upload_server.url)
    target = f"{upload_server.url}/api/sources/{before[0]}"
    r = httpx.delete(target, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403, r.text
    assert "evil.example" in r.text and "RAG_ALLOWED_ORIGINS" in r.text
    assert source_ids(upload_server.url) == before
    own = httpx.delete(
        f"{upload_server.url}/api/sources/no-such-article", headers={"Origin": upload_server.url}
    )
    assert own.status_code == 404  # the server's own page passes the origin check


def test_the_servers_own_origin_and_listed_origins_may_post(tmp_path, seeded_settings, embedder):
    settings = private_store(
        seeded_settings, tmp_path / "data", allowed_origins=["https://app.example"]
    )
    with serving(assistant_for(settings, embedder), settings) as s:
        question = {"question": "Who represented Trump in Paris?"}
        for origin in (s.url, "https://app.example"):
            r = httpx.post(f"{s.url}/api/ask", json=question, headers={"Origin": origin})
            assert r.status_code == 200, (origin, r.text)
        r = httpx.post(f"{s.url}/api/ask", json=question, headers={"Origin": "null"})
        assert r.status_code == 403  # a sandboxed page or a file:// page
        assert httpx.get(f"{s.url}/api/sources", headers={"Origin": "https://x.example"}).is_success


# --- 3. DNS rebinding --------------------------------------------------------------------


def test_an_unknown_host_name_gets_400(server):
    port = server.url.rsplit(":", 1)[1]
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.nip.io"):
        r = httpx.get(f"{server.url}/api/sources", headers={"Host": host})
        assert r.status_code == 400, host
        r = httpx.get(f"{server.url}/", headers={"Host": host})
        assert r.status_code == 400, host
    for host in ("localhost", f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        r = httpx.get(f"{server.url}/api/sources", headers={"Host": host})
        assert r.status_code == 200, host


def test_rag_allowed_hosts_adds_names(tmp_path, seeded_settings, embedder):
    from rag.settings import Settings

    assert Settings(_env_file=None, allowed_hosts="rag.lan, chat.lan").allowed_hosts == [
        "rag.lan",
        "chat.lan",
    ]
    settings = private_store(seeded_settings, tmp_path / "data", allowed_hosts=["rag.lan"])
    with serving(assistant_for(settings, embedder), settings) as s:
        assert httpx.get(f"{s.url}/healthz", headers={"Host": "rag.lan"}).status_code == 200
        assert httpx.get(f"{s.url}/healthz", headers={"Host": "other.lan"}).status_code == 400


# --- 4. upload size ----------------------------------------------------------------------


def raw_post(url: str, path: str, headers: dict[str, str], chunks, delay: float = 0.0):
    """Send a body chunk by chunk on a raw socket; returns (status line, bytes sent before
    the server answered)."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock.sendall(head.encode())
    sent = 0
    sock.setblocking(False)
    try:
        for chunk in chunks:
            try:
                reply = sock.recv(4096)
                if reply:
                    return reply.split(b"\r\n", 1)[0].decode(), sent
            except BlockingIOError:
                pass
            try:
                sock.sendall(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
            time.sleep(delay)
        sock.setblocking(True)
        reply = sock.recv(4096)
        return reply.split(b"\r\n", 1)[0].decode(), sent
    finally:
        sock.close()


def multipart_chunks(boundary: str, name: str, total: int, size: int = 16 * 1024):
    """A multipart body with one file of ``total`` bytes, chunk-encoded, as a generator."""

    def chunked(data: bytes) -> bytes:
        return f"{len(data):x}\r\n".encode() + data + b"\r\n"

    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    yield chunked(head)
    line = b"mot " * (size // 4)
    for _ in range(total // size):
        yield chunked(line)
    yield chunked(f"\r\n--{boundary}--\r\n".encode())
    yield b"0\r\n\r\n"


@pytest.mark.parametrize("path", ["/api/documents", "/gradio_api/upload"])
def test_a_declared_huge_body_is_refused_before_it_is_read(upload_server, path):
    headers = {
        "Content-Type": "multipart/form-data; boundary=b0undary",
        "Content-Length": str(1000 * 1024 * 1024),
    }
    status, sent = raw_post(upload_server.url, path, headers, [b"x" * 1024] * 64, delay=0.01)
    assert " 413 " in status + " ", status
    assert sent < 64 * 1024


@pytest.mark.parametrize("path", ["/api/documents", "/gradio_api/upload"])
def test_a_streamed_body_is_cut_off_just_past_the_limit(upload_server, path):
    limit = int(UPLOAD_LIMIT_MB * 1024 * 1024)
    temp = Path(_gradio_temp())
    before = {p for p in temp.rglob("*") if p.is_file()} if temp.exists() else set()
    headers = {
        "Content-Type": "multipart/form-data; boundary=b0undary",
        "Transfer-Encoding": "chunked",
    }
    chunks = multipart_chunks("b0undary", "huge.txt", total=100 * limit)
    status, sent = raw_post(upload_server.url, path, headers, chunks, delay=0.002)
    assert " 413 " in status + " ", status
    assert sent < limit + 512 * 1024, f"the server kept reading: {sent} bytes sent"
    uploads = Path(upload_server.settings.data_dir) / "uploads"
    staged = [p for p in uploads.glob(".incoming*")] if uploads.exists() else []
    assert staged == []
    after = {p for p in temp.rglob("*") if p.is_file()} if temp.exists() else set()
    assert all(p.stat().st_size <= limit for p in after - before)
    assert not [p for p in after - before if "huge" in p.name]


# --- 5, 6. file names ---------------------------------------------------------------------


def test_a_very_long_file_name_is_stored_under_a_short_safe_name(upload_server):
    name = "compte-rendu " + "très " * 60 + "long.txt"
    r = upload(upload_server.url, (name, ARTICLE.encode()))
    assert r.status_code == 200, r.text
    (entry,) = r.json()["files"]
    assert entry["filename"] == name and entry["status"] == "added"
    assert len(entry["doc_id"].encode()) <= 100
    stored = [p.name for p in (Path(upload_server.settings.data_dir) / "uploads").glob("*")]
    assert all(len(n.encode()) <= 110 for n in stored)
    doc = httpx.get(f"{upload_server.url}/api/sources/{entry['doc_id']}").json()
    assert "marché flottant" in doc["text"]


def test_a_second_article_under_a_taken_name_gets_its_own_doc_id(upload_server):
    first = upload(upload_server.url, ("lagos.txt", ARTICLE.encode())).json()["files"][0]
    second = upload(upload_server.url, ("lagos.txt", OTHER.encode())).json()["files"][0]
    assert first["status"] == "added" and second["status"] == "added"
    assert second["doc_id"] != first["doc_id"]
    assert second["note"] and "own" in second["note"]
    texts = {
        d: httpx.get(f"{upload_server.url}/api/sources/{d}").json()["text"]
        for d in (first["doc_id"], second["doc_id"])
    }
    assert "marché flottant" in texts[first["doc_id"]] and "ferry" in texts[second["doc_id"]]
    again = upload(upload_server.url, ("lagos.txt", OTHER.encode())).json()["files"][0]
    assert again["doc_id"] == second["doc_id"] and again["status"] == "unchanged"


# --- 7, 8. bad text and long histories -----------------------------------------------------


SURROGATE = '{"question": "Who \\ud800 represented Trump?"}'


@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
def test_a_lone_surrogate_is_a_readable_422(server, path):
    r = httpx.post(
        f"{server.url}{path}", content=SURROGATE, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422, r.text
    assert "surrogate" in r.json()["detail"]
    history = '{"question": "Who?", "history": [{"role": "user", "content": "a\\udc00b"}]}'
    r = httpx.post(
        f"{server.url}{path}", content=history, headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 422 and "surrogate" in r.json()["detail"]


@pytest.mark.parametrize("stream", [False, True])
def test_a_lone_surrogate_in_v1_is_an_openai_422(server, stream):
    body = '{"model": "rag", "stream": %s, "messages": [{"role": "user", "content": "x\\ud800"}]}'
    r = httpx.post(
        f"{server.url}/v1/chat/completions",
        content=body % json.dumps(stream),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert "surrogate" in r.json()["error"]["message"]


def test_rest_refuses_a_history_past_its_limits(server):
    from rag.validation import MAX_HISTORY_CHARS, MAX_HISTORY_TURNS, MAX_TURN_CHARS

    turn = {"role": "user", "content": "Who?"}
    cases = [
        ([turn] * (MAX_HISTORY_TURNS + 1), "turns"),
        ([{"role": "user", "content": "mot " * (MAX_TURN_CHARS // 4 + 1)}], "history turn 0"),
        ([{"role": "user", "content": "m" * MAX_TURN_CHARS}] * 5, f"limit is {MAX_HISTORY_CHARS}"),
    ]
    assert 5 * MAX_TURN_CHARS > MAX_HISTORY_CHARS
    for history, expected in cases:
        r = httpx.post(f"{server.url}/api/ask", json={"question": "Et lui ?", "history": history})
        assert r.status_code == 422, r.text
        assert expected in r.json()["detail"]


def test_v1_keeps_the_newest_turns_and_a_huge_turn_costs_little(server):
    huge = "Témoignage " + "sommet coalition garanties troupes " * 25_000  # ~870 KB
    messages = [
        {"role": "user", "content": "Who represented Trump in Paris?"},
        {"role": "assistant", "content": "Steve Witkoff and Jared Kushner."},
        {"role": "user", "content": huge},
        {"role": "assistant", "content": "…"},
        {"role": "user", "content": "Et qui d'autre était présent ?"},
    ]
    t = time.perf_counter()
    r = httpx.post(
        f"{server.url}/v1/chat/completions",
        json={"model": "rag", "messages": messages},
        timeout=120,
    )
    took = time.perf_counter() - t
    assert r.status_code == 200, r.text
    standalone = r.json()["standalone_question"]
    assert standalone is not None and len(standalone) < 300
    assert took < 10, f"{took:.1f} s for one request"  # 22 s before the bound


def test_the_carry_over_takes_a_few_words_whatever_the_history():
    from rag.answering.rewrite import CARRY_WORDS, carry_over
    from rag.schemas import ChatTurn

    history = [ChatTurn(role="user", content="alpha beta " + "gamma delta " * 100_000)]
    out = carry_over("Et lui ?", history)
    assert out is not None and len(out.split()) <= 2 + CARRY_WORDS


# --- 12. small ones ----------------------------------------------------------------------


async def _mcp_ask(url: str, args: dict):
    async with create_mcp_http_client() as http:
        async with MCPClient(streamable_http_client(f"{url}/mcp", http_client=http)) as mcp:
            return await mcp.call_tool("ask", args)


@pytest.mark.parametrize("top_k", [-1, 0, 10**9])
def test_mcp_ask_bounds_top_k_like_rest(server, top_k):
    result = anyio.run(_mcp_ask, server.url, {"question": "Who?", "top_k": top_k})
    assert result.is_error
    assert "top_k" in result.content[0].text


def test_failed_chat_logins_are_rate_limited(assistant, seeded_settings):
    with serving(assistant, seeded_settings.model_copy(update={"api_key": API_KEY})) as s:
        login = f"{s.url}/login"
        codes = [
            httpx.post(login, data={"username": "u", "password": f"guess{i}"}).status_code
            for i in range(8)
        ]
        assert codes[:5] == [400] * 5 and codes[5:] == [429] * 3, codes
        r = httpx.post(login, data={"username": "u", "password": API_KEY})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0

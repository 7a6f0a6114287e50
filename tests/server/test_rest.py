"""The REST contract of `rag serve`, against the real app on a loopback port."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from rag.schemas import Answer, Document, SourceInfo
from tests.conftest import ROOT, VENV_BIN, free_port, wait_for_port
from tests.server.conftest import API_KEY, UPLOAD_LIMIT_MB
from tests.server.harness import private_store

pytestmark = pytest.mark.slow

TRUMP = "Who represented Trump in Paris?"
FESTIVAL = """Tombouctou : la chanteuse Zalika Ouedraogo remporte le festival de jazz du désert

Par Awa Diallo, Reuters
2026-02-14

La chanteuse burkinabè Zalika Ouedraogo a remporté samedi le grand prix du festival de jazz du \
désert de Tombouctou, devant plus de trois mille spectateurs réunis au bord du fleuve Niger.

Le jury, présidé par le saxophoniste Idrissa Maïga, a salué « une voix qui porte le désert \
jusqu'à la mer ».

Le festival, interrompu pendant dix ans, avait repris l'an dernier avec le soutien de l'Unesco \
et de plusieurs mécènes de la région.
"""


def ask(url: str, question: str, **body: object) -> httpx.Response:
    return httpx.post(f"{url}/api/ask", json={"question": question, **body}, timeout=60)


def source_ids(url: str) -> list[str]:
    return sorted(s["doc_id"] for s in httpx.get(f"{url}/api/sources", timeout=30).json())


# --- asking ---------------------------------------------------------------------------


def test_ask_names_witkoff_and_every_quote_is_the_document_text(server):
    r = ask(server.url, TRUMP)
    assert r.status_code == 200, r.text
    answer = Answer.model_validate(r.json())
    assert not answer.abstained
    assert "Witkoff" in answer.answer
    assert answer.citations and "[1]" in answer.answer
    for c in answer.citations:
        doc = Document.model_validate(
            httpx.get(f"{server.url}/api/sources/{c.doc_id}", timeout=30).json()
        )
        assert doc.text[c.start : c.end] == c.quote
    assert any("Witkoff" in c.quote for c in answer.citations)
    assert answer.passages and all(p.fused_score is not None for p in answer.passages)


def test_a_follow_up_is_answered_in_the_context_of_the_previous_turn(server):
    first = Answer.model_validate(ask(server.url, TRUMP).json())
    history = [{"role": "user", "content": TRUMP}, {"role": "assistant", "content": first.answer}]
    r = ask(server.url, "Et qui d'autre était présent ?", history=history)
    assert r.status_code == 200, r.text
    answer = Answer.model_validate(r.json())
    assert answer.standalone_question and "Trump" in answer.standalone_question
    assert answer.citations


def test_stream_sends_deltas_then_the_final_answer(server):
    events: list[tuple[str, str]] = []
    with httpx.stream(
        "POST", f"{server.url}/api/ask/stream", json={"question": TRUMP}, timeout=60
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event:
                events.append((event, line.split(":", 1)[1].strip()))
    kinds = [k for k, _ in events]
    assert kinds[-1] == "answer" and kinds.count("answer") == 1
    assert kinds.count("delta") >= 2 and set(kinds[:-1]) == {"delta"}
    answer = Answer.model_validate_json(events[-1][1])
    streamed = "".join(json.loads(d)["text"] for k, d in events if k == "delta")
    assert streamed == answer.answer and "Witkoff" in streamed
    assert answer.citations


@pytest.mark.parametrize(
    ("question", "expected"),
    [("", "empty"), ("   \n\t ", "empty"), ("x" * 2001, "2001 characters long; the limit is 2000")],
    ids=["empty", "whitespace", "too-long"],
)
@pytest.mark.parametrize("path", ["/api/ask", "/api/ask/stream"])
def test_a_bad_question_is_a_readable_422(server, path, question, expected):
    r = httpx.post(f"{server.url}{path}", json={"question": question}, timeout=30)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert isinstance(detail, str) and detail.startswith("question: ") and expected in detail


@pytest.mark.parametrize(
    ("body", "expected"),
    [({}, "question: Field required"), ({"question": "ok?", "top_k": 0}, "top_k: ")],
)
def test_a_malformed_request_is_a_readable_422(server, body, expected):
    r = httpx.post(f"{server.url}/api/ask", json=body, timeout=30)
    assert r.status_code == 422
    assert expected in r.json()["detail"]


# --- sources --------------------------------------------------------------------------


def test_sources_list_one_and_unknown(server):
    r = httpx.get(f"{server.url}/api/sources", timeout=30)
    assert r.status_code == 200
    sources = [SourceInfo.model_validate(s) for s in r.json()]
    assert len(sources) == 5 and all(s.chunks > 0 for s in sources)
    assert sum(bool(s.title) for s in sources) == 4  # 003 opens with its lead: no headline
    one = httpx.get(f"{server.url}/api/sources/{sources[0].doc_id}", timeout=30)
    assert one.status_code == 200
    doc = Document.model_validate(one.json())
    assert doc.doc_id == sources[0].doc_id and doc.title == sources[0].title and doc.text
    missing = httpx.get(f"{server.url}/api/sources/no-such-article", timeout=30)
    assert missing.status_code == 404
    assert "no-such-article" in missing.json()["detail"]


def test_sources_name_files_never_server_paths(server):
    """A client learns an article's file name, not where the server keeps its files."""
    listed = httpx.get(f"{server.url}/api/sources", timeout=30)
    bodies = [listed.text]
    for s in listed.json():
        assert s["source"] and "/" not in s["source"] and "\\" not in s["source"], s["source"]
        assert not any(isinstance(v, str) and v.startswith("/") for v in s.values()), s
        one = httpx.get(f"{server.url}/api/sources/{s['doc_id']}", timeout=30)
        assert one.json()["source"] == s["source"]
        bodies.append(one.text)
    server_dirs = {str(Path(server.settings.data_dir).resolve()), str(ROOT), str(Path.home())}
    assert not [d for d in server_dirs for body in bodies if d in body]


def test_health_openapi_and_docs(server):
    health = httpx.get(f"{server.url}/healthz").json()
    assert health["status"] == "ok" and health["documents"] == 5 and health["chunks"] > 5
    paths = httpx.get(f"{server.url}/openapi.json").json()["paths"]
    for p in [
        "/api/ask",
        "/api/ask/stream",
        "/api/sources",
        "/api/sources/{doc_id}",
        "/api/documents",
        "/v1/chat/completions",
        "/v1/models",
        "/healthz",
    ]:
        assert p in paths, p
    docs = httpx.get(f"{server.url}/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert httpx.get(f"{server.url}/").status_code == 200  # the chat UI


def test_docs_need_no_internet(server):
    """Swagger UI's script, style and icon are served by the server itself, not a CDN."""
    html = httpx.get(f"{server.url}/docs").text
    urls = re.findall(r'(?:src|href)="([^"]*)"', html) + re.findall(r"url: '([^']*)'", html)
    assert len(urls) >= 4 and not re.search(r"https?://", html)
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    kinds = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "json"}
    for u in urls:
        r = httpx.get(f"{server.url}{u}", timeout=30)
        assert r.status_code == 200, u
        assert kinds[Path(u).suffix] in r.headers["content-type"] and len(r.content) > 500, u
    script = next(u for u in urls if u.endswith(".js"))
    assert "SwaggerUIBundle" in httpx.get(f"{server.url}{script}").text


ROUTE_ERRORS = {
    ("post", "/api/ask"): {401, 403, 409, 413, 422, 503},
    ("post", "/api/ask/stream"): {401, 403, 409, 413, 422, 503},
    ("get", "/api/sources"): {401, 503},
    ("get", "/api/sources/{doc_id}"): {401, 404, 503},
    ("delete", "/api/sources/{doc_id}"): {401, 403, 404, 503},
    ("post", "/api/documents"): {401, 403, 413, 415, 422, 503},
    ("get", "/v1/models"): {401},
    ("post", "/v1/chat/completions"): {400, 401, 403, 404, 409, 413, 422, 503},
}


def test_openapi_declares_errors_streams_and_models(server):
    schema = httpx.get(f"{server.url}/openapi.json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    for (method, path), codes in ROUTE_ERRORS.items():
        declared = paths[path][method]["responses"]
        assert codes <= {int(c) for c in declared}, (method, path)
        body = "OpenAIError" if path.startswith("/v1") else "ErrorDetail"
        for code in codes:
            content = declared[str(code)]["content"]
            assert content == {
                "application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}
            }
    assert set(components["ErrorDetail"]["properties"]) == {"detail"}
    error = components["OpenAIErrorInfo"]["properties"]
    assert set(error) == {"message", "type", "param", "code"}
    assert "HTTPValidationError" not in components  # not a shape this server answers
    for path in ("/api/ask/stream", "/v1/chat/completions"):
        assert "text/event-stream" in paths[path]["post"]["responses"]["200"]["content"]
    for (method, path), model in {
        ("get", "/v1/models"): "ModelList",
        ("post", "/v1/chat/completions"): "ChatCompletion",
        ("get", "/healthz"): "Health",
        ("delete", "/api/sources/{doc_id}"): "SourceInfo",
    }.items():
        ok = paths[path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": f"#/components/schemas/{model}"}, path
    assert "Usage" in components and "usage" in components["ChatCompletion"]["required"]
    health = paths["/healthz"]["get"]["responses"]["503"]["content"]["application/json"]
    assert health["schema"] == {"$ref": "#/components/schemas/Unhealthy"}
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(schema)))
    assert refs <= set(components), refs - set(components)
    # and the bodies the server sends have the declared shapes
    assert set(httpx.get(f"{server.url}/api/sources/nope").json()) == {"detail"}
    r = httpx.post(f"{server.url}/v1/chat/completions", json={"messages": []})
    assert set(r.json()) == {"error"} and set(r.json()["error"]) == set(error)


# --- uploads --------------------------------------------------------------------------


def upload(url: str, *files: tuple[str, bytes]) -> httpx.Response:
    return httpx.post(
        f"{url}/api/documents",
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        timeout=120,
    )


def test_an_uploaded_article_is_answerable_without_a_restart(upload_server):
    url = upload_server.url
    before = source_ids(url)
    assert ask(url, "Qui a remporté le festival de jazz du désert de Tombouctou ?").json()[
        "abstained"
    ]
    r = upload(url, ("festival tombouctou.txt", FESTIVAL.encode()))
    assert r.status_code == 200, r.text
    result = r.json()
    assert result["files"] == [
        {
            "filename": "festival tombouctou.txt",
            "status": "added",
            "doc_id": "festival_tombouctou",
            "note": None,
        }
    ]
    assert result["added"] == ["festival_tombouctou"] and result["chunks_embedded"] > 0
    assert source_ids(url) == sorted([*before, "festival_tombouctou"])
    kept = Path(upload_server.settings.data_dir) / "uploads" / "festival_tombouctou.txt"
    assert kept.read_text(encoding="utf-8") == FESTIVAL

    answer = Answer.model_validate(
        ask(url, "Qui a remporté le festival de jazz du désert de Tombouctou ?").json()
    )
    assert not answer.abstained and "Zalika Ouedraogo" in answer.answer
    assert {c.doc_id for c in answer.citations} == {"festival_tombouctou"}
    assert all(FESTIVAL[c.start : c.end] == c.quote for c in answer.citations)

    again = upload(url, ("festival tombouctou.txt", FESTIVAL.encode()))
    assert again.status_code == 200 and again.json()["files"][0]["status"] == "unchanged"
    assert source_ids(url) == sorted([*before, "festival_tombouctou"])  # seeds still there


@pytest.mark.parametrize(
    "files",
    [
        [("setup.exe", b"MZ\x90\x00binary")],
        [("weights.bin", b"\x00\x01\x02")],
        [("notes", b"no extension")],
        [("good.txt", FESTIVAL.encode()), ("virus.exe", b"MZ")],  # all or nothing
    ],
    ids=["exe", "bin", "no-extension", "mixed-batch"],
)
def test_an_unsupported_file_is_415_and_changes_nothing(upload_server, files):
    url = upload_server.url
    before = source_ids(url)
    uploads = Path(upload_server.settings.data_dir) / "uploads"
    kept_before = sorted(p.name for p in uploads.glob("*")) if uploads.exists() else []
    r = upload(url, *files)
    assert r.status_code == 415
    assert "unsupported file type" in r.json()["detail"] and files[-1][0] in r.json()["detail"]
    assert source_ids(url) == before
    assert (sorted(p.name for p in uploads.glob("*")) if uploads.exists() else []) == kept_before


def test_an_oversized_file_is_413_and_not_kept(upload_server):
    url = upload_server.url
    before = source_ids(url)
    big = (FESTIVAL + "\n") * int(UPLOAD_LIMIT_MB * 1024 * 1024 / len(FESTIVAL) + 2)
    r = upload(url, ("big.txt", big.encode()))
    assert r.status_code == 413
    assert "big.txt" in r.json()["detail"] and "upload limit" in r.json()["detail"]
    assert source_ids(url) == before
    assert not (Path(upload_server.settings.data_dir) / "uploads" / "big.txt").exists()


def test_an_unreadable_file_is_422_and_not_kept(upload_server):
    url = upload_server.url
    before = source_ids(url)
    r = upload(url, ("empty.txt", b"   \n"))
    assert r.status_code == 422 and "empty.txt: skipped" in r.json()["detail"]
    assert source_ids(url) == before
    assert not (Path(upload_server.settings.data_dir) / "uploads" / "empty.txt").exists()


def test_an_unreadable_new_version_keeps_the_previous_one(upload_server):
    url = upload_server.url
    text = FESTIVAL.replace("Zalika Ouedraogo", "Mariam Traoré").encode()
    assert upload(url, ("palmares.txt", text)).status_code == 200
    before = source_ids(url)
    r = upload(url, ("palmares.txt", b"\x00\x01\x02 binary"))
    assert r.status_code == 422
    assert (Path(upload_server.settings.data_dir) / "uploads" / "palmares.txt").read_bytes() == text
    assert source_ids(url) == before and "palmares" in before


GEYSER = """Iceland harvests its first geothermal coffee

By Sigrun Halldorsdottir
2026-03-02

A geothermal greenhouse near Hveragerdi harvested on Monday the first coffee grown in Iceland, \
about forty kilograms of beans.

The greenhouse project is led by the agronomist Einar Thorvaldsson, who heats it with steam \
from a nearby borehole.
"""
COFFEE = "Who leads the geothermal coffee greenhouse project in Iceland?"


def test_a_deleted_article_is_gone_from_answers_sources_and_disk(upload_server):
    url = upload_server.url
    before = source_ids(url)
    r = upload(url, ("iceland coffee.txt", GEYSER.encode()))
    assert r.status_code == 200, r.text
    doc_id = r.json()["files"][0]["doc_id"]
    kept = Path(upload_server.settings.data_dir) / "uploads" / "iceland_coffee.txt"
    assert kept.is_file()
    cited = Answer.model_validate(ask(url, COFFEE).json()).citations
    assert doc_id in {c.doc_id for c in cited}

    r = httpx.delete(f"{url}/api/sources/{doc_id}", timeout=60)
    assert r.status_code == 200, r.text
    removed = SourceInfo.model_validate(r.json())
    assert removed.doc_id == doc_id and removed.source == "iceland_coffee.txt"
    again = httpx.delete(f"{url}/api/sources/{doc_id}", timeout=30)
    assert again.status_code == 404 and doc_id in again.json()["detail"]
    assert httpx.get(f"{url}/api/sources/{doc_id}", timeout=30).status_code == 404
    after = Answer.model_validate(ask(url, COFFEE).json())
    assert doc_id not in {c.doc_id for c in after.citations} | {p.doc_id for p in after.passages}
    assert not kept.exists()
    assert source_ids(url) == before


def test_an_upload_without_files_is_a_readable_422(upload_server):
    r = httpx.post(f"{upload_server.url}/api/documents", timeout=30)
    assert r.status_code == 422 and "files" in r.json()["detail"]


# --- authentication -------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": API_KEY}],
    ids=["missing", "wrong", "not-bearer"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/ask"),
        ("GET", "/api/sources"),
        ("DELETE", "/api/sources/no-such-article"),
        ("GET", "/v1/models"),
        ("POST", "/mcp"),
    ],
)
def test_with_an_api_key_set_a_missing_or_wrong_token_is_401(keyed_server, headers, method, path):
    r = httpx.request(
        method, f"{keyed_server.url}{path}", json={"question": TRUMP}, headers=headers, timeout=30
    )
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "API key" in r.text


def test_with_an_api_key_set_the_right_token_is_accepted(keyed_server):
    auth = {"Authorization": f"Bearer {API_KEY}"}
    r = httpx.post(
        f"{keyed_server.url}/api/ask", json={"question": TRUMP}, headers=auth, timeout=60
    )
    assert r.status_code == 200 and "Witkoff" in r.json()["answer"]
    assert httpx.get(f"{keyed_server.url}/api/sources", headers=auth).status_code == 200
    # health, docs and the page itself stay open
    assert httpx.get(f"{keyed_server.url}/healthz").status_code == 200
    assert httpx.get(f"{keyed_server.url}/openapi.json").status_code == 200
    assert httpx.get(f"{keyed_server.url}/").status_code == 200


# --- `rag serve` itself -----------------------------------------------------------------


def test_rag_serve_binds_loopback_by_default_and_answers(seeded_settings, tmp_path):
    """The command a user runs: a subprocess over a copy of the seeded store."""
    settings = private_store(seeded_settings, tmp_path / "data")
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "RAG_DATA_DIR": str(settings.data_dir)}
    env.pop("RAG_API_KEY", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(VENV_BIN / "rag"), "serve", "--port", str(port)],
            env=env,
            cwd=str(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, 120, proc)
            url = f"http://127.0.0.1:{port}"
            r = ask(url, TRUMP)
            assert r.status_code == 200 and "Witkoff" in r.json()["answer"]
            assert httpx.get(f"{url}/").status_code == 200
            with socket.socket() as s:  # bound to 127.0.0.1 only, not every interface
                assert s.connect_ex(("127.0.0.2", port)) != 0
        finally:
            proc.terminate()
            proc.wait(30)
    assert f"http://127.0.0.1:{port}" in log.read_text()

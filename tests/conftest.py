"""Shared fixtures: the real embedder, a real Chroma (embedded, or a `chroma run` server on
loopback), and a store holding the five seed articles, built once per test session."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
# The reply sets over the seeds (evals/llm_replies.md): test id -> (file, its gate in
# evals/thresholds.json)
REPLY_SETS = {
    "first set": (ROOT / "evals" / "llm_replies.jsonl", "replies"),
    "blind set": (ROOT / "evals" / "llm_replies_blind.jsonl", "replies_blind"),
    **{
        f"{nth} set": (ROOT / "evals" / f"llm_replies_set{n}.jsonl", f"replies_set{n}")
        for n, nth in enumerate(
            ("third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"), 3
        )
    },
}
SEEDS = ROOT / "seeds"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


@pytest.fixture(scope="session")
def embedder():
    from rag.embedding import SentenceEmbedder
    from rag.settings import Settings

    s = Settings()
    return SentenceEmbedder.load(s.embed_model, s.embed_batch_size)


@pytest.fixture()
def make_settings(tmp_path: Path):
    """Settings with a private data dir; keyword overrides pass through."""
    from rag.settings import Settings

    def make(**kw):  # type: ignore[no-untyped-def]
        kw.setdefault("data_dir", tmp_path / "data")
        return Settings(**kw)

    return make


@pytest.fixture(scope="session")
def seeded_settings(tmp_path_factory: pytest.TempPathFactory, embedder):
    """Settings whose store holds the five seed articles (ingested once per session)."""
    from rag.container import build_ingestor
    from rag.settings import Settings

    s = Settings(data_dir=tmp_path_factory.mktemp("seeded"))
    build_ingestor(s, embedder=embedder).sync([SEEDS], progress=False)
    return s


@pytest.fixture(scope="session")
def assistant(seeded_settings, embedder):
    """An Assistant over the seeded store, sharing the session's embedder."""
    from rag.container import build_assistant

    return build_assistant(seeded_settings, embedder)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real `chroma run` server on a free loopback port, stopped after the session."""
    exe = shutil.which("chroma", path=str(VENV_BIN)) or shutil.which("chroma")
    if exe is None:
        pytest.fail("the `chroma` command is missing: pip install chromadb")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = open(path / "server.log", "wb")  # noqa: SIM115 - kept open for the server's life
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, 60, proc)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def run_cli(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 300
):
    """Run the installed `rag` command in a subprocess, as a user would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(VENV_BIN / "rag"), *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=str(cwd or ROOT),
        timeout=timeout,
    )

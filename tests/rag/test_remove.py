"""Deleting an article: chunks, keyword entries, the kept upload, and answers (issue: chat)."""

from __future__ import annotations

import json
import shutil

import pytest

from rag.container import build_assistant
from rag.corpus_index import CorpusIndex
from rag.errors import DocumentNotFound
from tests.conftest import SEEDS, run_cli

WITKOFF = "Who represented Trump in Paris?"


def test_rag_remove_deletes_an_article_and_it_is_no_longer_answered(seeded_settings, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(seeded_settings.data_dir, data)
    env = {"RAG_DATA_DIR": str(data)}
    before = json.loads(run_cli("ask", WITKOFF, "--json", env=env).stdout)
    cited = before["citations"][0]["doc_id"]

    r = run_cli("remove", cited, env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"removed {cited}")
    listed = json.loads(run_cli("sources", "--json", env=env).stdout)
    assert cited not in {s["doc_id"] for s in listed} and len(listed) == 4
    index = CorpusIndex(data / "lexical" / "articles")  # the keyword entries are gone too
    assert cited not in index.documents() and len(index.documents()) == 4
    assert not [c for c in index.view().all_chunks() if c.doc_id == cited]
    after = json.loads(run_cli("ask", WITKOFF, "--json", env=env).stdout)
    assert cited not in {c["doc_id"] for c in after["citations"]}

    again = run_cli("remove", cited, env=env)
    assert again.returncode == 2
    assert again.stderr.strip() == f"error: no document with id {cited!r}"


def test_removing_an_uploaded_article_deletes_its_kept_file(make_settings, embedder):
    s = make_settings()
    uploads = s.data_dir / "uploads"
    uploads.mkdir(parents=True)
    kept = uploads / "article.txt"
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], kept)
    assistant = build_assistant(s, embedder)
    (doc_id,) = assistant.ingest([kept]).added
    assert assistant.sources()[0].source == "article.txt"  # no server path is shown

    assistant.remove(doc_id)
    assert not kept.exists()
    assert assistant.sources() == [] and not len(assistant.lexical_index())
    with pytest.raises(DocumentNotFound, match=doc_id):
        assistant.remove(doc_id)

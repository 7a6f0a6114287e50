"""Real servers for the edge tests, each on its own free loopback port.

``server``: the seeded session assistant, no API key (read-only use: nothing is uploaded).
``keyed_server``: the same assistant behind ``RAG_API_KEY``.
``upload_server``: a private copy of the seeded store with a 50 KB upload limit, for the
tests that add documents, so the session store stays as the other tests expect it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.server.harness import Served, assistant_for, private_store, serving

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

API_KEY = "test-key-4f1c"
UPLOAD_LIMIT_MB = 0.05


@pytest.fixture(scope="session")
def server(assistant, seeded_settings) -> Iterator[Served]:
    with serving(assistant, seeded_settings) as s:
        yield s


@pytest.fixture(scope="session")
def keyed_server(assistant, seeded_settings) -> Iterator[Served]:
    with serving(assistant, seeded_settings.model_copy(update={"api_key": API_KEY})) as s:
        yield s


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory, seeded_settings, embedder) -> Iterator[Served]:
    dest = tmp_path_factory.mktemp("upload-store") / "data"
    settings = private_store(seeded_settings, dest, max_upload_mb=UPLOAD_LIMIT_MB)
    with serving(assistant_for(settings, embedder), settings) as s:
        yield s

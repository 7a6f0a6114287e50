"""The language layer: what spaCy reads in each sentence at ingest, stored with the chunks.

Ingest annotates every sentence once (entities, lemmas, normalised numbers and dates,
grammatical roles); the answerer reads the stored ``SentenceAnnotation``s and never
loads a pipeline, so a cold ``rag ask`` stays fast.

Importing this package is cheap: spaCy, text2num and dateparser are imported only when
the first document is annotated.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rag.schemas import Document, SentenceAnnotation, Span

# What the layer stores, by version: articles an older version read are read again by the
# next ingest. 2: a name the tagger ran into the date after it ends before the date. 3: the
# negation of a clause reaches the infinitive the parse hangs on an incise in it.
LAYER_VERSION = 3


class Annotator(Protocol):
    """Reads sentences of a document; one annotation per span, same order, same offsets."""

    def require(self, language: str) -> None:
        """Load (once) the pipeline for ``language``; raise ``ModelUnavailable`` if missing."""
        ...

    def annotate(self, doc: Document, sentences: Sequence[Span]) -> list[SentenceAnnotation]: ...

    def read(self, text: str, language: str, article_date: str | None = None) -> SentenceAnnotation:
        """One free text read as a sentence (a generated claim, to compare with passages)."""
        ...


__all__ = ["Annotator"]

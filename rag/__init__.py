"""Grounded question answering over news articles, with exact citations.

``from rag import Assistant; Assistant().ask("Who represented Trump in Paris?")``
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.errors import InvalidQuestion, RagError
from rag.schemas import Answer, Citation, Passage

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.settings import Settings

__all__ = ["Answer", "Assistant", "Citation", "InvalidQuestion", "Passage", "RagError", "Settings"]


def __getattr__(name: str) -> Any:  # heavy modules load on first use, not on import
    if name == "Assistant":
        from rag.assistant import Assistant

        return Assistant
    if name == "Settings":
        from rag.settings import Settings

        return Settings
    raise AttributeError(name)

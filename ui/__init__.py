"""The web chat over an ``Assistant``: ``build_ui(assistant) -> gr.Blocks``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.app import build_ui

__all__ = ["build_ui"]


def __getattr__(name: str) -> Any:  # gradio loads on first use, not on `import ui`
    if name == "build_ui":
        from ui.app import build_ui

        return build_ui
    raise AttributeError(name)

"""A small error hierarchy. Every message is safe to show a user as is.

Each edge translates these once: the CLI prints the message and exits 2, the
REST API answers a 4xx JSON body, the UI raises ``gr.Error``.
"""

from __future__ import annotations


class RagError(Exception):
    """Base class: a problem the user can fix; the message says how."""

    exit_code = 2
    http_status = 400


class ConfigError(RagError):
    """A setting has a value that cannot work."""


class StoreUnavailable(RagError):
    """The vector store (e.g. a Chroma server) cannot be reached."""

    http_status = 503


class EmptyStore(RagError):
    """Nothing has been ingested yet."""

    http_status = 409


class InvalidQuestion(RagError, ValueError):
    """The question is empty, blank or too long."""

    http_status = 422


class DocumentNotFound(RagError, KeyError):
    """No document with that id is in the store."""

    http_status = 404

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else "document not found"


class IngestError(RagError):
    """A path given to ingest cannot be read."""


class ModelUnavailable(RagError):
    """A configured model cannot be loaded (not installed, not offline)."""

    http_status = 503


class BackendUnavailable(RagError):
    """An optional backend's package is not installed; the message says which extra."""

    http_status = 503


class LLMError(RagError):
    """The LLM server failed, timed out or answered something unusable."""

    http_status = 502


class GoldFormatError(RagError):
    """A gold file line is malformed; the message names the line and the problem."""

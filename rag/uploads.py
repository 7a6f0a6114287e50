"""Uploaded articles: checked, kept under ``<data_dir>/uploads/``, then ingested by path.

Only bytes a client sent are ever read here: the REST route hands over the request's
file parts, the chat hands over files Gradio received through its upload route (see
``ui.app``); a path named by a client is never opened.

A batch is all or nothing at the door: if any file has an unsupported type or is too
large, no file is kept and the store is untouched. A file is never replaced by an upload:
a second, different article under a name already taken is kept under a name of its own
(so it gets its own ``doc_id``), and the summary says so. If the ingest fails (the store
is down, the disk is full), the files this batch placed are removed again.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from pydantic import BaseModel, Field

from rag.documents import SUPPORTED
from rag.errors import RagError
from rag.schemas import IngestSummary

if TYPE_CHECKING:
    from rag.assistant import Assistant

MAX_STEM_BYTES = 100  # a file name's stem as stored; the file system allows 255 in all
BLOCK = 1 << 20


class UnsupportedFile(RagError):
    """An uploaded file's type cannot be ingested."""

    http_status = 415


class FileTooLarge(RagError):
    """An uploaded file is over the size limit."""

    http_status = 413


class NothingIngested(RagError):
    """Every uploaded file was readable by name but not by content (empty, binary...)."""

    http_status = 422


class FileResult(BaseModel):
    filename: str
    status: str
    doc_id: str | None = None
    note: str | None = None  # e.g. kept as its own article because the name was taken


class UploadResult(IngestSummary):
    files: list[FileResult] = Field(default_factory=list)


def safe_stem(original: str) -> str:
    """A file-system-safe stem for an uploaded file's name, at most ``MAX_STEM_BYTES`` bytes;
    a shortened one ends with a hash of the full name, so two long names stay apart."""
    stem = re.sub(r"[^\w.-]+", "_", Path(original).stem).strip("._-") or "document"
    if len(stem.encode()) <= MAX_STEM_BYTES:
        return stem
    tag = "-" + hashlib.sha256(original.encode("utf-8", "replace")).hexdigest()[:8]
    while len(stem.encode()) + len(tag) > MAX_STEM_BYTES:
        stem = stem[:-1]
    return stem.rstrip("._-") + tag


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            h.update(block)
    return h.hexdigest()


class Inbox:
    def __init__(self, assistant: Assistant, folder: Path, max_mb: float) -> None:
        self.assistant = assistant
        self.folder = folder
        self.max_mb = max_mb
        self.max_bytes = int(max_mb * 1024 * 1024)
        self._lock = threading.Lock()

    def accept(
        self,
        files: Sequence[tuple[str, IO[bytes]]],
        on_file: Callable[[str, str], None] | None = None,
    ) -> UploadResult:
        if not files:
            raise UnsupportedFile("no file was uploaded")
        originals = [Path(n or "").name for n, _ in files]
        names = self._names(originals)
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            staged: list[tuple[Path, str]] = []
            placed: list[Path] = []
            try:
                for (original, stream), name in zip(files, names, strict=True):
                    staged.append(self._stage(original, stream, name))
                targets, notes = [], []
                for (tmp, digest), name, original in zip(staged, names, originals, strict=True):
                    target, note = self._place(tmp, digest, name, original, placed)
                    targets.append(target)
                    notes.append(note)
                return self._ingest(targets, originals, notes, placed, on_file)
            except BaseException:
                for path in placed:  # nothing of a failed batch stays behind
                    path.unlink(missing_ok=True)
                raise
            finally:
                for tmp, _ in staged:
                    tmp.unlink(missing_ok=True)

    def _names(self, originals: list[str]) -> list[str]:
        names: list[str] = []
        for original in originals:
            suffix = Path(original).suffix.lower()
            if suffix not in SUPPORTED:
                raise UnsupportedFile(
                    f"{original or 'unnamed file'}: unsupported file type {suffix or '(none)'}; "
                    f"supported: {', '.join(sorted(SUPPORTED))}"
                )
            stem = safe_stem(original)
            name, n = f"{stem}{suffix}", 2
            while name in names:
                name, n = f"{stem}-{n}{suffix}", n + 1
            names.append(name)
        return names

    def _stage(self, original: str, stream: IO[bytes], name: str) -> tuple[Path, str]:
        """The upload copied to a hidden staging file (named apart from the upload's name),
        and its SHA-256; refused as soon as it passes the size limit."""
        tmp = self.folder / f".incoming-{uuid.uuid4().hex}{Path(name).suffix}"
        size = 0
        h = hashlib.sha256()
        try:
            with tmp.open("wb") as out:
                while block := stream.read(BLOCK):
                    size += len(block)
                    if size > self.max_bytes:
                        raise FileTooLarge(
                            f"{original}: larger than the {self.max_mb:g} MB upload limit"
                        )
                    out.write(block)
                    h.update(block)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return tmp, h.hexdigest()

    def _place(
        self, tmp: Path, digest: str, name: str, original: str, placed: list[Path]
    ) -> tuple[Path, str | None]:
        """Where the staged file goes: its own name, or, when another article already holds
        that name, a name of its own derived from its content."""
        target = self.folder / name
        if target.exists() and _digest(target) == digest:
            return target, None  # the same article again: the ingest finds it unchanged
        note = None
        if target.exists():
            stem, suffix = Path(name).stem, Path(name).suffix
            target = self.folder / f"{stem}-{digest[:8]}{suffix}"
            note = (
                f"another article was already uploaded as {original}; "
                "this one was added as an article of its own"
            )
            if target.exists():  # this very content was uploaded under this name before
                return target, note
        os.replace(tmp, target)
        placed.append(target)
        return target, note

    def _ingest(
        self,
        paths: list[Path],
        originals: list[str],
        notes: list[str | None],
        placed: list[Path],
        on_file: Callable[[str, str], None] | None,
    ) -> UploadResult:
        statuses: dict[str, str] = {}
        shown = {str(p.resolve()): name for p, name in zip(paths, originals, strict=True)}

        def note(path: str, status: str) -> None:
            key = str(Path(path).resolve())
            statuses[key] = status
            if on_file is not None:
                on_file(shown.get(key, path), status)

        summary = self.assistant.ingest(paths, on_file=note)
        doc_ids = self.assistant.source_paths(paths)
        results = []
        for path, original, why in zip(paths, originals, notes, strict=True):
            key = str(path.resolve())
            status = statuses.get(key, "skipped")
            if status.startswith("skipped") and path in placed:
                path.unlink(missing_ok=True)
            doc_id = doc_ids.get(key)
            results.append(FileResult(filename=original, status=status, doc_id=doc_id, note=why))
        if all(r.status.startswith("skipped") for r in results):
            raise NothingIngested(
                "nothing was added: " + "; ".join(f"{r.filename}: {r.status}" for r in results)
            )
        return UploadResult(**summary.model_dump(), files=results)

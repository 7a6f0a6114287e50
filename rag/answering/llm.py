"""LLM answerers behind the same interface as the extractive one, and checked like it.

One llama-index LLM per backend: ``OpenAILike`` for any OpenAI-compatible server
(llama.cpp's server, vLLM, LM Studio, Ollama's ``/v1``), ``Ollama`` for Ollama's own
API, ``LlamaCPP`` for a GGUF file (optional extra), and ``TransformersLLM`` below for
a local model directory run in-process. ``ChatClient`` puts one deadline and one
error translation around all of them, so a dead or slow server is an ``LLMError``
naming the URL and the timeout, never a hang or a traceback.

Whatever the model writes goes through ``rag.answering.verify`` before anyone sees
it: streamed text is released a checked sentence at a time.
"""

from __future__ import annotations

import functools
import logging
import queue
import re
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from llama_index.core.base.llms.types import (
    ChatMessage,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.bridge.pydantic import PrivateAttr
from llama_index.core.llms import LLM, CustomLLM
from llama_index.core.llms.callbacks import llm_completion_callback

from rag.answering.draft import Draft
from rag.answering.extractive import ExtractiveAnswerer
from rag.answering.prompts import answer_messages, rewrite_messages
from rag.answering.request import AnswerRequest
from rag.answering.verify import Check, SentenceBuffer, Verifier, is_refusal, split_sentences
from rag.errors import BackendUnavailable, ConfigError, LLMError, ModelUnavailable, RagError
from rag.schemas import ChatTurn
from rag.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_URLS = {"openai": "http://127.0.0.1:8080/v1", "ollama": "http://127.0.0.1:11434"}
INSTALL = {
    "openai": "pip install llama-index-llms-openai-like",
    "ollama": "pip install llama-index-llms-ollama",
    "transformers": "pip install transformers torch",
    "llamacpp": "pip install 'rag[llamacpp]'",
}
CONTEXT_WINDOW = 4096  # tokens asked of Ollama / llama.cpp: the prompt is ~1,500 at most
REMOTE = ("openai", "ollama")


def server_url(s: Settings) -> str | None:
    """The LLM server's base URL (``…/v1`` for OpenAI-compatible ones), or None if in-process."""
    if s.llm_backend not in REMOTE:
        return None
    url = (s.llm_base_url or DEFAULT_URLS[s.llm_backend]).rstrip("/")
    if s.llm_backend == "openai":
        url = re.sub(r"/chat/completions$", "", url)
        if urlsplit(url).path in ("", "/"):
            url += "/v1"  # "http://host:8080" means the server's OpenAI API
    return url


def build_llm(s: Settings) -> tuple[LLM, str]:
    """The configured backend's llama-index LLM and where it runs (URL or model path)."""
    backend, model = s.llm_backend, s.llm_model
    if backend != "openai" and not model:
        example = {
            "ollama": "llama3.1:8b",
            "transformers": "/models/Qwen2.5-1.5B-Instruct",
            "llamacpp": "/models/qwen2.5-1.5b-instruct-q4_k_m.gguf",
        }.get(backend, "…")
        raise ConfigError(
            f"RAG_LLM_MODEL is not set: the {backend} backend needs one, e.g. {example}"
        )
    url = server_url(s)
    if backend == "openai":
        assert url is not None
        OpenAILike = _import("openai", "llama_index.llms.openai_like", "OpenAILike")
        llm = OpenAILike(
            model=model or "local",
            api_base=url,
            api_key=s.llm_api_key or "not-needed",
            is_chat_model=True,
            is_function_calling_model=False,
            context_window=CONTEXT_WINDOW,
            temperature=s.llm_temperature,
            max_tokens=s.llm_max_tokens,
            timeout=s.llm_timeout_s,
            max_retries=0,  # a retry doubles the wait; the user sees the error and can retry
        )
        return llm, url
    if backend == "ollama":
        assert url is not None and model is not None
        Ollama = _import("ollama", "llama_index.llms.ollama", "Ollama")
        headers = {"Authorization": f"Bearer {s.llm_api_key}"} if s.llm_api_key else None
        llm = Ollama(
            model=model,
            base_url=url,
            temperature=s.llm_temperature,
            context_window=CONTEXT_WINDOW,
            request_timeout=s.llm_timeout_s,
            additional_kwargs={"num_predict": s.llm_max_tokens},
            headers=headers,
        )
        return llm, url
    assert model is not None
    if backend == "transformers":
        return TransformersLLM.load(
            model, s.llm_max_tokens, s.llm_temperature, s.llm_timeout_s, s.offline
        ), model
    if backend == "llamacpp":
        LlamaCPP = _import("llamacpp", "llama_index.llms.llama_cpp", "LlamaCPP")
        path = Path(model).expanduser()
        if not path.is_file():
            raise ModelUnavailable(f"RAG_LLM_MODEL={model!r} is not a GGUF file on this machine")
        llm = LlamaCPP(
            model_path=str(path),
            temperature=s.llm_temperature,
            max_new_tokens=s.llm_max_tokens,
            context_window=CONTEXT_WINDOW,
            model_kwargs={"n_gpu_layers": 0},
            messages_to_prompt=plain_prompt,
            completion_to_prompt=lambda text: text,
            verbose=False,
        )
        return llm, str(path)
    raise ConfigError(f"RAG_LLM_BACKEND={backend!r} has no LLM (choose ollama, openai, ...)")


def _import(backend: str, module: str, name: str) -> Any:
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except ImportError as e:
        raise BackendUnavailable(
            f"the {backend} backend is not installed: {INSTALL[backend]}"
        ) from e


def make_llm_answerer(
    s: Settings, extractive: ExtractiveAnswerer, annotator: Any = None
) -> tuple[LLMAnswerer, LLMRewriter]:
    """The composition root's hook: an answerer and a follow-up rewriter on one client.
    The verifier reads claims with the ingest's annotator (the same pipelines)."""
    llm, where = build_llm(s)
    client = ChatClient(llm, s.llm_backend, where, s.llm_timeout_s)
    return LLMAnswerer(client, extractive, Verifier(annotator)), LLMRewriter(client)


# --- one deadline and one error translation for every backend -------------------


class ChatClient:
    def __init__(self, llm: LLM, backend: str, where: str, timeout_s: float) -> None:
        self.llm = llm
        self.backend = backend
        self.where = where
        self.timeout_s = timeout_s

    def complete(self, messages: Sequence[tuple[str, str]]) -> str:
        try:
            response = self.llm.chat(_messages(messages))
        except RagError:
            raise
        except Exception as e:  # every backend has its own exception types
            raise self.error(e) from e
        return _THINKING.sub("", response.message.content or "")

    def stream(self, messages: Sequence[tuple[str, str]]) -> Iterator[str]:
        """Text deltas; ``LLMError`` if the whole answer takes longer than the timeout."""
        return without_thinking(self._deltas(messages))

    def _deltas(self, messages: Sequence[tuple[str, str]]) -> Iterator[str]:
        deadline = time.monotonic() + self.timeout_s
        try:
            for chunk in self.llm.stream_chat(_messages(messages)):
                if time.monotonic() > deadline:
                    raise TimeoutError
                if chunk.delta:
                    yield chunk.delta
        except RagError:
            raise
        except Exception as e:
            raise self.error(e) from e

    def error(self, e: BaseException) -> LLMError:
        what = (
            f"the {self.backend} {'server' if self.backend in REMOTE else 'model'} at {self.where}"
        )
        if isinstance(e, TimeoutError) or "Timeout" in type(e).__name__:
            return LLMError(
                f"{what} did not answer within {self.timeout_s:g} s (RAG_LLM_TIMEOUT_S)"
            )
        status = getattr(e, "status_code", None)
        detail = _short(getattr(e, "message", None) or getattr(e, "error", None) or str(e))
        if isinstance(status, int) and status >= 400:
            hint = ""
            if status == 404 and self.backend == "ollama":
                model = getattr(self.llm, "model", "<RAG_LLM_MODEL>")
                hint = f" (is the model pulled? `ollama pull {model}`)"
            return LLMError(f"{what} answered HTTP {status}: {detail}{hint}")
        if isinstance(e, ConnectionError) or "Connect" in type(e).__name__:
            return LLMError(f"cannot reach {what}: is it running? ({detail})")
        return LLMError(f"{what} failed: {type(e).__name__}: {detail}")


# Reasoning models (DeepSeek-R1, Qwen3...) served as plain text think aloud first.
_THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.DOTALL)
_OPEN_TAG, _CLOSE_TAG = "<think>", "</think>"


def without_thinking(deltas: Iterator[str]) -> Iterator[str]:
    """The streamed text without its ``<think>…</think>`` parts, tags split across deltas."""
    buffer, thinking = "", False
    for delta in deltas:
        buffer += delta
        out = ""
        while buffer:
            tag = _CLOSE_TAG if thinking else _OPEN_TAG
            i = buffer.find(tag)
            if i >= 0:
                out += "" if thinking else buffer[:i]
                buffer, thinking = buffer[i + len(tag) :], not thinking
                continue
            keep = next((k for k in range(len(tag) - 1, 0, -1) if buffer.endswith(tag[:k])), 0)
            out += "" if thinking else buffer[: len(buffer) - keep]
            buffer = buffer[len(buffer) - keep :]
            break
        if out:
            yield out
    if buffer and not thinking:
        yield buffer


def _messages(messages: Sequence[tuple[str, str]]) -> list[ChatMessage]:
    return [ChatMessage(role=role, content=content) for role, content in messages]


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit] + "…"


# --- the answerer and the rewriter -----------------------------------------------


class LLMAnswerer:
    """Generate from fenced passages, then keep only what the cited passages support."""

    def __init__(
        self, client: ChatClient, extractive: ExtractiveAnswerer, verifier: Verifier
    ) -> None:
        self.client = client
        self.extractive = extractive
        self.verifier = verifier
        self.name = client.backend

    def answer(self, req: AnswerRequest) -> Draft:
        fallback = functools.partial(self.extractive.answer, req)
        if not req.context:
            return fallback()  # nothing to ground an answer in: the extractive one abstains
        text = self.client.complete(answer_messages(req.question, req.language, req.context))
        check = self.verifier.session(req)
        for sentence in split_sentences(text):
            check.add(sentence)
        return _logged(check.draft(fallback), check)

    def stream(self, req: AnswerRequest) -> Iterator[str | Draft]:
        """Checked sentences as the model finishes them, then the ``Draft``.

        The deltas add up to the final answer's text: an unsupported sentence is
        never shown, and a fallback or refusal is streamed in place of the model's.
        """
        fallback = functools.partial(self.extractive.answer, req)
        if not req.context:
            draft = fallback()
            yield draft.answer
            yield draft
            return
        check = self.verifier.session(req)
        buffer = SentenceBuffer()
        shown = False
        for delta in self.client.stream(answer_messages(req.question, req.language, req.context)):
            for piece in _checked(check, buffer.feed(delta), shown):
                shown = True
                yield piece
        for piece in _checked(check, buffer.flush(), shown):
            shown = True
            yield piece
        draft = _logged(check.draft(fallback), check)
        if not shown:
            yield draft.answer
        yield draft


def _checked(check: Check, sentences: list[str], shown: bool) -> Iterator[str]:
    for sentence in sentences:
        kept = check.add(sentence)
        if kept is not None:
            yield (" " if shown else "") + kept
            shown = True


def _logged(draft: Draft, check: Check) -> Draft:
    draft.verify_ms = round(check.elapsed_ms, 2)
    log.info(
        "verified in %.1f ms: %d sentence(s) kept, %d removed%s%s",
        check.elapsed_ms,
        len(check.outcome.sentences),
        len(draft.unsupported),
        ", refusal" if draft.abstained else "",
        ", fell back to the extractive answer" if draft.fallback else "",
    )
    return draft


class LLMRewriter:
    """Turns a follow-up into a standalone question with the LLM; None if it cannot."""

    def __init__(self, client: ChatClient) -> None:
        self.client = client

    def rewrite(self, question: str, history: Sequence[ChatTurn]) -> str | None:
        if not any(t.role == "user" and t.content.strip() for t in history):
            return None
        return clean_rewrite(self.client.complete(rewrite_messages(question, history)), question)


_REWRITE_LABEL = re.compile(
    r"^\s*(?:standalone|rewritten|reformulated)?\s*question(?: autonome| reformulée)?\s*:\s*|"
    r"^\s*reformulation\s*:\s*",
    re.IGNORECASE,
)


def clean_rewrite(text: str, question: str) -> str | None:
    """The first line, without labels or quotes; None when it is not a usable question."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = _REWRITE_LABEL.sub("", line).strip().strip("\"'«»“”").strip()
    if not line or len(line) > max(3 * len(question), 300) or is_refusal(line):
        return None
    return line


# --- transformers, in-process ------------------------------------------------------


def plain_prompt(messages: Sequence[ChatMessage]) -> str:
    """A prompt for models without a chat template."""
    parts = [f"### {m.role.value.capitalize()}:\n{m.content}\n" for m in messages]
    return "\n".join(parts) + "\n### Assistant:\n"


def _template_prompt(tokenizer: Any, messages: Sequence[ChatMessage]) -> str:
    chat = [{"role": m.role.value, "content": m.content or ""} for m in messages]
    return str(tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True))


class TransformersLLM(CustomLLM):
    """A causal LM from a local directory, generated on this machine with ``transformers``.

    ``max_time`` bounds a generation; a generation that reaches it is an error rather
    than a silently truncated answer.
    """

    model_path: str
    max_new_tokens: int = 512
    temperature: float = 0.0
    timeout_s: float = 60.0
    _model: Any = PrivateAttr(default=None)
    _tokenizer: Any = PrivateAttr(default=None)
    _context: int = PrivateAttr(default=2048)

    @classmethod
    def load(
        cls, path: str, max_new_tokens: int, temperature: float, timeout_s: float, offline: bool
    ) -> TransformersLLM:
        local = Path(path).expanduser()
        if offline and not local.is_dir():
            raise ModelUnavailable(
                f"RAG_LLM_MODEL={path!r} is not a model directory on this machine, and "
                "downloads are off (RAG_OFFLINE=true)"
            )
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as e:
            raise BackendUnavailable(
                f"the transformers backend is not installed: {INSTALL['transformers']}"
            ) from e
        source = str(local) if local.is_dir() else path
        try:
            tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=offline)
            model = AutoModelForCausalLM.from_pretrained(source, local_files_only=offline)
        except Exception as e:  # any loader failure is a configuration problem to report
            raise ModelUnavailable(
                f"cannot load the transformers model {path!r}: {_short(str(e))}"
            ) from e
        model.eval()
        templated = bool(getattr(tokenizer, "chat_template", None))
        llm = cls(
            model_path=path,
            max_new_tokens=max_new_tokens,
            temperature=temperature,
            timeout_s=timeout_s,
            messages_to_prompt=functools.partial(_template_prompt, tokenizer)
            if templated
            else plain_prompt,
        )
        llm._model, llm._tokenizer = model, tokenizer
        cfg = model.config
        llm._context = int(
            getattr(cfg, "max_position_embeddings", None)
            or getattr(cfg, "n_positions", None)
            or 2048
        )
        return llm

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self._context,
            num_output=self.max_new_tokens,
            model_name=self.model_path,
            is_chat_model=False,
        )

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return CompletionResponse(text="".join(self._generate(prompt)))

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        def gen() -> CompletionResponseGen:
            text = ""
            for delta in self._generate(prompt):
                text += delta
                yield CompletionResponse(text=text, delta=delta)

        return gen()

    def _generate(self, prompt: str) -> Iterator[str]:
        import torch
        from transformers import TextIteratorStreamer

        tok, model = self._tokenizer, self._model
        templated = bool(getattr(tok, "chat_template", None))
        ids = tok(prompt, return_tensors="pt", add_special_tokens=not templated)["input_ids"]
        max_new = min(self.max_new_tokens, max(self._context // 4, 1))
        limit = self._context - max_new
        if ids.shape[1] > limit:  # keep the end: the question and the last passages
            log.warning("prompt of %d tokens cut to the model's %d", ids.shape[1], limit)
            ids = ids[:, -limit:]
        streamer = TextIteratorStreamer(
            tok, skip_prompt=True, skip_special_tokens=True, timeout=self.timeout_s
        )
        kwargs: dict[str, Any] = {"do_sample": False}
        if self.temperature > 0:
            kwargs = {"do_sample": True, "temperature": self.temperature}
        failed: list[BaseException] = []

        def run() -> None:
            try:
                with torch.inference_mode():
                    model.generate(
                        input_ids=ids,
                        attention_mask=torch.ones_like(ids),
                        max_new_tokens=max_new,
                        max_time=self.timeout_s,
                        streamer=streamer,
                        pad_token_id=tok.pad_token_id
                        if tok.pad_token_id is not None
                        else tok.eos_token_id,
                        **kwargs,
                    )
            except Exception as e:  # re-raised in the caller's thread
                failed.append(e)
                streamer.end()

        t0 = time.monotonic()
        worker = threading.Thread(target=run, name="transformers-generate", daemon=True)
        worker.start()
        try:
            for text in streamer:
                if text:
                    yield text
        except queue.Empty as e:  # no token within the timeout
            raise TimeoutError(f"no token within {self.timeout_s:g} s") from e
        worker.join()
        if failed:
            raise failed[0]
        if time.monotonic() - t0 >= self.timeout_s:
            raise TimeoutError(f"generation reached {self.timeout_s:g} s")


__all__ = [
    "ChatClient",
    "LLMAnswerer",
    "LLMRewriter",
    "TransformersLLM",
    "build_llm",
    "clean_rewrite",
    "make_llm_answerer",
    "plain_prompt",
    "server_url",
]

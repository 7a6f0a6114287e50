"""The ``transformers`` backend, through the real runtime, with a model that knows nothing.

No real LLM weights exist here, so the test builds one: a tokenizer trained on the
seed articles with the ``tokenizers`` library, and a tiny randomly initialised causal
LM saved to a directory, loaded back by ``RAG_LLM_MODEL=<dir>`` like any local model.
Its output is meaningless, which is the point: whatever it generates must come out
as a verified answer or as the extractive fallback, never as an unchecked claim.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evals.scripted_llm import build_llm_assistant
from rag.answering.llm import TransformersLLM
from rag.answering.verify import MARKER, claim_words, split_sentences, strip_markers
from rag.errors import ModelUnavailable
from rag.schemas import Answer
from tests.conftest import SEEDS

QUESTIONS = [
    "Combien de pays sont prêts à envoyer des troupes en Ukraine ?",
    "Who represented Donald Trump at the Paris meeting?",
]
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>\n{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


def build_tiny_model(path: Path, chat_template: str | None = None) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE(unk_token="<unk>"))
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=1500,
        special_tokens=["<pad>", "<s>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    raw.train([str(p) for p in sorted(SEEDS.glob("*.txt"))], trainer)
    tok = PreTrainedTokenizerFast(
        tokenizer_object=raw,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    if chat_template:
        tok.chat_template = chat_template
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=4096,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        pad_token_id=tok.pad_token_id,
    )
    model = LlamaForCausalLM(config)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llm"))


def transformers_assistant(seeded_settings, embedder, model_dir: Path, **kw):  # type: ignore[no-untyped-def]
    update = {"llm_backend": "transformers", "llm_model": str(model_dir), "llm_max_tokens": 40}
    return build_llm_assistant(seeded_settings.model_copy(update={**update, **kw}), embedder)


def assert_checked(answer: Answer, texts: dict[str, str]) -> None:
    """Verified (every kept sentence cites a quote that is in the article) or the fallback."""
    assert answer.backend == "transformers"
    for c in answer.citations:
        assert texts[c.doc_id][c.start : c.end] == c.quote
    if answer.fallback or answer.abstained:
        return
    numbers = {c.n for c in answer.citations}
    for sentence in split_sentences(answer.answer):
        cited = {int(n) for m in MARKER.finditer(sentence) for n in re.findall(r"\d+", m.group())}
        assert cited and cited <= numbers, f"unchecked sentence: {sentence!r}"
        assert claim_words(strip_markers(sentence))


def test_tiny_random_model_is_verified_or_falls_back(tiny_model, seeded_settings, embedder):
    assistant = transformers_assistant(seeded_settings, embedder, tiny_model)
    llm = assistant.answerer.client.llm
    assert isinstance(llm, TransformersLLM) and llm._model.config.hidden_size == 32
    for q in QUESTIONS:
        answer = assistant.ask(q)
        texts = {d.document.doc_id: d.document.text for d in assistant.store.list_documents()}
        assert_checked(answer, texts)
        # a random model states nothing the articles support: every sentence it wrote is
        # reported as removed, and the answer is the extractive one
        assert answer.fallback is True
        assert answer.answer == assistant.ask(q).answer  # greedy decoding is deterministic
        assert all(u.reason for u in answer.unsupported)


def test_tiny_model_streams_through_the_real_runtime(tiny_model, seeded_settings, embedder):
    assistant = transformers_assistant(seeded_settings, embedder, tiny_model)
    # the raw generation really streams, piece by piece, from the generate() thread
    raw = list(assistant.answerer.client.stream([("user", "La coalition des volontaires")]))
    assert len(raw) > 1 and all(isinstance(p, str) for p in raw)
    items = list(assistant.ask_stream(QUESTIONS[0]))
    final = items[-1]
    assert isinstance(final, Answer)
    assert "".join(i for i in items[:-1] if isinstance(i, str)) == final.answer
    texts = {d.document.doc_id: d.document.text for d in assistant.store.list_documents()}
    assert_checked(final, texts)


def test_chat_template_is_used_when_the_tokenizer_has_one(tmp_path, seeded_settings, embedder):
    model_dir = build_tiny_model(tmp_path / "templated", CHAT_TEMPLATE)
    llm = TransformersLLM.load(str(model_dir), 8, 0.0, 30.0, True)
    from llama_index.core.base.llms.types import ChatMessage

    prompt = llm.messages_to_prompt(
        [ChatMessage(role="system", content="S"), ChatMessage(role="user", content="Q")]
    )
    assert prompt == "<|system|>\nS\n<|user|>\nQ\n<|assistant|>\n"
    assistant = transformers_assistant(seeded_settings, embedder, model_dir)
    answer = assistant.ask(QUESTIONS[1])
    texts = {d.document.doc_id: d.document.text for d in assistant.store.list_documents()}
    assert_checked(answer, texts)


def test_generation_past_the_timeout_is_an_llm_error(tiny_model, seeded_settings, embedder):
    from rag.errors import LLMError

    assistant = transformers_assistant(
        seeded_settings, embedder, tiny_model, llm_timeout_s=0.05, llm_max_tokens=4000
    )
    with pytest.raises(LLMError, match=r"did not answer within 0\.05 s"):
        assistant.ask(QUESTIONS[0])


def test_missing_model_directory_says_so(tmp_path):
    with pytest.raises(ModelUnavailable, match="not a model directory"):
        TransformersLLM.load(str(tmp_path / "nope"), 8, 0.0, 5.0, True)

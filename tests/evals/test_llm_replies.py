"""Format of evals/llm_replies.jsonl: simulated LLM replies with one invented claim each.

Checks only the file's shape and its anchors against the seed texts (no network, no models):
enough items, both languages, every error kind, anchors that really are in exactly one seed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REPLY_SETS, ROOT

SEED_DIR = ROOT / "seeds"

KINDS = ("number", "role", "direction", "negation", "other_passage", "superlative")
LANGS = ("en", "fr")

_PUNCT = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)


def norm(text: str) -> str:
    """NFC, typographic apostrophes/quotes made plain, whitespace runs collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_PUNCT)
    return re.sub(r"\s+", " ", text).strip()


def sentence_count(text: str) -> int:
    text = re.sub(r"^(?:yes|no|oui|non)[.!,]\s+", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(r"\b(M|MM|Mme|Dr|St|[A-Z])\.\s", r"\1 ", text)  # "M. Zelensky" ends nothing
    return len([s for s in re.split(r"(?<=[.!?])\s+", text) if s])


@pytest.fixture(
    scope="module",
    params=[path for path, _ in REPLY_SETS.values()],
    ids=list(REPLY_SETS),
)
def items(request: pytest.FixtureRequest) -> list[dict]:
    path: Path = request.param
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [json.loads(ln) for ln in lines]


# (items, per language, per kind) at least: the fourth to ninth sets are smaller unseen checks
MINIMUM = {
    "e": (40, 20, 6),
    "f": (36, 18, 6),
    "g": (36, 18, 6),
    "h": (36, 18, 6),
    "i": (36, 18, 6),
    "j": (36, 18, 6),
}
FULL = (60, 25, 10)


def minimum(items: list[dict]) -> tuple[int, int, int]:
    return MINIMUM.get(items[0]["id"][0], FULL)


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    texts = {p.name: norm(p.read_text(encoding="utf-8")) for p in sorted(SEED_DIR.glob("*.txt"))}
    assert len(texts) == 5
    return texts


def _anchors(item: dict) -> list[tuple[str, str]]:
    out = [(f"faithful[{i}]", f["anchor"]) for i, f in enumerate(item["faithful"])]
    out.append(("invented", item["invented"]["anchor"]))
    return out


def test_counts_and_ids(items: list[dict]) -> None:
    assert len(items) >= minimum(items)[0]
    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_languages_balanced(items: list[dict]) -> None:
    langs = Counter(it["lang"] for it in items)
    assert set(langs) <= set(LANGS), langs
    for lang in LANGS:
        assert langs[lang] >= minimum(items)[1], langs


def test_every_kind_well_represented(items: list[dict]) -> None:
    kinds = Counter(it["invented"]["kind"] for it in items)
    assert set(kinds) <= set(KINDS), kinds
    for kind in KINDS:
        assert kinds[kind] >= minimum(items)[2], kinds


def test_item_shape(items: list[dict]) -> None:
    for it in items:
        assert set(it) == {"id", "question", "lang", "faithful", "invented"}, it["id"]
        assert isinstance(it["question"], str) and it["question"].strip(), it["id"]
        faithful = it["faithful"]
        assert isinstance(faithful, list) and 1 <= len(faithful) <= 3, it["id"]
        for f in faithful:
            assert set(f) == {"text", "anchor"}, it["id"]
            assert f["text"].strip() and f["anchor"].strip(), it["id"]
            assert sentence_count(f["text"]) == 1, (it["id"], f["text"])
        inv = it["invented"]
        assert set(inv) == {"text", "anchor", "kind", "after", "note"}, it["id"]
        assert inv["text"].strip() and inv["note"].strip(), it["id"]
        assert sentence_count(inv["text"]) == 1, (it["id"], inv["text"])
        assert isinstance(inv["after"], int) and not isinstance(inv["after"], bool), it["id"]
        assert -1 <= inv["after"] < len(faithful), it["id"]


def test_some_replies_have_several_sentences(items: list[dict]) -> None:
    multi = sum(1 for it in items if len(it["faithful"]) >= 2)
    assert multi >= len(items) // 5, multi


def test_no_citation_markers(items: list[dict]) -> None:
    marker = re.compile(r"\[\d+\]")
    for it in items:
        texts = [f["text"] for f in it["faithful"]] + [it["invented"]["text"], it["question"]]
        for t in texts:
            assert not marker.search(t), (it["id"], t)


def test_anchors_short_and_in_exactly_one_seed(items: list[dict], seeds: dict[str, str]) -> None:
    bad = []
    for it in items:
        for where, anchor in _anchors(it):
            words = len(anchor.split())
            hits = [name for name, text in seeds.items() if norm(anchor) in text]
            if not 3 <= words <= 10 or len(hits) != 1:
                bad.append((it["id"], where, anchor, words, hits))
    assert not bad, bad


def test_anchor_is_unique_within_its_seed(items: list[dict], seeds: dict[str, str]) -> None:
    """An anchor repeated inside one article would leave the cited passage ambiguous."""
    bad = []
    for it in items:
        for where, anchor in _anchors(it):
            total = sum(text.count(norm(anchor)) for text in seeds.values())
            if total != 1:
                bad.append((it["id"], where, anchor, total))
    assert not bad, bad


def test_faithful_anchors_stay_in_one_article(items: list[dict], seeds: dict[str, str]) -> None:
    """A reply answers from one article; its faithful claims cite that article only."""
    for it in items:
        files = {
            name
            for f in it["faithful"]
            for name, text in seeds.items()
            if norm(f["anchor"]) in text
        }
        assert len(files) == 1, (it["id"], files)

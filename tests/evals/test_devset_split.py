"""The dev set's fixed split: odd articles fit, even ones held out; questions follow them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evals.devset import (
    article_number,
    is_devset,
    question_article,
    split_of,
    split_of_article,
)
from evals.gold import GoldItem, load_gold
from evals.runner import select_split
from rag.errors import RagError

DEVSET = Path(__file__).resolve().parents[2].parent / "shared" / "devset"
needs_devset = pytest.mark.skipif(
    not (DEVSET / "gold.jsonl").is_file(),
    reason=f"no dev set at {DEVSET} (the shared folder beside this checkout)",
)


def _item(qid: str, sources: list[str]) -> GoldItem:
    if not sources:
        return GoldItem(id=qid, question="q", lang="en", answers=[], sources=[], unanswerable=True)
    return GoldItem(id=qid, question="q", lang="en", answers=[["x"]], sources=sources)


def test_article_numbers_and_halves() -> None:
    assert article_number("07_expositions_frequentation_2017") == 7
    assert article_number("000_c55c5c1d2af116cc") is None
    assert article_number("7_x") is None
    assert [split_of_article(n) for n in (1, 2, 19, 20)] == ["fit", "held-out", "fit", "held-out"]


def test_questions_are_grouped_five_per_article() -> None:
    assert [question_article(f"d{n:03d}") for n in (1, 5, 6, 10, 11, 96, 100)] == [
        1, 1, 2, 2, 3, 20, 20,
    ]  # fmt: skip
    assert question_article("q001") is None
    assert question_article("d000") is None


def test_a_question_follows_its_source_and_an_unanswerable_one_its_place() -> None:
    assert split_of(_item("d001", ["02_cour_criminelle_caen"])) == "held-out"
    assert split_of(_item("d008", [])) == "held-out"  # grouped under article 02
    assert split_of(_item("d003", [])) == "fit"
    assert split_of(_item("q001", [])) is None
    assert split_of(_item("d001", ["000_c55c5c1d2af116cc"])) is None
    assert split_of(_item("d001", ["01_a", "02_b"])) is None  # straddles the split


def test_is_devset_needs_its_article_and_question_names() -> None:
    gold = [_item("d001", ["01_a"]), _item("d005", [])]
    assert is_devset({"01_a", "02_b"}, gold)
    assert not is_devset({"01_a", "000_c55c5c1d2af116cc"}, gold)
    assert not is_devset({"01_a"}, [_item("q001", ["01_a"])])
    assert not is_devset(set(), gold)


def test_select_split() -> None:
    gold = [_item("d001", ["01_a"]), _item("d006", ["02_b"]), _item("d010", [])]
    ids = {"01_a", "02_b"}
    assert select_split(gold, ids, None) == (gold, ("fit", "held-out"))
    assert select_split(gold, ids, "held-out") == (gold[1:], ("held-out",))
    assert select_split(gold, ids, "fit") == (gold[:1], ("fit",))
    seeds = [_item("q001", ["000_x"])]
    assert select_split(seeds, {"000_x"}, None) == (seeds, ())
    with pytest.raises(RagError, match="needs the dev set"):
        select_split(seeds, {"000_x"}, "fit")
    with pytest.raises(RagError, match="unknown split 'half'"):
        select_split(gold, ids, "half")


@needs_devset
def test_grouping_agrees_with_the_sources_of_the_dev_set() -> None:
    gold = load_gold(DEVSET / "gold.jsonl")
    for item in gold:
        if item.sources:
            assert {article_number(s) for s in item.sources} == {question_article(item.id)}, item
    halves = Counter((split_of(i), i.unanswerable) for i in gold)
    assert halves == {("fit", False): 40, ("fit", True): 10,
                      ("held-out", False): 40, ("held-out", True): 10}  # fmt: skip
    names = {p.stem for p in (DEVSET / "articles").glob("*.txt")}
    assert is_devset(names, gold)

"""The gold set itself: well formed, balanced, and every answer really in its sources.

A gold answer that is not in the article (a typo, a paraphrase) would make a
perfect system look wrong, so the file is checked against the seed texts.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evals.gold import GoldItem, load_gold
from evals.metrics import contains_answers, contains_group, content_tokens, normalize
from rag.errors import GoldFormatError, RagError

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "evals" / "gold.jsonl"
SEEDS = {p.stem: p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))}
PROJECT_SETS = ("gold.jsonl", "heldout.jsonl", "heldout2.jsonl")
DEVSET = ROOT.parent / "shared" / "devset"


@pytest.fixture(scope="module")
def gold() -> list[GoldItem]:
    return load_gold(GOLD, known_doc_ids=set(SEEDS))


def test_seeds_are_present() -> None:
    assert len(SEEDS) == 5


def test_size_and_balance(gold: list[GoldItem]) -> None:
    assert len(gold) >= 50
    assert sum(item.unanswerable for item in gold) >= 8
    langs = Counter(item.lang for item in gold)
    assert langs["en"] >= 20 and langs["fr"] >= 20
    unanswerable_langs = {item.lang for item in gold if item.unanswerable}
    assert unanswerable_langs == {"en", "fr"}
    types = {item.type for item in gold if not item.unanswerable}
    assert types == {"who", "what", "how_many", "where", "when", "why"}


def test_ids_are_unique_and_sequential(gold: list[GoldItem]) -> None:
    assert [item.id for item in gold] == [f"q{i:03d}" for i in range(1, len(gold) + 1)]


def test_every_seed_is_the_source_of_several_questions(gold: list[GoldItem]) -> None:
    counts = Counter(source for item in gold for source in item.sources)
    for doc_id in SEEDS:
        assert counts[doc_id] >= 3, doc_id


def test_some_questions_need_two_articles(gold: list[GoldItem]) -> None:
    multi = [item for item in gold if len(item.sources) >= 2]
    assert len(multi) >= 4

    # ...and at least four whose answer groups cannot all be found in one article.
    def one_doc_answers(item: GoldItem) -> bool:
        return any(all(contains_group(SEEDS[d], g) for g in item.answers) for d in item.sources)

    assert sum(not one_doc_answers(item) for item in multi) >= 4


def test_answers_occur_in_their_sources(gold: list[GoldItem]) -> None:
    problems: list[str] = []
    for item in gold:
        if item.unanswerable:
            continue
        joined = "\n".join(SEEDS[d] for d in item.sources)
        for group in item.answers:
            if not contains_group(joined, group):
                problems.append(f"{item.id}: {group} is in none of {item.sources}")
        for doc_id in item.sources:
            if not any(contains_group(SEEDS[doc_id], g) for g in item.answers):
                problems.append(f"{item.id}: source {doc_id} holds no answer group")
    assert problems == []


@pytest.mark.parametrize("name", PROJECT_SETS)
def test_shorts_occur_literally_in_their_sources(name: str) -> None:
    """A short answer is a span of the article, after folding (the dev set's rule)."""
    items = load_gold(ROOT / "evals" / name, known_doc_ids=set(SEEDS))
    folded = {doc_id: normalize(text) for doc_id, text in SEEDS.items()}
    problems = []
    for item in items:
        if item.short is None:
            continue
        if not any(normalize(item.short) in folded[d] for d in item.sources):
            problems.append(f"{item.id}: short {item.short!r} is in none of {item.sources}")
        if not contains_answers(item.short, item.answers):
            problems.append(f"{item.id}: short {item.short!r} lacks an answer group")
    assert problems == []


@pytest.mark.parametrize("name", PROJECT_SETS)
def test_shorts_where_the_answer_is_a_span(name: str) -> None:
    """Null for why / what and unanswerable questions; given for most who / how many."""
    items = load_gold(ROOT / "evals" / name)
    for item in items:
        if item.unanswerable or item.type in ("why", "what"):
            assert item.short is None, item.id
    spans = [i for i in items if not i.unanswerable and i.type in ("who", "how_many")]
    assert sum(i.short is not None for i in spans) >= 0.7 * len(spans)


def test_unanswerable_questions_are_on_topic(gold: list[GoldItem]) -> None:
    """They share words with the articles (names, places), or abstaining would be too easy."""
    vocabulary = set(content_tokens(" ".join(SEEDS.values())))
    for item in gold:
        if item.unanswerable:
            shared = set(content_tokens(item.question)) & vocabulary
            assert shared, item.id


# --- load_gold errors ------------------------------------------------------------

GOOD = {
    "id": "q1",
    "question": "Combien de pays ?",
    "lang": "fr",
    "answers": [["26"]],
    "sources": ["doc_a"],
    "unanswerable": False,
}


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _line(**changes: object) -> str:
    row = {**GOOD, **changes}
    return json.dumps({k: v for k, v in row.items() if v is not ...}, ensure_ascii=False)


def test_load_gold_reads_items_and_skips_blank_lines(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(), "", "   ", _line(id="q2", type="how_many")])
    items = load_gold(path, known_doc_ids={"doc_a"})
    assert [i.id for i in items] == ["q1", "q2"]
    assert items[0].type == "what"  # the default
    assert items[1].type == "how_many"
    assert items[0].answers == [["26"]]


def test_load_gold_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(), "", '{"id": "q2", "question": '])
    with pytest.raises(GoldFormatError, match=r"line 3: invalid JSON \(") as e:
        load_gold(path)
    assert isinstance(e.value, RagError)


def test_load_gold_missing_field_names_line_and_field(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(), _line(id="q2", question=...)])
    with pytest.raises(GoldFormatError, match=r"gold.jsonl line 2: missing field 'question'"):
        load_gold(path)


def test_load_gold_unknown_source(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(), _line(id="q2", sources=["doc_a", "xyz"])])
    with pytest.raises(GoldFormatError, match=r"line 2: unknown source id 'xyz'"):
        load_gold(path, known_doc_ids={"doc_a"})
    assert len(load_gold(path)) == 2  # without known ids, sources are not checked


def test_load_gold_answerable_needs_answers_and_sources(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match=r"line 1: .*answer group"):
        load_gold(_write(tmp_path, [_line(answers=[])]))
    with pytest.raises(GoldFormatError, match=r"line 1: .*source"):
        load_gold(_write(tmp_path, [_line(sources=[])]))
    with pytest.raises(GoldFormatError, match=r"line 1: .*blank alias"):
        load_gold(_write(tmp_path, [_line(answers=[["26"], []])]))


def test_load_gold_unanswerable_must_have_no_answers(tmp_path: Path) -> None:
    ok = _line(unanswerable=True, answers=[], sources=[])
    assert load_gold(_write(tmp_path, [ok]))[0].unanswerable
    with pytest.raises(GoldFormatError, match=r"line 1: .*unanswerable"):
        load_gold(_write(tmp_path, [_line(unanswerable=True)]))


def test_load_gold_duplicate_id(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line(), _line(question="Autre ?")])
    with pytest.raises(GoldFormatError, match=r"line 2: duplicate id 'q1' \(first on line 1\)"):
        load_gold(path)


def test_load_gold_bad_values_are_named(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match=r"line 1: field 'lang'"):
        load_gold(_write(tmp_path, [_line(lang="de")]))
    with pytest.raises(GoldFormatError, match=r"line 1: unknown field 'answer'"):
        load_gold(_write(tmp_path, [_line(answer="26")]))
    with pytest.raises(GoldFormatError, match=r"line 1: expected a JSON object"):
        load_gold(_write(tmp_path, ["[1, 2]"]))


def test_load_gold_reads_the_dev_set_format(tmp_path: Path) -> None:
    """``kind`` is the dev set's name for ``type``; ``short`` is the exact short answer."""
    path = _write(tmp_path, [_line(kind="how_many", short="26 pays"), _line(id="q2", kind="which")])
    first, second = load_gold(path)
    assert (first.type, first.short) == ("how_many", "26 pays")
    assert (second.type, second.short) == ("which", None)  # a "which river" question
    trap = _line(id="q3", kind="unanswerable", unanswerable=True, answers=[], sources=[])
    assert load_gold(_write(tmp_path, [trap]))[0].type == "unanswerable"


def test_load_gold_dev_set_format_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match=r"line 1: give either 'type' or 'kind'"):
        load_gold(_write(tmp_path, [_line(kind="who", type="who")]))
    with pytest.raises(GoldFormatError, match=r"line 1: field 'kind'"):
        load_gold(_write(tmp_path, [_line(kind="whom")]))
    with pytest.raises(GoldFormatError, match=r"line 1: .*short must be a non-blank"):
        load_gold(_write(tmp_path, [_line(short=" ")]))
    with pytest.raises(GoldFormatError, match=r"line 1: .*no short"):
        load_gold(_write(tmp_path, [_line(unanswerable=True, answers=[], sources=[], short="x")]))
    with pytest.raises(GoldFormatError, match=r"line 1: .*type 'unanswerable' needs"):
        load_gold(_write(tmp_path, [_line(kind="unanswerable")]))
    with pytest.raises(GoldFormatError, match=r"line 1: field 'short'"):
        load_gold(_write(tmp_path, [_line(short=26)]))


@pytest.mark.skipif(not (DEVSET / "gold.jsonl").is_file(), reason=f"no dev set at {DEVSET}")
def test_the_dev_set_gold_file_loads() -> None:
    names = {p.stem for p in (DEVSET / "articles").glob("*.txt")}
    items = load_gold(DEVSET / "gold.jsonl", known_doc_ids=names)
    assert len(items) == 100
    assert Counter(i.type for i in items)["unanswerable"] == 20
    assert sum(i.short is not None for i in items) >= 60


def test_load_gold_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match="not found"):
        load_gold(tmp_path / "nope.jsonl")

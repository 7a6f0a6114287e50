"""`/v1`'s token counts and cuts, in the real embedding model's word pieces."""

from __future__ import annotations

import pytest

from rag.api.tokens import Budget, Tokens

TEXT = "Steve Witkoff and Jared Kushner represented Donald Trump in Paris on Tuesday."


@pytest.fixture(scope="module")
def tokens(embedder) -> Tokens:
    return Tokens(embedder.count_tokens)


def test_counts_are_word_pieces_without_special_tokens(tokens):
    assert tokens.count([""]) == 0 and tokens.count([]) == 0
    assert tokens.count(["hello world"]) == 2
    assert tokens.count([TEXT]) > len(TEXT.split())  # names split into several pieces
    assert tokens.count([TEXT, "hello world"]) == tokens.count([TEXT]) + 2


@pytest.mark.parametrize("limit", [1, 3, 5, 8, 12])
def test_a_cut_is_the_longest_word_prefix_that_fits(tokens, limit):
    cut = tokens.cut(TEXT, limit)
    assert TEXT.startswith(cut) and tokens.fits(cut, limit)
    words = TEXT.split()
    kept = len(cut.split())
    assert cut == " ".join(words[:kept])
    assert not tokens.fits(" ".join(words[: kept + 1]), limit)


def test_a_cut_never_takes_back_what_a_stream_sent(tokens):
    assert tokens.cut(TEXT, 0, floor=6) == "Steve "
    assert tokens.cut(TEXT, 100) == TEXT


def pieces(text: str, size: int) -> list[str]:
    """A stream's deltas: fixed-size slices, so words arrive split across them."""
    return [text[i : i + size] for i in range(0, len(text), size)]


@pytest.mark.parametrize("limit", [None, 1, 4, 9, 100])
@pytest.mark.parametrize("size", [1, 5, 24])
def test_a_stream_is_cut_where_the_plain_answer_is(tokens, limit, size):
    plain = Budget(tokens, limit)
    whole = plain.take(TEXT, final=True)
    stream = Budget(tokens, limit)
    sent = [stream.take(p) for p in pieces(TEXT, size)] + [stream.take("", final=True)]
    assert "".join(sent) == whole == stream.sent
    assert stream.exhausted == plain.exhausted == (whole != TEXT)
    for i, s in enumerate(sent[:-1]):  # no delta ends inside a word that is still arriving
        shown = "".join(sent[: i + 1])
        assert not s or TEXT[len(shown) : len(shown) + 1] in ("", " ")

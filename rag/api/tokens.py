"""Token counts for ``/v1``'s ``usage`` and ``max_tokens``, in the embedding model's pieces.

The answers are quoted, not generated, so no generator's tokenizer applies. The embedding
model's own tokenizer (WordPiece for the default all-MiniLM-L6-v2, through the Rust
``tokenizers`` library: milliseconds) is the one the server already has. Its counts are of
the same order as a GPT tokenizer's, not equal to them: an estimate for budgets and logs,
not a bill. Special tokens ([CLS], [SEP]) are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

WORD = re.compile(r"\S+")
PARTIAL_WORD = re.compile(r"\s*\S*$")  # the last word of a stream may still be arriving


class Tokens:
    """Counts text in word pieces, and cuts it at a word boundary to fit a number of them."""

    def __init__(self, count_tokens: Callable[[Sequence[str]], list[int]]) -> None:
        self._count = count_tokens
        self._special: int | None = None  # pieces a tokenizer adds around any text ([CLS] [SEP])

    def count(self, texts: Sequence[str]) -> int:
        """Pieces in all ``texts`` together, without the tokenizer's special tokens."""
        texts = [t for t in texts if t]
        if not texts:
            return 0
        if self._special is None:
            self._special = self._count([""])[0]
        return sum(self._count(texts)) - self._special * len(texts)

    def fits(self, text: str, limit: int) -> bool:
        return self.count([text]) <= limit

    def cut(self, text: str, limit: int, floor: int = 0) -> str:
        """The longest prefix of ``text`` that ends a word and fits ``limit`` pieces; never
        shorter than ``text[:floor]`` (what a stream has already sent)."""
        ends = [m.end() for m in WORD.finditer(text) if m.end() > floor]
        kept = 0  # how many of ``ends`` are known to fit: pieces grow with the prefix
        hi = len(ends)
        while kept < hi:
            mid = (kept + hi + 1) // 2
            if self.fits(text[: ends[mid - 1]], limit):
                kept = mid
            else:
                hi = mid - 1
        return text[: ends[kept - 1]] if kept else text[:floor]


class Budget:
    """Hands out an answer in whole words, none past ``limit`` pieces (``None``: no limit).

    A plain answer is one ``take(text, final=True)``; a stream calls ``take`` with each delta
    and once more with ``final=True`` at its end, so both cut at the same word.
    """

    def __init__(self, tokens: Tokens, limit: int | None) -> None:
        self.tokens = tokens
        self.limit = limit
        self.received = ""
        self.sent = ""
        self.exhausted = False  # the limit was reached: the rest is read, not sent

    def take(self, piece: str, final: bool = False) -> str:
        """The text to send now: the words completed by ``piece``, cut where the limit falls
        (a word still arriving waits for the next piece, or the end)."""
        if self.exhausted:
            return ""
        self.received += piece
        shown = self.received if final else PARTIAL_WORD.sub("", self.received)
        if self.limit is not None and not self.tokens.fits(shown, self.limit):
            shown = self.tokens.cut(shown, self.limit, floor=len(self.sent))
            self.exhausted = True
        if len(shown) <= len(self.sent):
            return ""
        new, self.sent = shown[len(self.sent) :], shown
        return new

"""The shared dev set (``../shared/devset``): its fixed fit / held-out split.

The split is fixed once and for all, so that what is tuned on one half can be checked on
the other: articles with an odd number (01, 03, ..., 19) are the fit half, even ones
(02, ..., 20) the held-out half. A question follows its article. Unanswerable questions
name no source; they are placed by position, as the gold file groups its questions by
article in id order, five per article (d001-d005 article 01, d006-d010 article 02, ...).

The texts are third-party: they are read from the shared folder at run time, never copied.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from evals.gold import GoldItem

Split = Literal["fit", "held-out"]
SPLITS: tuple[Split, ...] = ("fit", "held-out")
QUESTIONS_PER_ARTICLE = 5

_ARTICLE = re.compile(r"(\d{2})_[a-z0-9_]+")
_QUESTION = re.compile(r"d(\d{3})")


def article_number(doc_id: str) -> int | None:
    """The NN of a dev-set article ``NN_slug``; None for any other name."""
    match = _ARTICLE.fullmatch(doc_id)
    return int(match.group(1)) if match else None


def question_article(question_id: str) -> int | None:
    """The article a question ``dNNN`` is grouped under: d001-d005 -> 1, d006-d010 -> 2."""
    match = _QUESTION.fullmatch(question_id)
    if not match or int(match.group(1)) < 1:
        return None
    return (int(match.group(1)) - 1) // QUESTIONS_PER_ARTICLE + 1


def split_of_article(number: int) -> Split:
    return "fit" if number % 2 else "held-out"


def split_of(item: GoldItem) -> Split | None:
    """The half a question belongs to: its source's, or for a question without one, the
    half of the article it is grouped under. None when it is not a dev-set question."""
    numbers = {article_number(s) for s in item.sources} or {question_article(item.id)}
    splits = {split_of_article(n) for n in numbers if n is not None}
    if None in numbers or len(splits) != 1:
        return None
    return splits.pop()


def is_devset(doc_ids: Iterable[str], gold: Sequence[GoldItem]) -> bool:
    """Is this the dev set: articles named ``NN_slug`` and questions ``dNNN`` placed in them?"""
    numbers = {article_number(d) for d in doc_ids}
    if not numbers or None in numbers or not gold:
        return False
    return all(
        question_article(item.id) is not None and split_of(item) is not None for item in gold
    )

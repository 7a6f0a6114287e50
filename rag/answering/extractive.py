"""The default answerer: quote the sentences that answer, cite them, or abstain.

It states nothing of its own: the answer is the cited sentences themselves, each followed by
its ``[n]`` marker, and the short answer is a span of them. One request reads top to bottom:
analyse the question (``question``), gather candidate sentences (``candidates``), describe
each by generic features (``features``), score them with the fitted model and abstain below
its threshold (``scoring``), then read the short answer off the quoted sentence (``spans``).
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.answering.candidates import Candidate, gather
from rag.answering.draft import Draft, continued_end, merge_drafts, quoted, refusal
from rag.answering.features import (
    confidence_features,
    counts_a_noun,
    idf_weights,
    matched_predicates,
    sentence_features,
    unknown_names,
)
from rag.answering.metadata import metadata_citation, metadata_field
from rag.answering.question import Question, analyze_question, split_question
from rag.answering.request import AnswerRequest
from rag.answering.scoring import AnswerModel, load_model, softmax
from rag.answering.spans import (
    best_mention_probability,
    best_mentions,
    expansion,
    phrase_answer,
    render,
    tied,
)
from rag.schemas import Citation

MAX_SENTENCES = 3  # quoted at most; more than one only when they score close to the best
HOLDER_POOL = 5  # the best sentences where the short answer is looked for


@dataclass
class Scored:
    """Everything the answerer weighed for one question (for the eval and the fitting)."""

    question: Question
    candidates: list[Candidate]  # best first; ``score`` is the ranker's, ``share`` its softmax
    confidence: float  # how likely the articles answer the question


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, model: AnswerModel | None = None) -> None:
        self._model = model

    @property
    def model(self) -> AnswerModel:
        return self._model or load_model()

    def answer(self, req: AnswerRequest) -> Draft:
        """Answer each part of the question ("Where ..., and where ...?") on its own."""
        parts = split_question(req.question)
        drafts = [self._answer_one(req.part(part)) for part in parts]
        if len(drafts) == 1:
            return drafts[0]
        return merge_drafts(parts, drafts, req.language)

    def score(self, req: AnswerRequest) -> Scored:
        """Every candidate sentence with its features and probability, best first."""
        q = analyze_question(req.question, req.language, req.corpus)
        cands = gather(q, req.context, req.corpus)
        weights = idf_weights(q, req.corpus)
        top_keyword = max((p.keyword_score or 0.0 for p in req.context), default=0.0)
        top_fused = max((p.fused_score for p in req.context), default=0.0) or 1.0
        doc_best: dict[str, float] = {}
        for p in req.context:
            doc_best[p.doc_id] = max(doc_best.get(p.doc_id, 0.0), p.fused_score / top_fused)
        model = self.model
        for c in cands:
            c.features = sentence_features(
                q,
                c,
                req.corpus,
                weights,
                req.corpus.doc_tokens(c.doc_id),
                top_keyword,
                doc_best[c.doc_id],
            )
            c.score = model.sentence.linear(c.features)
        cands.sort(key=lambda c: (-c.score, c.passage.rank, c.start))
        for c, share in zip(cands, softmax([c.score for c in cands]), strict=True):
            c.share = share
        confidence = 0.0
        if cands:
            conf = confidence_features(
                [c.score for c in cands],
                [c.share for c in cands],
                [c.features for c in cands],
                unknown_names(q, req.corpus),
                counts_a_noun(q),
            )
            confidence = model.confidence(conf)
        return Scored(q, cands, confidence)

    def _answer_one(self, req: AnswerRequest) -> Draft:
        field = metadata_field(req.question)
        if field is not None:  # "who wrote the Reuters dispatch?": quote its byline
            found = metadata_citation(field, req.question, req.context, req.corpus.texts)
            if found is not None:
                c, value = found
                return Draft(quoted(c.quote, 1), value, False, [c], 1.0, field)
        scored = self.score(req)
        q, cands = scored.question, scored.candidates
        model = self.model
        if not cands or scored.confidence < model.threshold:
            return refusal(req.language, scored.confidence, q.qtype)
        chosen = [cands[0]]
        for other in cands[1:MAX_SENTENCES]:
            if other.share >= model.second_ratio * cands[0].share:
                chosen.append(other)
        # the short answer is read off the sentence most likely to hold it: the sentence's
        # share times its best mention's probability (both fitted models); a sentence
        # below the quoted ones that holds it is quoted too
        holder = max(
            [*chosen, *(c for c in cands[:HOLDER_POOL] if c not in chosen and tied(q, c))],
            key=lambda c: c.share * best_mention_probability(q, c, model.mention),
        )
        if holder not in chosen:
            chosen = [*chosen[: MAX_SENTENCES - 1], holder]
        citations = [self._cite(req, c, n) for n, c in enumerate(chosen, start=1)]
        if q.qtype == "definition":  # what a name stands for: the sentence that spells it out
            text_of = req.corpus.texts
            holder = next((c for c in chosen if expansion(q, c, text_of[c.doc_id])), holder)
        short, quote = self._short(req, q, holder)
        return Draft(
            " ".join(quoted(c.quote, c.n) for c in citations),
            short,
            False,
            citations,
            round(scored.confidence, 4),
            q.qtype,
            quoted_short=quote,
        )

    def _cite(self, req: AnswerRequest, c: Candidate, n: int) -> Citation:
        text = req.corpus.texts[c.doc_id]
        end = continued_end(text, c.end, req.corpus.doc_sentences(c.doc_id))
        p = c.passage
        return Citation(
            n=n,
            doc_id=c.doc_id,
            chunk_id=p.chunk_id,
            title=p.title,
            date=p.date,
            outlet=p.outlet,
            quote=text[c.start : end],
            start=c.start,
            end=end,
            score=round(c.share, 4),
        )

    def short_for(
        self, req: AnswerRequest, citations: list[Citation]
    ) -> tuple[str | None, str | None]:
        """The short answer read off given citations (an LLM's verified ones)."""
        scored = self.score(req)
        cited = {(c.doc_id, c.start) for c in citations}
        for c in scored.candidates:
            if (c.doc_id, c.start) in cited:
                return self._short(req, scored.question, c)
        return None, None

    def _short(
        self, req: AnswerRequest, q: Question, c: Candidate
    ) -> tuple[str | None, str | None]:
        mentions = best_mentions(q, c, self.model.mention)
        text = req.corpus.texts[c.doc_id]
        phrase = phrase_answer(q, c, text)
        if mentions and phrase is not None:
            # a date or place no asked verb governs yields to the phrase one does ("dans les
            # zones de contact" beside a country named elsewhere in the sentence)
            args = [(a, b) for v in matched_predicates(q, c) for _, a, b in v.args]
            if not any(a <= m.start and m.end <= b for m in mentions for a, b in args):
                mentions = []
        found = render(q, mentions, text, req.corpus.language(c.doc_id), req.language)
        if found is None:  # verbatim: what a name stands for, a phrase that says when or where
            span = expansion(q, c, text) or phrase
            if span is not None:
                found = (text[span[0] : span[1]], text[span[0] : span[1]])
        return found if found is not None else (None, None)


def short_answer_for(
    req: AnswerRequest, citations: list[Citation]
) -> tuple[str | None, str | None]:
    return ExtractiveAnswerer().short_for(req, citations)

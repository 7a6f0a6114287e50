"""Hybrid retrieval: dense (Chroma) + keyword (tantivy BM25), fused, with every score kept."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rag.answering.bilingual import translated_query
from rag.corpus_index import LexicalIndex
from rag.embedding import Embedder
from rag.lexical import analyze, analyze_query, news_synonyms, words
from rag.schemas import Chunk, Passage
from vectorstore.base import VectorStore

_EN = set(
    "the who what which when where why how many much did does do is are was were of in to and "
    "with for by from has have did about after before between country countries troops president "
    "said say says according".split()
)
_FR = set(
    "le la les qui que quoi quel quelle quels quelles quand où pourquoi combien comment est sont "
    "a ont du des de et en pour par avec dans sur au aux été selon pays troupes président "
    "d l qu".split()
)


def detect_question_language(question: str) -> str:
    """'en' or 'fr' from function words; accents and elisions tip toward French."""
    en, fr = language_votes(question)
    return "en" if en > fr else "fr"


def language_votes(text: str) -> tuple[int, int]:
    """(English, French) votes: function words of each language, and one more for French
    where accents or elisions show."""
    toks = re.findall(r"[a-zà-ÿ]+", text.casefold().replace("’", "'"))
    en = sum(t in _EN for t in toks)
    fr = sum(t in _FR for t in toks)
    if re.search(r"[àâçéèêëîïôûùœ]|\b[ldjqsnc]'", text.casefold()):
        fr += 1
    return en, fr


def french_expansion(english: str) -> list[str]:
    """The keyword tokens a French question adds: its words' English translations (for
    English articles) and the news-French synonyms of those ("maire": "mayor", "édile")."""
    return list(dict.fromkeys(analyze(f"{english} {' '.join(news_synonyms(english))}")))


@dataclass
class RetrievalParams:
    top_k: int = 6
    candidates: int = 30
    fusion: str = "rrf"  # or "weighted"
    rrf_k: int = 60
    dense_weight: float = 1.0
    keyword_weight: float = 1.0
    mode: str = "hybrid"  # "dense" | "keyword" | "hybrid"
    expand: bool = True


@dataclass
class Retrieval:
    question: str
    language: str
    passages: list[Passage]
    timings_ms: dict[str, float] = field(default_factory=dict)


class HybridRetriever:
    def __init__(
        self,
        embedder: Embedder,
        store: VectorStore,
        lexical: Callable[[], LexicalIndex],
        params: RetrievalParams | None = None,
    ) -> None:
        self.embedder = embedder
        self.store = store
        self.lexical = lexical  # a provider, so an ingest elsewhere is picked up
        self.params = params or RetrievalParams()

    def retrieve(
        self, question: str, top_k: int | None = None, index: LexicalIndex | None = None
    ) -> Retrieval:
        """The top passages for the question; for one that asks several things, the best
        passages of each part in turn, so every part has evidence in the context.

        ``index`` is the committed corpus to answer from (the provider's when not given):
        a dense hit on a chunk it does not hold (an ingest under way, an orphan left by a
        killed one) is dropped, and every passage is the index's copy of its chunk.
        """
        from rag.answering.question import split_question

        index = index or self.lexical()
        parts = split_question(question)
        if len(parts) == 1:
            return self._retrieve(question, top_k, index)
        runs = [self._retrieve(part, top_k, index) for part in parts]
        merged: dict[str, Passage] = {}
        for rank in range(max(len(r.passages) for r in runs)):
            for r in runs:
                if rank < len(r.passages):
                    merged.setdefault(r.passages[rank].chunk_id, r.passages[rank])
        passages = list(merged.values())[: top_k or self.params.top_k]
        for i, passage in enumerate(passages):
            passage.rank = i + 1
        timings: dict[str, float] = {}
        for r in runs:
            for key, ms in r.timings_ms.items():
                timings[key] = round(timings.get(key, 0.0) + ms, 2)
        return Retrieval(question, detect_question_language(question), passages, timings)

    def _retrieve(self, question: str, top_k: int | None, index: LexicalIndex) -> Retrieval:
        p = self.params
        k = top_k or p.top_k
        lang = detect_question_language(question)
        timings: dict[str, float] = {}
        dense: list[tuple[Chunk, float]] = []
        keyword: list[tuple[Chunk, float]] = []
        # the question in the other language's words: the English embedder meets an
        # English article through it, and the keyword side meets either language
        other = translated_query(question, lang) if p.expand else ""
        if p.mode in ("hybrid", "dense"):
            t = time.perf_counter()
            queries = [question] + ([other] if other else [])
            vecs = self.embedder.embed_queries(queries)
            timings["embed"] = _ms(t)
            t = time.perf_counter()
            best: dict[str, float] = {}
            for hits in self.store.nearest_ids(vecs, p.candidates):
                for cid, score in hits:
                    best[cid] = max(score, best.get(cid, -1.0))
            # only chunks of the snapshot's articles (one removed since is left out)
            known = index.chunks(list(best))
            dense = sorted(
                ((known[cid], score) for cid, score in best.items() if cid in known),
                key=lambda x: -x[1],
            )[: p.candidates]
            timings["dense"] = _ms(t)
        if p.mode in ("hybrid", "keyword"):
            t = time.perf_counter()
            query = analyze_query(question, lang, p.expand)
            if other and lang == "fr":  # at half weight
                seen = set(query.main) | set(query.expanded)
                query.expanded += [t for t in french_expansion(other) if t not in seen]
            if p.expand:  # a name the articles spell otherwise ("Putin", "Poutine")
                names = " ".join(re.findall(r"\b[A-ZÀ-ÖØ-Þ][\w'’-]+", question))
                query.main += [s for t in analyze(names) for s in index.spellings(t)]
            keyword = index.search(query, p.candidates)
            timings["keyword"] = _ms(t)
        t = time.perf_counter()
        passages = self._fuse(dense, keyword, lang)[:k]
        timings["fuse"] = _ms(t)
        return Retrieval(question, lang, passages, timings)

    def _fuse(
        self, dense: list[tuple[Chunk, float]], keyword: list[tuple[Chunk, float]], lang: str
    ) -> list[Passage]:
        p = self.params
        by_id: dict[str, Passage] = {}
        for chunk, _ in dense + keyword:
            by_id.setdefault(chunk.chunk_id, _passage(chunk))
        for _, (chunk, s) in enumerate(dense):
            by_id[chunk.chunk_id].dense_score = round(s, 4)
        for _, (chunk, s) in enumerate(keyword):
            by_id[chunk.chunk_id].keyword_score = round(s, 4)
        wd, wk = p.dense_weight, p.keyword_weight
        if p.fusion == "rrf":
            for rank, (chunk, _) in enumerate(dense):
                by_id[chunk.chunk_id].fused_score += wd / (p.rrf_k + rank + 1)
            for rank, (chunk, _) in enumerate(keyword):
                by_id[chunk.chunk_id].fused_score += wk / (p.rrf_k + rank + 1)
        else:  # weighted sum of max-normalised scores
            dmax = max((s for _, s in dense), default=1.0) or 1.0
            kmax = max((s for _, s in keyword), default=1.0) or 1.0
            for chunk, s in dense:
                by_id[chunk.chunk_id].fused_score += wd * max(s, 0.0) / dmax
            for chunk, s in keyword:
                by_id[chunk.chunk_id].fused_score += wk * s / kmax
        ranked = sorted(by_id.values(), key=lambda x: (-x.fused_score, x.chunk_id))
        for i, passage in enumerate(ranked):
            passage.fused_score = round(passage.fused_score, 6)
            passage.rank = i + 1
        return ranked


def select_context(passages: list[Passage], budget: int) -> list[Passage]:
    """Passages in rank order until the character budget is spent (the first always fits)."""
    used = 0
    out: list[Passage] = []
    for p in passages:
        if out and used + len(p.text) > budget:
            continue
        used += len(p.text)
        p.in_context = True
        out.append(p)
    return out


def content_words(text: str) -> list[str]:
    return words(text)


def _passage(c: Chunk) -> Passage:
    return Passage(
        chunk_id=c.chunk_id,
        doc_id=c.doc_id,
        title=c.title,
        date=c.date,
        outlet=c.outlet,
        text=c.text,
        start=c.start,
        end=c.end,
        sentences=c.sentences,
    )


def _ms(t: float) -> float:
    return round((time.perf_counter() - t) * 1000, 2)

"""Answers, sources, traces and article lists as HTML for the web chat.

Everything that comes from a document (titles, outlets, quotes, surrounding text, file
names) is passed through ``html.escape`` here, and only here, so an article that
contains ``<script>`` or raw HTML is shown as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape

from rag.schemas import Answer, Citation, Document, SourceInfo

CONTEXT_CHARS = 300  # surrounding text kept on each side of a quote


def chat_text(text: str) -> str:
    """A chat bubble's content: the text itself, with only ``& < >`` escaped.

    The chat shows messages as HTML, not Markdown, so what the copy button and API clients
    get is the plain text (``html.unescape`` restores the rare ``&amp;``); the page's script
    turns each ``[n]`` into a link to its source.
    """
    return escape(text, quote=False)


def quote_in_context(doc: Document | None, c: Citation) -> str:
    """The quote highlighted inside its paragraph of the original text.

    A quote that is a whole paragraph is shown between its neighbouring paragraphs.
    """
    if doc is None or doc.text[c.start : c.end] != c.quote:
        return f"<mark>{escape(c.quote)}</mark>"
    spans = sorted(doc.spans)
    hit = [i for i, (s, e) in enumerate(spans) if s < c.end and e > c.start]
    if hit:
        first, last = hit[0], hit[-1]
        before = doc.text[min(spans[first][0], c.start) : c.start]
        after = doc.text[c.end : max(spans[last][1], c.end)]
        if not before.strip() and first > 0:
            before = doc.text[slice(*spans[first - 1])] + "\n\n"
        if not after.strip() and last + 1 < len(spans):
            after = "\n\n" + doc.text[slice(*spans[last + 1])]
    else:  # outside every kept paragraph: a window of the raw text
        before = doc.text[max(0, c.start - CONTEXT_CHARS) : c.start]
        after = doc.text[c.end : c.end + CONTEXT_CHARS]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:].split(" ", 1)[-1]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS].rsplit(" ", 1)[0] + "…"
    return f"{escape(before)}<mark>{escape(c.quote)}</mark>{escape(after)}"


def _meta(outlet: str | None, date: str | None, credit: str | None = None) -> str:
    parts = [escape(x) for x in (outlet, date) if x]
    if credit:
        parts.append(f"photo: {escape(credit)}")
    return " · ".join(parts) or "outlet and date unknown"


def title_label(title: str, doc_id: str) -> str:
    """An article's headline, or its id when the page has none (escaped)."""
    return escape(title) if title else f'<span class="rag-untitled">{escape(doc_id)}</span>'


def source_id(turn: int, n: int) -> str:
    """The anchor of source ``[n]`` of the ``turn``-th answer (from 1): unique in the chat."""
    return f"rag-source-{turn}-{n}"


def sources_html(answer: Answer | None, documents: Mapping[str, Document], turn: int = 1) -> str:
    """Only the sources the answer cites, each with its quote in context."""
    if answer is None:
        return '<div class="rag-sources rag-empty">Sources appear here with each answer.</div>'
    if not answer.citations:
        why = "the articles do not answer this question" if answer.abstained else "nothing cited"
        return f'<div class="rag-sources rag-empty">No source: {why}.</div>'
    items = []
    for c in answer.citations:
        items.append(
            f'<article class="rag-source" id="{source_id(turn, c.n)}" data-n="{c.n}" '
            f'data-doc-id="{escape(c.doc_id)}">'
            f'<header><span class="rag-n">[{c.n}]</span> '
            f'<span class="rag-title">{title_label(c.title, c.doc_id)}</span></header>'
            f'<div class="rag-meta">{_meta(c.outlet, c.date, _credit(documents, c.doc_id))}</div>'
            f'<blockquote class="rag-context">{quote_in_context(documents.get(c.doc_id), c)}'
            "</blockquote></article>"
        )
    return (
        f'<div class="rag-sources" data-turn="{turn}"><h3>Sources of answer {turn}</h3>'
        f"{''.join(items)}</div>"
    )


def _credit(documents: Mapping[str, Document], doc_id: str) -> str | None:
    doc = documents.get(doc_id)
    return doc.photo_credit if doc is not None else None


def status_html(answer: Answer | None, pending: str | None = None) -> str:
    """The answer's state at a glance: abstained, answered, or in progress."""
    parts = []
    if pending:
        parts.append(f'<div class="rag-status rag-pending">{escape(pending)}</div>')
    elif answer is not None and answer.abstained:
        parts.append(
            '<div id="rag-abstained" class="rag-status rag-abstained" role="status">'
            "<strong>Not found in the articles.</strong> The assistant abstains rather than "
            "guess: no passage answers this question. The closest passages are in the "
            "retrieval trace below.</div>"
        )
    elif answer is not None:
        n = len(answer.citations)
        parts.append(
            '<div id="rag-answered" class="rag-status rag-answered" role="status">'
            f"{short_answer_html(answer)}"
            f"Answered from {n} cited passage{'s' if n != 1 else ''}.</div>"
        )
    if answer is not None and answer.standalone_question:
        parts.append(
            '<div id="rag-standalone" class="rag-standalone">Follow-up searched as: '
            f"<q>{escape(answer.standalone_question)}</q></div>"
        )
    if answer is not None and answer.unsupported:
        parts.append(
            f'<div class="rag-note">{len(answer.unsupported)} generated sentence(s) removed: '
            "not supported by the articles.</div>"
        )
    return "".join(parts)


def short_answer_html(answer: Answer) -> str:
    """The short answer in the reader's language, and the article's words it was read from
    when they differ ("Tuesday 6 January 2026" from "mardi")."""
    if not answer.short_answer:
        return ""
    quote = answer.short_answer_quote
    source = (
        f' <span class="rag-short-quote">(quoted: <q>{escape(quote)}</q>)</span>'
        if quote and quote != answer.short_answer
        else ""
    )
    return (
        '<div class="rag-short-answer">Short answer: '
        f'<strong class="rag-short">{escape(answer.short_answer)}</strong>{source}</div>'
    )


def _score(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def trace_html(answer: Answer | None) -> str:
    """Every passage considered, with its keyword, dense and fused scores."""
    if answer is None:
        return '<div class="rag-trace rag-empty">Ask a question to see how it was answered.</div>'
    cited = {c.chunk_id for c in answer.citations}
    rows = []
    for p in answer.passages:
        excerpt = p.text if len(p.text) <= 240 else p.text[:240].rsplit(" ", 1)[0] + "…"
        rows.append(
            f'<tr class="{"rag-cited" if p.chunk_id in cited else ""}"><td>{p.rank}</td>'
            f"<td>{escape(p.title)}</td><td>{escape(excerpt)}</td>"
            f"<td>{_score(p.keyword_score)}</td><td>{_score(p.dense_score)}</td>"
            f"<td>{_score(p.fused_score)}</td><td>{'yes' if p.in_context else 'no'}</td>"
            f"<td>{'yes' if p.chunk_id in cited else ''}</td></tr>"
        )
    timings = ", ".join(f"{escape(k)} {v:.0f} ms" for k, v in answer.timings_ms.items())
    query = answer.standalone_question or answer.question
    return (
        '<div class="rag-trace">'
        f'<p><span class="rag-decision">abstained: {"yes" if answer.abstained else "no"}</span>'
        f" · backend: {escape(answer.backend)} · retrieval query: <q>{escape(query)}</q>"
        f" · {timings}</p>"
        '<div class="rag-scroll"><table><thead><tr><th>#</th><th>Article</th><th>Passage</th>'
        "<th>Keyword</th>"
        "<th>Dense</th><th>Fused</th><th>In context</th><th>Cited</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div></div>"
    )


def articles_html(sources: Sequence[SourceInfo]) -> str:
    if not sources:
        return '<div class="rag-empty">No article yet: upload some below.</div>'
    rows = "".join(
        f'<tr data-doc-id="{escape(s.doc_id)}"><td>{title_label(s.title, s.doc_id)}</td>'
        f"<td>{escape(s.outlet or '')}</td><td>{escape(', '.join(s.authors))}</td>"
        f"<td>{escape(s.date or '')}</td><td>{escape(s.photo_credit or '')}</td>"
        f"<td>{escape(s.language)}</td><td>{s.chunks}</td><td><code>{escape(s.doc_id)}</code></td></tr>"
        for s in sources
    )
    return (
        '<div class="rag-scroll"><table class="rag-articles"><thead><tr><th>Title</th>'
        "<th>Outlet</th><th>Authors</th>"
        f"<th>Date</th><th>Photo</th><th>Language</th><th>Passages</th><th>Id</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
        f'<p class="rag-count">{len(sources)} article{"s" if len(sources) != 1 else ""}</p>'
    )


def upload_html(results: Iterable[tuple[str, str, str | None, str | None]]) -> str:
    """One row per uploaded file: its name, what happened (and why), and its document id."""
    rows = "".join(
        f'<tr class="rag-file-{escape(status.split(":")[0])}"><td>{escape(name)}</td>'
        f"<td>{escape(status)}{f' ({escape(note)})' if note else ''}</td>"
        f"<td><code>{escape(doc_id or '')}</code></td></tr>"
        for name, status, doc_id, note in results
    )
    return (
        '<div class="rag-scroll"><table class="rag-upload"><thead>'
        "<tr><th>File</th><th>Result</th><th>Id</th></tr>"
        f"</thead><tbody>{rows}</tbody></table></div>"
    )


def document_html(doc: Document) -> str:
    """One article as stored: what was read of it, then its full text as decoded."""
    fields = [
        ("Title", title_label(doc.title, doc.doc_id)),
        ("Outlet", escape(doc.outlet or "unknown")),
        ("Date", escape(doc.date or "unknown")),
        ("Authors", escape(", ".join(doc.authors) or "unknown")),
        ("Photo", escape(doc.photo_credit or "none credited")),
        ("Language", escape(doc.language)),
        ("File", escape(doc.source or "unknown")),
        ("Id", f"<code>{escape(doc.doc_id)}</code>"),
    ]
    meta = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in fields)
    return (
        f'<article class="rag-document" data-doc-id="{escape(doc.doc_id)}">'
        f'<dl class="rag-doc-meta">{meta}</dl>'
        f'<div class="rag-doc-text">{escape(doc.text)}</div></article>'
    )


def error_html(message: str) -> str:
    return f'<div class="rag-status rag-error" role="alert">{escape(message)}</div>'


def removed_html(source: SourceInfo) -> str:
    return (
        '<div class="rag-status rag-answered" role="status">Deleted '
        f"<q>{title_label(source.title, source.doc_id)}</q>: "
        "its passages are no longer used to answer.</div>"
    )

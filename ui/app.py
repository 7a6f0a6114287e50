"""The web chat: a Gradio app over an ``Assistant``. Wiring and rendering only.

Stable element ids for tests and styling: ``#question``, ``#ask-btn``, ``#chatbot``,
``#answer-status`` (holds ``.rag-abstained`` when the assistant abstains, ``#rag-standalone``
for a rewritten follow-up), ``#sources``, ``#trace``, ``#articles``, ``#upload``,
``#upload-btn``, ``#upload-result``.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import gradio as gr

from rag.errors import DocumentNotFound, RagError
from rag.schemas import Answer, ChatTurn, Document
from ui import render

if TYPE_CHECKING:
    from rag.assistant import Assistant

log = logging.getLogger(__name__)

EXAMPLES = [
    "Who represented Trump in Paris?",
    "Combien de pays sont prêts à envoyer des troupes ?",
    "Où le plan de paix américain a-t-il été amendé lors d'une réunion dimanche ?",
    "Quel montant la Commission européenne souhaite-t-elle prêter à l'Ukraine grâce aux "
    "avoirs russes gelés ?",
    "How many points does the peace plan proposed by Washington contain?",
]
HISTORY_TURNS = 10  # earlier exchanges passed as context for a follow-up
UPLOAD_TYPES = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf"]

THEME = gr.themes.Soft(
    font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)
CSS = """
.rag-status { padding: 10px 14px; border-radius: 8px; margin-bottom: 8px; color: #1f2937; }
.rag-answered { background: #ecfdf5; border: 1px solid #10b981; }
.rag-abstained { background: #fffbeb; border: 2px solid #f59e0b; }
.rag-pending { background: #eff6ff; border: 1px solid #93c5fd; }
.rag-error { background: #fef2f2; border: 1px solid #ef4444; }
.rag-standalone { font-size: 0.9em; color: #374151; background: #f3f4f6; padding: 6px 10px;
  border-radius: 6px; margin-bottom: 8px; }
.rag-note { font-size: 0.85em; color: #6b7280; }
.rag-sources h3 { margin: 0 0 8px 0; }
.rag-source { border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px 12px;
  margin-bottom: 10px; background: #ffffff; color: #111827; }
.rag-source header { font-weight: 600; }
.rag-n { color: #2563eb; }
.rag-meta { font-size: 0.85em; color: #6b7280; margin: 2px 0 6px 0; }
.rag-context { margin: 0; padding-left: 10px; border-left: 3px solid #d1d5db;
  white-space: pre-wrap; font-size: 0.92em; line-height: 1.45; }
.rag-context mark { background: #fde68a; color: #111827; padding: 0 2px; }
.rag-empty { color: #6b7280; font-style: italic; }
.rag-trace table, .rag-articles, .rag-upload { border-collapse: collapse; width: 100%;
  font-size: 0.85em; }
.rag-trace td, .rag-trace th, .rag-articles td, .rag-articles th, .rag-upload td,
.rag-upload th { border-bottom: 1px solid #e5e7eb; padding: 4px 6px; text-align: left;
  vertical-align: top; }
.rag-trace { overflow-x: auto; }
.rag-trace tr.rag-cited { background: #fef9c3; }
.rag-trace td:nth-child(3) { min-width: 28em; }
.rag-decision { font-weight: 600; }
"""


class Inbox(Protocol):
    """Where uploaded files go to be checked, kept and ingested (``rag.uploads.Inbox``)."""

    max_mb: float

    def accept(
        self,
        files: Sequence[tuple[str, IO[bytes]]],
        on_file: Callable[[str, str], None] | None = None,
    ) -> Any: ...


class ChatView:
    """The event handlers; each turns the assistant's typed results into rendered HTML."""

    def __init__(self, assistant: Assistant, inbox: Inbox | None) -> None:
        self.assistant = assistant
        self.inbox = inbox
        self.blocks: gr.Blocks | None = None  # set by build_ui: its upload_file_set is the truth

    def ask(self, question: str, turns: list[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
        """Stream the answer into the chat, then show its sources and trace."""
        try:
            q = self.assistant.validate(question)
        except RagError as e:
            raise gr.Error(str(e)) from e
        history = [
            turn
            for t in turns[-HISTORY_TURNS:]
            for turn in (
                ChatTurn(role="user", content=t["q"]),
                ChatTurn(role="assistant", content=t["a"]),
            )
        ]
        shown = messages(turns) + [
            {"role": "user", "content": q},
            {"role": "assistant", "content": "…"},
        ]
        yield (
            shown,
            "",
            render.status_html(None, pending="Searching the articles…"),
            render.sources_html(None, {}),
            render.trace_html(None),
            turns,
        )
        partial, final = "", None
        try:
            for item in self.assistant.ask_stream(q, history):
                if isinstance(item, Answer):
                    final = item
                    continue
                partial += item
                shown[-1] = {"role": "assistant", "content": render.answer_markdown(partial)}
                yield shown, "", gr.skip(), gr.skip(), gr.skip(), turns
        except Exception as e:
            message = str(e) if isinstance(e, RagError) else "Something went wrong; see the log."
            if not isinstance(e, RagError):
                log.exception("answering %r failed", q)
            # the chat as it was, the question back in the box, the reason on screen
            yield messages(turns), q, render.error_html(message), gr.skip(), gr.skip(), turns
            raise gr.Error(message) from e
        assert final is not None
        turns = [*turns, {"q": q, "a": final.answer, "abstained": final.abstained}]
        yield (
            messages(turns),
            "",
            render.status_html(final),
            render.sources_html(final, self.documents(final)),
            render.trace_html(final),
            turns,
        )

    def documents(self, answer: Answer) -> dict[str, Document]:
        docs = {}
        for doc_id in {c.doc_id for c in answer.citations}:
            with contextlib.suppress(DocumentNotFound):  # removed since: the quote alone is shown
                docs[doc_id] = self.assistant.document(doc_id)
        return docs

    def articles(self) -> str:
        try:
            return render.articles_html(self.assistant.sources())
        except RagError as e:  # the store is down: say so where the list would be
            return render.error_html(str(e))

    def upload(
        self,
        paths: list[str] | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 - how Gradio injects progress
    ) -> tuple[Any, ...]:
        """Add files to the library and report what happened to each."""
        if self.inbox is None:
            raise gr.Error("Uploads are not enabled on this server.")
        if not paths:
            raise gr.Error("Choose one or more files first.")
        try:
            received = self.received(paths)
            progress(0.05, desc="Checking and saving files")
            done: list[str] = []

            def on_file(path: str, status: str) -> None:
                done.append(path)
                progress(0.1 + 0.8 * len(done) / len(received), desc=f"{Path(path).name}: {status}")

            with contextlib.ExitStack() as stack:
                files = [(p.name, stack.enter_context(p.open("rb"))) for p in received]
                try:
                    result = self.inbox.accept(files, on_file=on_file)
                except RagError as e:
                    gr.Warning(str(e))
                    return render.error_html(str(e)), gr.skip(), gr.skip()
        finally:
            self.discard(paths)
        rows = [(f.filename, f.status, f.doc_id, f.note) for f in result.files]
        return render.upload_html(rows), self.articles(), None

    def received(self, paths: list[str]) -> list[Path]:
        """The files Gradio received through its upload route, or ``gr.Error``.

        A client may name any path in an event's payload; only a path that the upload route
        itself wrote (Gradio's ``upload_file_set``) is ever opened.
        """
        uploaded = {_real(p) for p in self.uploaded_paths()}
        out = []
        for p in paths:
            if _real(p) not in uploaded:
                log.warning("refused a file path the client did not upload: %r", p)
                raise gr.Error("Only files uploaded from this page can be added.")
            out.append(Path(p))
        return out

    def uploaded_paths(self) -> set[str]:
        return getattr(self.blocks, "upload_file_set", set()) if self.blocks else set()

    def discard(self, paths: list[str]) -> None:
        """Remove Gradio's copies of uploaded files once ingested (the inbox keeps its own)."""
        uploaded = self.uploaded_paths()
        for p in paths:
            if p not in uploaded:
                continue  # never delete what the upload route did not write
            uploaded.discard(p)
            path = Path(p)
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # Gradio's per-upload folder, once empty
                path.parent.rmdir()


def _real(path: str) -> str:
    return os.path.realpath(path)


def messages(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The chat as Gradio messages, rebuilt from the raw turns kept in state."""
    out = []
    for t in turns:
        text = render.answer_markdown(t["a"])
        out.append({"role": "user", "content": t["q"]})
        out.append({"role": "assistant", "content": f"_{text}_" if t.get("abstained") else text})
    return out


def build_ui(assistant: Assistant, inbox: Inbox | None = None) -> gr.Blocks:
    """The chat and the articles tab; without an inbox the articles are listed, not uploaded."""
    view = ChatView(assistant, inbox)
    with gr.Blocks(title="Ask the news", analytics_enabled=False) as blocks:
        gr.Markdown(
            "## Ask the news\nAnswers are sentences quoted from the articles, each followed by "
            "its source number **[n]**. When the articles do not say, the assistant says so."
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat-tab"):
                _chat_tab(view)
            with gr.Tab("Articles", id="articles-tab") as articles_tab:
                articles = _articles_tab(view, inbox)
        articles_tab.select(
            view.articles, outputs=[articles], api_name="refresh_articles", api_visibility="private"
        )
        blocks.load(view.articles, outputs=[articles], api_name="articles")
    view.blocks = blocks
    return blocks


def _chat_tab(view: ChatView) -> None:
    turns = gr.State([])
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                elem_id="chatbot", label="Conversation", height=460, buttons=["copy"]
            )
            with gr.Row():
                question = gr.Textbox(
                    elem_id="question",
                    show_label=False,
                    placeholder="Ask in English or French…",
                    scale=5,
                    lines=1,
                    max_lines=4,
                )
                ask_btn = gr.Button("Ask", variant="primary", elem_id="ask-btn", scale=1)
            clear_btn = gr.Button("New conversation", size="sm", elem_id="clear-btn")
            gr.Examples(EXAMPLES, inputs=[question], label="Examples", elem_id="examples")
        with gr.Column(scale=2):
            status = gr.HTML(elem_id="answer-status")
            sources = gr.HTML(render.sources_html(None, {}), elem_id="sources")
    with gr.Accordion("Retrieval trace", open=False, elem_id="trace-accordion"):
        trace = gr.HTML(render.trace_html(None), elem_id="trace")
    outputs = [chatbot, question, status, sources, trace, turns]
    ask_btn.click(view.ask, [question, turns], outputs, api_name="ask", concurrency_limit=4)
    question.submit(
        view.ask, [question, turns], outputs, api_visibility="private", concurrency_limit=4
    )
    clear_btn.click(
        lambda: ([], "", "", render.sources_html(None, {}), render.trace_html(None), []),
        outputs=outputs,
        api_visibility="private",
    )


def _articles_tab(view: ChatView, inbox: Inbox | None) -> gr.HTML:
    articles = gr.HTML(elem_id="articles")
    if inbox is None:
        return articles
    kinds = ", ".join(UPLOAD_TYPES)
    gr.Markdown(
        f"Add articles ({kinds}; up to {inbox.max_mb:g} MB each). "
        "They can be asked about as soon as they are added."
    )
    files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="Files", elem_id="upload")
    upload_btn = gr.Button("Add to the articles", variant="primary", elem_id="upload-btn")
    result = gr.HTML(elem_id="upload-result")
    upload_btn.click(view.upload, [files], [result, articles, files], api_name="upload")
    return articles

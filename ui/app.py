"""The web chat: a Gradio app over an ``Assistant``. Wiring and rendering only.

Stable element ids for tests and styling: ``#question``, ``#ask-btn``, ``#clear-btn``,
``#chatbot`` (each ``[n]`` of an answer is an ``a.rag-cite`` link to ``#rag-source-{turn}-{n}``),
``#examples``, ``#answer-status`` (holds ``.rag-abstained`` when the assistant abstains,
``.rag-short`` for the short answer, ``#rag-standalone`` for a rewritten follow-up),
``#sources`` (``.rag-source`` cards; the one a link was followed to has ``.rag-target``),
``#trace``, ``#articles``, ``#article-pick``, ``#article-view``, ``#delete-btn``,
``#confirm-delete-btn``, ``#cancel-delete-btn``, ``#upload``, ``#upload-btn``,
``#upload-result``; for the narrow layout ``#chat-row``, ``#chat-main``, ``#chat-side``.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import gradio as gr
from pydantic import ValidationError

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
KEPT_TURNS = 50  # exchanges kept in the chat and in the browser's copy of it
UPLOAD_TYPES = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf"]

THEME = gr.themes.Soft(
    font=["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)
CSS = """
:root {
  --rag-text: #1f2937; --rag-muted: #4b5563; --rag-link: #1d4ed8; --rag-focus: #2563eb;
  --rag-ok-bg: #ecfdf5; --rag-ok-line: #10b981; --rag-warn-bg: #fffbeb; --rag-warn-line: #f59e0b;
  --rag-info-bg: #eff6ff; --rag-info-line: #93c5fd; --rag-err-bg: #fef2f2; --rag-err-line: #ef4444;
  --rag-soft-bg: #f3f4f6; --rag-card-bg: #ffffff; --rag-line: #e5e7eb; --rag-cited-bg: #fef9c3;
  --rag-mark-bg: #fde68a; --rag-mark-text: #111827;
}
.dark {
  --rag-text: #f3f4f6; --rag-muted: #d1d5db; --rag-link: #93c5fd; --rag-focus: #60a5fa;
  --rag-ok-bg: #052e1f; --rag-ok-line: #10b981; --rag-warn-bg: #3b2a05; --rag-warn-line: #f59e0b;
  --rag-info-bg: #0c1f3f; --rag-info-line: #3b82f6; --rag-err-bg: #3f0d0d; --rag-err-line: #ef4444;
  --rag-soft-bg: #1f2937; --rag-card-bg: #111827; --rag-line: #374151; --rag-cited-bg: #3a3410;
}
#answer-status, #sources, #trace, #articles, #upload-result, #article-view {
  color: var(--rag-text); }
.rag-status { padding: 10px 14px; border-radius: 8px; margin-bottom: 8px; color: var(--rag-text); }
.rag-answered { background: var(--rag-ok-bg); border: 1px solid var(--rag-ok-line); }
.rag-abstained { background: var(--rag-warn-bg); border: 2px solid var(--rag-warn-line); }
.rag-pending { background: var(--rag-info-bg); border: 1px solid var(--rag-info-line); }
.rag-error { background: var(--rag-err-bg); border: 1px solid var(--rag-err-line); }
.rag-short-answer { font-size: 1.05em; margin-bottom: 4px; }
.rag-short-quote { color: var(--rag-muted); font-size: 0.9em; }
.rag-standalone { font-size: 0.9em; color: var(--rag-text); background: var(--rag-soft-bg);
  padding: 6px 10px; border-radius: 6px; margin-bottom: 8px; }
.rag-note, .rag-meta, .rag-empty, .rag-count { color: var(--rag-muted); }
.rag-note { font-size: 0.85em; }
.rag-sources h3 { margin: 0 0 8px 0; color: var(--rag-text); }
.rag-source { border: 1px solid var(--rag-line); border-radius: 8px; padding: 10px 12px;
  margin-bottom: 10px; background: var(--rag-card-bg); color: var(--rag-text);
  scroll-margin: 80px; }
.rag-source.rag-target, .rag-source:target { outline: 3px solid var(--rag-focus);
  outline-offset: 1px; }
.rag-source header { font-weight: 600; }
.rag-n, a.rag-cite { color: var(--rag-link); }
a.rag-cite { font-weight: 600; text-decoration: underline; cursor: pointer; }
.rag-meta { font-size: 0.85em; margin: 2px 0 6px 0; }
.rag-context { margin: 0; padding-left: 10px; border-left: 3px solid var(--rag-line);
  white-space: pre-wrap; font-size: 0.92em; line-height: 1.45; color: var(--rag-text); }
.rag-context mark { background: var(--rag-mark-bg); color: var(--rag-mark-text); padding: 0 2px; }
.rag-empty { font-style: italic; }
.rag-scroll { overflow-x: auto; max-width: 100%; }
.prose .rag-scroll table, .rag-scroll table { border: 0; margin: 0; }
.rag-trace table, .rag-articles, .rag-upload { border-collapse: collapse; width: 100%;
  font-size: 0.85em; color: var(--rag-text); }
.rag-trace td, .rag-trace th, .rag-articles td, .rag-articles th, .rag-upload td,
.rag-upload th { border: 0; border-bottom: 1px solid var(--rag-line); padding: 4px 6px;
  text-align: left; vertical-align: top; color: var(--rag-text); }
.rag-trace tr.rag-cited { background: var(--rag-cited-bg); }
.rag-trace td:nth-child(3) { min-width: 28em; }
.rag-decision { font-weight: 600; }
.rag-doc-meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
.rag-doc-meta dt { font-weight: 600; }
.rag-doc-meta dd { margin: 0; }
.rag-doc-text { white-space: pre-wrap; margin-top: 10px; line-height: 1.5; }
#chatbot .md { white-space: pre-wrap; }
@media (max-width: 640px) {
  #chat-row { flex-direction: column; }
  #chat-main { display: contents; }
  #chat-side { order: 1; }
  #examples { order: 2; }
}
"""
# Turns each [n] of an answer into a link to its source card, and shows that card when
# followed: the answer's turn is selected (its sources are rendered), then the card is
# scrolled to and outlined. A text node is replaced whole, so the chat redraws it cleanly.
JS = """
() => {
  let wanted = null;
  const linkify = () => {
    document.querySelectorAll("#chatbot .message.bot").forEach((bubble, i) => {
      const walker = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT);
      const hits = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.parentElement.closest("a, button") && /\\[\\d+\\]/.test(n.data)) hits.push(n);
      }
      for (const n of hits) {
        const frag = document.createDocumentFragment();
        let last = 0;
        for (const m of n.data.matchAll(/\\[(\\d+)\\]/g)) {
          frag.append(n.data.slice(last, m.index));
          const a = document.createElement("a");
          a.className = "rag-cite";
          a.href = `#rag-source-${i + 1}-${m[1]}`;
          a.textContent = m[0];
          frag.append(a);
          last = m.index + m[0].length;
        }
        frag.append(n.data.slice(last));
        n.replaceWith(frag);
      }
    });
  };
  const reveal = () => {
    const card = wanted && document.getElementById(wanted);
    if (!card || card.classList.contains("rag-target")) return;
    document.querySelectorAll(".rag-target").forEach((c) => c.classList.remove("rag-target"));
    card.classList.add("rag-target");
    card.scrollIntoView({ block: "center" });
  };
  document.addEventListener("click", (e) => {
    const link = e.target.closest && e.target.closest("a.rag-cite");
    if (!link) {
      if (e.target.closest && e.target.closest("#chatbot")) wanted = null;
      return;
    }
    e.preventDefault();  // the chat's own click (select) still shows the turn's sources
    wanted = link.getAttribute("href").slice(1);
    document.querySelectorAll(".rag-target").forEach((c) => c.classList.remove("rag-target"));
    reveal();
  }, true);
  new MutationObserver(() => { linkify(); reveal(); })
    .observe(document.body, { childList: true, subtree: true, characterData: true });
  linkify();
}
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
    """The event handlers; each turns the assistant's typed results into rendered HTML.

    The conversation is a list of ``Answer`` dicts, one per turn: each turn keeps its own
    citations, quotes and trace, so an earlier answer can be shown again, and the browser
    keeps a copy so a reload does not lose it.
    """

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
                ChatTurn(role="user", content=t["question"]),
                ChatTurn(role="assistant", content=t["answer"]),
            )
        ]
        shown = messages(turns) + [
            {"role": "user", "content": render.chat_text(q)},
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
                shown[-1] = {"role": "assistant", "content": render.chat_text(partial)}
                yield shown, "", gr.skip(), gr.skip(), gr.skip(), turns
        except Exception as e:
            message = str(e) if isinstance(e, RagError) else "Something went wrong; see the log."
            if not isinstance(e, RagError):
                log.exception("answering %r failed", q)
            # the chat as it was, the question back in the box, the reason on screen
            yield messages(turns), q, render.error_html(message), gr.skip(), gr.skip(), turns
            raise gr.Error(message) from e
        assert final is not None
        turns = [*turns, final.model_dump(mode="json")][-KEPT_TURNS:]
        yield messages(turns), "", *self.turn_panels(final, len(turns)), turns

    def turn_panels(self, answer: Answer, turn: int) -> tuple[str, str, str]:
        """Status, sources and trace of the ``turn``-th answer (from 1)."""
        return (
            render.status_html(answer),
            render.sources_html(answer, self.documents(answer), turn),
            render.trace_html(answer),
        )

    def show(self, turns: list[dict[str, Any]], evt: gr.SelectData) -> tuple[str, str, str]:
        """A message was clicked: show the panels of its turn (question or answer)."""
        turn = int(evt.index) // 2  # the message's index: a question, then its answer
        if not 0 <= turn < len(turns):
            return gr.skip(), gr.skip(), gr.skip()
        return self.turn_panels(Answer.model_validate(turns[turn]), turn + 1)

    def restore(self, saved: list[Any] | None) -> tuple[Any, ...]:
        """The conversation the browser kept, checked: it comes from the client.

        The question box is left alone: the page may already be in use when this arrives.
        """
        try:
            answers = [Answer.model_validate(t) for t in (saved or [])[-KEPT_TURNS:]]
        except ValidationError:
            log.warning("discarded a saved conversation that is not a list of answers")
            answers = []
        if not answers:
            chat, _, *panels = self.clear()
            return chat, *panels
        turns = [a.model_dump(mode="json") for a in answers]
        return messages(turns), *self.turn_panels(answers[-1], len(answers)), turns

    @staticmethod
    def clear() -> tuple[Any, ...]:
        """An empty conversation: no history for the next question, no panels left over."""
        return [], "", "", render.sources_html(None, {}), render.trace_html(None), []

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

    def choices(self) -> Any:
        """The articles to pick from, to read or delete one."""
        try:
            sources = self.assistant.sources()
        except RagError:  # the list above already says the store is down
            return gr.skip()
        return gr.Dropdown(choices=[(s.title or s.doc_id, s.doc_id) for s in sources])

    def read(self, doc_id: str | None) -> tuple[Any, ...]:
        """The picked article's metadata and full text; deleting it becomes possible."""
        if not doc_id:
            return "", gr.Button(interactive=False), *_CONFIRM_HIDDEN
        try:
            doc = self.assistant.document(doc_id)
        except RagError as e:  # deleted meanwhile, or the store is down
            return render.error_html(str(e)), gr.Button(interactive=False), *_CONFIRM_HIDDEN
        return render.document_html(doc), gr.Button(interactive=True), *_CONFIRM_HIDDEN

    def remove(self, doc_id: str | None) -> tuple[Any, ...]:
        """Delete the picked article (after the confirmation step) and refresh the list."""
        if not doc_id:
            raise gr.Error("Pick an article first.")
        try:
            removed = self.assistant.remove(doc_id)
        except RagError as e:
            message = render.error_html(str(e))
        else:
            message = render.removed_html(removed)
        return (
            message,
            gr.Button(visible=True, interactive=False),
            *_CONFIRM_HIDDEN,
            self.articles(),
            gr.Dropdown(value=None),
        )

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


_CONFIRM_HIDDEN = (gr.Button(visible=False), gr.Button(visible=False))  # confirm, cancel


def _real(path: str) -> str:
    return os.path.realpath(path)


def messages(turns: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The chat as Gradio messages, rebuilt from the answers kept in state."""
    out = []
    for t in turns:
        out.append({"role": "user", "content": render.chat_text(t["question"])})
        out.append({"role": "assistant", "content": render.chat_text(t["answer"])})
    return out


def build_ui(assistant: Assistant, inbox: Inbox | None = None) -> gr.Blocks:
    """The chat and the articles tab; without an inbox the articles are read, not changed."""
    view = ChatView(assistant, inbox)
    with gr.Blocks(title="Ask the news", analytics_enabled=False) as blocks:
        gr.Markdown(
            "## Ask the news\nAnswers are sentences quoted from the articles, each followed by "
            "its source number **[n]**. When the articles do not say, the assistant says so."
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat-tab"):
                _chat_tab(view, blocks)
            with gr.Tab("Articles", id="articles-tab") as articles_tab:
                articles = _articles_tab(view, inbox)
        articles_tab.select(
            view.articles, outputs=[articles], api_name="refresh_articles", api_visibility="private"
        )
        blocks.load(view.articles, outputs=[articles], api_name="articles")
        # mount_gradio_app replaces Blocks(js=...), so the page script comes with an event
        blocks.load(None, js=JS, api_visibility="private")
    view.blocks = blocks
    return blocks


def _chat_tab(view: ChatView, blocks: gr.Blocks) -> None:
    turns = gr.State([])
    saved = gr.BrowserState([], storage_key="rag-conversation")
    with gr.Row(equal_height=False, elem_id="chat-row"):
        with gr.Column(scale=3, elem_id="chat-main"):
            chatbot = gr.Chatbot(
                elem_id="chatbot",
                label="Conversation",
                height=460,
                buttons=["copy"],
                render_markdown=False,  # plain text to copy; render.chat_text escapes it
            )
            with gr.Row():
                question = gr.Textbox(
                    elem_id="question",
                    label="Question",
                    show_label=False,
                    placeholder="Ask in English or French…",
                    scale=5,
                    lines=1,
                    max_lines=4,
                )
                ask_btn = gr.Button("Ask", variant="primary", elem_id="ask-btn", scale=1)
            clear_btn = gr.Button("New conversation", size="sm", elem_id="clear-btn")
            with gr.Accordion("Examples", open=True, elem_id="examples"):
                examples = gr.Examples(EXAMPLES, inputs=[question], label="Click one to ask it")
        with gr.Column(scale=2, elem_id="chat-side"):
            status = gr.HTML(elem_id="answer-status", label="Status")
            sources = gr.HTML(render.sources_html(None, {}), elem_id="sources", label="Sources")
    with gr.Accordion("Retrieval trace", open=False, elem_id="trace-accordion"):
        trace = gr.HTML(render.trace_html(None), elem_id="trace", label="Retrieval trace")
    outputs = [chatbot, question, status, sources, trace, turns]
    ask_btn.click(
        view.ask,
        [question, turns],
        outputs,
        api_name="ask",
        concurrency_id="ask",
        concurrency_limit=4,
    )
    for asked in (question.submit, examples.load_input_event.then):  # an example asks at once
        asked(view.ask, [question, turns], outputs, api_visibility="private", concurrency_id="ask")
    for cleared in (clear_btn.click, chatbot.clear):
        cleared(view.clear, outputs=outputs, api_visibility="private")
    chatbot.select(view.show, [turns], [status, sources, trace], api_visibility="private")
    turns.change(lambda t: t, [turns], [saved], api_visibility="private")
    restored = [chatbot, status, sources, trace, turns]
    blocks.load(view.restore, [saved], restored, api_visibility="private")


def _articles_tab(view: ChatView, inbox: Inbox | None) -> gr.HTML:
    articles = gr.HTML(elem_id="articles", label="Articles")
    with gr.Row(equal_height=True):
        pick = gr.Dropdown(
            label="Read an article", choices=[], value=None, elem_id="article-pick", scale=3
        )
        delete_btn = gr.Button(
            "Delete this article",
            variant="stop",
            interactive=False,
            visible=inbox is not None,  # the library changes only where uploads are enabled
            elem_id="delete-btn",
            scale=1,
        )
        confirm_btn = gr.Button(
            "Confirm delete", variant="stop", visible=False, elem_id="confirm-delete-btn", scale=1
        )
        cancel_btn = gr.Button("Cancel", visible=False, elem_id="cancel-delete-btn", scale=1)
    document = gr.HTML(elem_id="article-view", label="Article")
    articles.change(view.choices, outputs=[pick], api_visibility="private")
    pick.input(
        view.read, [pick], [document, delete_btn, confirm_btn, cancel_btn], api_visibility="private"
    )
    if inbox is None:
        return articles
    confirming = [delete_btn, confirm_btn, cancel_btn]
    delete_btn.click(
        lambda: (gr.Button(visible=False), gr.Button(visible=True), gr.Button(visible=True)),
        outputs=confirming,
        api_visibility="private",
    )
    cancel_btn.click(
        lambda: (gr.Button(visible=True), *_CONFIRM_HIDDEN),
        outputs=confirming,
        api_visibility="private",
    )
    confirm_btn.click(
        view.remove,
        [pick],
        [document, *confirming, articles, pick],
        api_visibility="private",
    )
    kinds = ", ".join(UPLOAD_TYPES)
    gr.Markdown(
        f"Add articles ({kinds}; up to {inbox.max_mb:g} MB each). "
        "They can be asked about as soon as they are added."
    )
    files = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="Files", elem_id="upload")
    upload_btn = gr.Button("Add to the articles", variant="primary", elem_id="upload-btn")
    result = gr.HTML(elem_id="upload-result", label="Upload result")
    upload_btn.click(view.upload, [files], [result, articles, files], api_name="upload")
    return articles

"""The web chat in a real headless Chromium (Playwright), against the real server.

Screenshots go to each test's tmp folder and are copied to ``out/screenshots/``.
The rendering tests at the end need no browser: they check the HTML the UI produces.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag.documents import parse_document
from rag.schemas import Answer, Citation, Document, Passage, SourceInfo
from tests.server.harness import Served, assistant_for, private_store, serving
from ui import render

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "out" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 90_000
TRUMP = "Who represented Trump in Paris?"
HOSTILE = """Le laboratoire <b>Helios</b> dévoile le moteur ionique Kestrel-9

Par Jean Martin, Euronews
2026-03-02

Le laboratoire Helios a présenté lundi le moteur ionique Kestrel-9, capable selon ses \
ingénieurs de propulser une sonde vers Jupiter en moins de trois ans <script>alert(1)</script> \
grâce à un nouveau plasma de xénon.

Les essais au sol ont duré dix-huit mois dans une chambre à vide installée près de Toulouse, \
a précisé la directrice du programme, Claire Dubois <img src=x onerror="alert(2)">.
"""


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def ui_server(assistant, seeded_settings) -> Iterator[Served]:
    with serving(assistant, seeded_settings) as s:
        yield s


@pytest.fixture(scope="module")
def upload_ui_server(tmp_path_factory, seeded_settings, embedder) -> Iterator[Served]:
    settings = private_store(seeded_settings, tmp_path_factory.mktemp("ui-store") / "data")
    with serving(assistant_for(settings, embedder), settings) as s:
        yield s


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    yield page
    context.close()


@pytest.fixture()
def dialogs(page) -> list[str]:
    """Messages of any alert() the page shows: one means document HTML was executed."""
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
    return seen


def shoot(page, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    return path


def ask(page, question: str) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#ask-btn").click()


def open_chat(page, url: str) -> None:
    page.goto(url + "/")
    page.locator("#question textarea").wait_for()


# --- browser tests ----------------------------------------------------------------------


@pytest.mark.slow
def test_asking_shows_a_streamed_answer_with_its_cited_quote(page, ui_server, tmp_path):
    open_chat(page, ui_server.url)
    ask(page, TRUMP)
    mark = page.locator("#sources .rag-source mark").first
    mark.wait_for()
    assert "Witkoff" in mark.inner_text()
    source = page.locator("#sources .rag-source").first
    assert source.locator(".rag-title").inner_text().strip()
    assert "Reuters" in source.locator(".rag-meta").inner_text()
    context = source.locator(".rag-context").inner_text()
    assert len(context) > len(mark.inner_text())  # the quote sits inside its paragraph
    bubble = page.locator("#chatbot .message").last
    assert "Witkoff" in bubble.inner_text() and "[1]" in bubble.inner_text()
    assert page.locator("#answer-status .rag-answered").is_visible()
    assert page.locator("#answer-status .rag-abstained").count() == 0
    cited = ui_server.assistant.ask(TRUMP).citations
    assert page.locator("#sources .rag-source").count() == len(cited)  # only cited sources

    page.get_by_text("Retrieval trace").click()
    trace = page.locator("#trace")
    trace.locator("table tbody tr").first.wait_for()
    assert "abstained: no" in trace.inner_text()
    assert trace.locator("tbody tr").count() >= 2
    header = trace.locator("thead").inner_text()
    assert all(h in header for h in ("Keyword", "Dense", "Fused", "In context"))
    shot = shoot(page, tmp_path, "ask_witkoff")
    assert shot.stat().st_size > 10_000

    ask(page, "Et qui d'autre était présent ?")
    standalone = page.locator("#rag-standalone")
    standalone.wait_for()
    assert "Trump" in standalone.inner_text()
    assert page.locator("#chatbot .message").count() >= 4
    shoot(page, tmp_path, "follow_up")


@pytest.mark.slow
def test_an_unanswerable_question_shows_the_abstention_state(page, ui_server, tmp_path):
    open_chat(page, ui_server.url)
    ask(page, "Who won the 2022 football World Cup?")
    banner = page.locator("#answer-status .rag-abstained")
    banner.wait_for()
    assert "Not found in the articles" in banner.inner_text()
    assert page.locator("#sources .rag-source").count() == 0
    assert "do not answer" in page.locator("#sources").inner_text()
    shoot(page, tmp_path, "abstained")


@pytest.mark.slow
def test_an_empty_question_shows_an_error(page, ui_server):
    open_chat(page, ui_server.url)
    ask(page, "   ")
    page.get_by_text("the question is empty").first.wait_for()
    assert page.locator("#chatbot .message").count() == 0
    assert "Traceback" not in page.content()


@pytest.mark.slow
def test_an_uploaded_article_is_listed_answerable_and_shown_as_text(
    page, dialogs, upload_ui_server, tmp_path
):
    path = tmp_path / "helios.txt"
    path.write_text(HOSTILE, encoding="utf-8")
    open_chat(page, upload_ui_server.url)
    page.get_by_role("tab", name="Articles").click()
    page.locator("#articles table").wait_for()
    assert page.locator("#articles tbody tr").count() == 5
    page.locator("#upload input[type=file]").set_input_files(str(path))
    page.locator("#upload").get_by_text("helios.txt").first.wait_for()
    page.locator("#upload-btn").click()
    result = page.locator("#upload-result tbody tr")
    result.first.wait_for()
    assert "helios.txt" in result.first.inner_text() and "added" in result.first.inner_text()
    page.locator("#articles tbody tr").nth(5).wait_for()
    assert "<b>Helios</b>" in page.locator("#articles").inner_text()  # raw HTML shown as text
    shoot(page, tmp_path, "upload")

    page.get_by_role("tab", name="Chat").click()
    ask(page, "Quel moteur le laboratoire Helios a-t-il présenté ?")
    page.locator("#sources .rag-source mark").first.wait_for()
    sources = page.locator("#sources")
    assert "<script>alert(1)</script>" in sources.inner_text()
    assert sources.locator("script, b, img").count() == 0
    assert "<script>alert(1)</script>" in page.locator("#chatbot .message").last.inner_text()
    assert page.locator("#chatbot script, #chatbot img[src=x]").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    shoot(page, tmp_path, "escaped_article")


# --- the upload handler behind Gradio's own checks (no browser) -------------------------


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("tool.exe", b"MZ", "unsupported file type .exe"),
        ("big.txt", b"mot " * 4000, "upload limit"),
    ],
)
def test_a_refused_upload_shows_its_reason_and_keeps_nothing(
    assistant, tmp_path, name, data, reason
):
    from rag.uploads import Inbox
    from ui.app import ChatView

    path = tmp_path / name
    path.write_bytes(data)
    folder = tmp_path / "uploads"
    before = [s.doc_id for s in assistant.sources()]
    import gradio as gr

    view = ChatView(assistant, Inbox(assistant, folder, 0.01))
    view.blocks = gr.Blocks()
    view.blocks.upload_file_set.add(str(path))  # as Gradio's upload route records a file
    with pytest.warns(UserWarning, match=reason):  # gr.Warning: a toast in the page
        result, articles, files = view.upload([str(path)], progress=lambda *a, **k: None)
    assert 'class="rag-status rag-error"' in result and reason in result
    assert list(folder.glob("*")) == []
    assert not path.exists(), "Gradio's copy of an upload is removed once handled"
    assert [s.doc_id for s in assistant.sources()] == before


def test_an_answering_error_restores_the_chat_and_shows_the_reason(embedder, make_settings):
    import gradio as gr

    from ui.app import ChatView

    view = ChatView(assistant_for(make_settings(), embedder), None)  # nothing ingested
    updates = []
    with pytest.raises(gr.Error, match="the store is empty"):
        for update in view.ask(TRUMP, []):
            updates.append(update)
    chat, box, status, _, _, turns = updates[-1]
    assert chat == [] and box == TRUMP and turns == []
    assert 'class="rag-status rag-error"' in status and "the store is empty" in status


# --- rendering (no browser) -------------------------------------------------------------


def hostile_answer() -> tuple[Answer, Document]:
    start = HOSTILE.index("Le laboratoire Helios a présenté")
    end = HOSTILE.index("xénon.") + len("xénon.")
    doc = Document(
        doc_id="helios",
        title="Le laboratoire <b>Helios</b> dévoile",
        outlet="<i>Euronews</i>",
        date="2026-03-02",
        text=HOSTILE,
        spans=parse_document("helios", HOSTILE, HOSTILE.encode()).spans,
    )
    quote = HOSTILE[start:end]
    cite = Citation(
        n=1,
        doc_id="helios",
        chunk_id="helios#0",
        title=doc.title,
        outlet=doc.outlet,
        date=doc.date,
        quote=quote,
        start=start,
        end=end,
        score=1.0,
    )
    passage = Passage(
        chunk_id="helios#0",
        doc_id="helios",
        title=doc.title,
        text=quote,
        start=start,
        end=end,
        fused_score=0.03,
        in_context=True,
        rank=1,
    )
    answer = Answer(
        question="<img src=x onerror=alert(3)>?",
        answer=f"“{quote}” [1]",
        citations=[cite],
        passages=[passage],
        standalone_question="<script>x</script>",
    )
    return answer, doc


def test_everything_from_documents_is_escaped_in_the_html():
    answer, doc = hostile_answer()
    html = "".join(
        [
            render.sources_html(answer, {"helios": doc}),
            render.trace_html(answer),
            render.status_html(answer),
            render.articles_html([SourceInfo(doc_id="helios", title=doc.title, outlet=doc.outlet)]),
            render.upload_html([("<svg onload=alert(1)>.txt", "added", "x", None)]),
            render.error_html("<b>bad</b>"),
        ]
    )
    for raw in ("<script", "<b>", "<i>", "<img", "<svg"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Helios&lt;/b&gt;" in html


def test_the_quote_is_highlighted_between_its_neighbouring_paragraphs():
    answer, doc = hostile_answer()
    html = render.sources_html(answer, {"helios": doc})
    assert html.count("<mark>") == 1
    before, rest = html.split("<mark>", 1)
    marked, after = rest.split("</mark>", 1)
    assert marked.startswith("Le laboratoire Helios a présenté lundi")
    assert marked.endswith("plasma de xénon.")
    assert "[1]" in before and "&lt;i&gt;Euronews&lt;/i&gt; · 2026-03-02" in before
    assert "dévoile le moteur ionique Kestrel-9" in before  # the paragraph before (the title)
    assert "Par Jean Martin" not in before  # a byline is not article text
    assert "Les essais au sol ont duré dix-huit mois" in after


def test_a_quote_inside_a_long_paragraph_is_cut_around_it():
    text = " ".join(f"Phrase numéro {i} du long paragraphe." for i in range(200))
    start = text.index("Phrase numéro 100 ")
    end = text.index(".", start) + 1
    doc = Document(doc_id="d", title="T", text=text, spans=[(0, len(text))])
    cite = Citation(
        n=1,
        doc_id="d",
        chunk_id="d#0",
        title="T",
        quote=text[start:end],
        start=start,
        end=end,
        score=1.0,
    )
    html = render.quote_in_context(doc, cite)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>Phrase numéro 100 du long paragraphe.</mark>" in html
    assert len(html) < 2 * render.CONTEXT_CHARS + 200


def test_the_chat_bubble_shows_document_html_and_markdown_as_text():
    md = render.answer_markdown("“a <script>alert(1)</script> *b* [link](x) $x$” [1] [2]")
    assert "<script" not in md and "&lt;script&gt;" in md
    assert r"\*b\*" in md and r"\[link\]\(x\)" in md and r"\$x\$" in md
    assert md.endswith("**[1]** **[2]**")

"""The web chat in a real headless Chromium (Playwright), against the real server.

Screenshots go to each test's tmp folder and are copied to ``out/screenshots/``.
The rendering tests at the end need no browser: they check the HTML the UI produces.
"""

from __future__ import annotations

import html
import json
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


@pytest.fixture(scope="module")
def library_server(tmp_path_factory, seeded_settings, embedder) -> Iterator[Served]:
    """A private store for the tests that add and delete articles."""
    settings = private_store(seeded_settings, tmp_path_factory.mktemp("library") / "data")
    with serving(assistant_for(settings, embedder), settings) as s:
        yield s


@pytest.fixture()
def new_page(browser):
    """Pages in their own browser contexts (colour scheme, viewport, permissions)."""
    contexts = []

    def make(**options):  # type: ignore[no-untyped-def]
        options.setdefault("viewport", {"width": 1400, "height": 1000})
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture()
def page(new_page):
    return new_page()


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


def answered(page) -> str:
    """Wait for the answer's final status (answered or abstained) and return its text."""
    status = page.locator("#answer-status .rag-status:not(.rag-pending)")
    status.wait_for()
    return status.inner_text()


def shoot_three(page, tmp_path: Path, name: str) -> None:
    """The page as it is (light, desktop), in the dark scheme, and on a 390 px phone."""
    size = page.viewport_size
    shoot(page, tmp_path, f"{name}_light")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("document.body.classList.contains('dark')")
    shoot(page, tmp_path, f"{name}_dark")
    page.emulate_media(color_scheme="light")
    page.wait_for_function("!document.body.classList.contains('dark')")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)
    shoot(page, tmp_path, f"{name}_390px")
    page.set_viewport_size(size)


# Every text element inside the panels, with the WCAG contrast of its colour against the
# background it is drawn on (semi-transparent layers composited up to the first opaque one).
CONTRASTS_JS = """
(selectors) => {
  const rgba = (c) => {
    const m = c.match(/^rgba?\\(([^)]+)\\)$/);
    if (!m) throw new Error("unparsed colour " + c);
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255]);
  };
  const lum = (c) => c.map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const out = [];
  for (const sel of selectors) {
    for (const el of document.querySelectorAll(`${sel}, ${sel} *`)) {
      const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join("");
      if (!text.trim() || !el.getClientRects().length) continue;
      const bg = background(el);
      const fg = over(rgba(getComputedStyle(el).color), bg);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      out.push({ where: sel, text: text.trim().slice(0, 40), ratio: (a + 0.05) / (b + 0.05) });
    }
  }
  return out;
}
"""
PANELS = ["#answer-status", "#sources", "#trace", "#articles", "#upload-result", "#article-view"]


def low_contrast(page) -> tuple[int, list[dict]]:
    """How many texts were measured, and those below WCAG AA (4.5:1)."""
    measured = page.evaluate(CONTRASTS_JS, PANELS)
    return len(measured), [m for m in measured if m["ratio"] < 4.5]


def upload_in_page(page, path: Path) -> object:
    """Upload ``path`` from the Articles tab; the result table's rows once they show."""
    page.get_by_role("tab", name="Articles").click()
    page.locator("#articles table").wait_for()
    posted = page.expect_response(lambda r: r.url.split("?")[0].endswith("/gradio_api/upload"))
    with posted as sent:
        page.locator("#upload input[type=file]").set_input_files(str(path))
    assert sent.value.ok, f"the upload route answered {sent.value.status}: {sent.value.text()}"
    # The settled file list, not the name shown while uploading: the list renders the stem
    # and the extension apart ("contrast-light .txt"), the progress view the whole name, so
    # waiting for the text could catch the passing progress view or miss the file.
    page.locator(f'#upload td.filename[aria-label="{path.name}"]').wait_for()
    page.locator("#upload-btn").click()
    result = page.locator("#upload-result tbody tr")
    result.first.wait_for()
    return result


def pick_article(page, title: str) -> None:
    page.locator("#article-pick input").click()
    page.get_by_role("option", name=title).first.click()


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
    short = page.locator("#answer-status .rag-short").inner_text()
    assert short == ui_server.assistant.ask(TRUMP).short_answer and "Witkoff" in short
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
    shoot_three(page, tmp_path, "short_answer")
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
    shoot_three(page, tmp_path, "abstained")


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
    result = upload_in_page(page, path)
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


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_of_the_panels_is_readable_in_both_schemes(
    new_page, library_server, tmp_path, scheme
):
    page = new_page(color_scheme=scheme)
    open_chat(page, library_server.url)
    assert page.evaluate("document.body.classList.contains('dark')") == (scheme == "dark")
    ask(page, TRUMP)
    answered(page)
    page.get_by_text("Retrieval trace").click()
    page.locator("#trace tbody tr").first.wait_for()
    ask(page, "Et qui d'autre était présent ?")  # the follow-up note, a cited trace row
    page.locator("#rag-standalone").wait_for()
    count, low = low_contrast(page)
    assert count >= 30 and low == []
    shoot(page, tmp_path, f"contrast_answer_{scheme}")

    ask(page, "Who won the 2022 football World Cup?")
    page.locator("#answer-status .rag-abstained").wait_for()
    count, low = low_contrast(page)
    assert count >= 10 and low == []
    shoot(page, tmp_path, f"contrast_abstained_{scheme}")

    path = tmp_path / f"contrast-{scheme}.txt"
    path.write_text(HOSTILE.replace("Kestrel-9", f"Kestrel-{scheme}"), encoding="utf-8")
    upload_in_page(page, path)
    pick_article(page, "Le laboratoire <b>Helios</b> dévoile le moteur ionique Kestrel-" + scheme)
    page.locator("#article-view .rag-doc-text").wait_for()
    count, low = low_contrast(page)
    assert count >= 40 and low == []
    shoot(page, tmp_path, f"contrast_articles_{scheme}")


@pytest.mark.slow
def test_the_conversation_survives_a_reload_and_both_clear_buttons_really_clear_it(
    page, ui_server, tmp_path
):
    saved = "localStorage.getItem('rag-conversation')"

    def reload_once_saved(before: str | None) -> None:
        """Reload when the browser's copy of the conversation has changed (its own event)."""
        page.wait_for_function(f"{saved} !== {json.dumps(before)}")
        page.reload()
        page.locator("#question textarea").wait_for()

    open_chat(page, ui_server.url)
    before = page.evaluate(saved)
    ask(page, TRUMP)
    answered(page)
    reload_once_saved(before)
    page.locator("#sources .rag-source mark").first.wait_for()
    assert page.locator("#chatbot .message.bot").count() == 1
    assert "Witkoff" in page.locator("#chatbot .message.bot").inner_text()
    assert "Witkoff" in page.locator("#answer-status .rag-short").inner_text()
    shoot_three(page, tmp_path, "reloaded")

    for clear in ('#chatbot button[aria-label="Clear"]', "#clear-btn"):
        before = page.evaluate(saved)
        page.locator(clear).click()
        page.locator("#sources .rag-source").first.wait_for(state="detached")
        assert page.locator("#chatbot .message.user").count() == 0
        assert page.locator("#answer-status").inner_text().strip() == ""
        reload_once_saved(before)  # what the browser kept is cleared too
        page.wait_for_timeout(1000)
        assert page.locator("#chatbot .message.user").count() == 0
        ask(page, "Et qui d'autre était présent ?")
        answered(page)
        assert page.locator("#rag-standalone").count() == 0  # not a follow-up of the cleared
        assert page.locator("#chatbot .message.user").count() == 1
        ask(page, TRUMP)  # something to clear with the next button
        page.locator("#chatbot .message.user").nth(1).wait_for()
        page.locator("#sources .rag-source").first.wait_for()


@pytest.mark.slow
def test_a_citation_link_shows_its_own_turns_source(page, ui_server, tmp_path):
    open_chat(page, ui_server.url)
    ask(page, TRUMP)
    answered(page)
    ask(page, "Combien de pays sont prêts à envoyer des troupes ?")
    page.locator("#rag-source-2-1").wait_for()
    assert "Sources of answer 2" in page.locator("#sources h3").inner_text()

    first = page.locator("#chatbot .message.bot").first.locator("a.rag-cite").first
    assert first.inner_text() == "[1]" and first.get_attribute("href") == "#rag-source-1-1"
    first.click()
    card = page.locator("#rag-source-1-1.rag-target")
    card.wait_for()
    assert "Sources of answer 1" in page.locator("#sources h3").inner_text()
    assert "Witkoff" in card.locator("mark").inner_text()
    assert "Witkoff" in page.locator("#answer-status .rag-short").inner_text()
    assert card.evaluate("e => e.getBoundingClientRect().top >= 0")
    assert card.evaluate("e => e.getBoundingClientRect().top < window.innerHeight")
    page.get_by_text("Retrieval trace").click()
    assert TRUMP in page.locator("#trace .rag-trace p").inner_text()  # its own trace too
    shoot_three(page, tmp_path, "citation_earlier_turn")

    page.locator("#chatbot .message.bot").nth(1).locator("a.rag-cite").first.click()
    page.locator("#rag-source-2-1.rag-target").wait_for()
    assert page.locator("#rag-source-1-1").count() == 0
    page.locator("#chatbot .message.user").first.click()  # a question shows its turn too
    page.locator("#rag-source-1-1").wait_for()


@pytest.mark.slow
def test_copying_an_answer_gives_its_plain_text(new_page, ui_server, tmp_path):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    open_chat(page, ui_server.url)
    ask(page, TRUMP)
    answered(page)
    page.locator('#chatbot button[aria-label="Copy message"]').last.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == ui_server.assistant.ask(TRUMP).answer
    assert "\\" not in copied and "**" not in copied and copied.endswith("[1]")
    shoot_three(page, tmp_path, "copied")


@pytest.mark.slow
def test_an_article_is_read_then_deleted_after_confirmation(
    page, dialogs, library_server, tmp_path
):
    path = tmp_path / "helios-delete.txt"
    path.write_text(HOSTILE.replace("Kestrel-9", "Kestrel-77"), encoding="utf-8")
    open_chat(page, library_server.url)
    upload_in_page(page, path)
    rows = page.locator("#articles tbody tr")
    page.get_by_text("Kestrel-77").first.wait_for()
    before = rows.count()

    title = "Le laboratoire <b>Helios</b> dévoile le moteur ionique Kestrel-77"
    pick_article(page, title)
    view = page.locator("#article-view")
    view.locator(".rag-doc-text").wait_for()
    assert title in view.inner_text() and "Euronews" in view.inner_text()
    assert "Jean Martin" in view.inner_text() and "helios-delete.txt" in view.inner_text()
    assert "<script>alert(1)</script>" in view.locator(".rag-doc-text").inner_text()
    assert view.locator("script, b, img").count() == 0
    shoot_three(page, tmp_path, "article_view")

    page.locator("#delete-btn").click()
    page.locator("#cancel-delete-btn").click()  # nothing happens without the confirmation
    page.locator("#delete-btn").click()
    page.locator("#confirm-delete-btn").click()
    page.get_by_text("its passages are no longer used").wait_for()
    page.wait_for_function(
        f"document.querySelectorAll('#articles tbody tr').length == {before - 1}"
    )
    assert "Kestrel-77" not in page.locator("#articles").inner_text()
    assert page.locator("#confirm-delete-btn").is_hidden()
    page.locator("#article-pick input").click()
    assert page.get_by_role("option", name=title).count() == 0
    page.keyboard.press("Escape")
    shoot(page, tmp_path, "article_deleted")

    page.get_by_role("tab", name="Chat").click()
    ask(page, "Quel laboratoire a présenté le moteur ionique Kestrel-77 ?")
    answered(page)
    assert "Kestrel-77" not in page.locator("#sources").inner_text()
    assert dialogs == []


@pytest.mark.slow
def test_on_a_phone_the_status_and_sources_come_right_under_the_answer(
    new_page, ui_server, tmp_path
):
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    open_chat(page, ui_server.url)
    ask(page, TRUMP)
    answered(page)
    page.get_by_text("Retrieval trace").click()
    page.locator("#trace tbody tr").first.wait_for()

    def top(sel: str) -> float:
        return page.locator(sel).first.evaluate("e => e.getBoundingClientRect().top + scrollY")

    chat_bottom = page.locator("#chatbot").evaluate(
        "e => e.getBoundingClientRect().bottom + scrollY"
    )
    assert chat_bottom < top("#answer-status") < chat_bottom + 250
    assert top("#answer-status") < top("#sources") < top("#examples")
    page.get_by_text("Examples").first.click()  # the examples fold away
    page.get_by_role("button", name=TRUMP).wait_for(state="hidden")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, tmp_path, "phone_chat_390px")

    page.get_by_role("tab", name="Articles").click()
    page.locator("#articles table").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for table in ("#articles table", "#trace table"):
        box = page.locator(table).evaluate(
            "t => { const w = t.closest('.rag-scroll'); return w && "
            "[getComputedStyle(w).overflowX, w.getBoundingClientRect().right] }"
        )
        assert box is not None and box[0] == "auto" and box[1] <= 390
    shoot(page, tmp_path, "phone_articles_390px")


@pytest.mark.slow
def test_clicking_an_example_asks_it(page, ui_server, tmp_path):
    open_chat(page, ui_server.url)
    page.locator("#examples").get_by_text(TRUMP).click()
    page.locator("#sources .rag-source mark").first.wait_for()
    assert page.locator("#chatbot .message.user").first.inner_text().strip() == TRUMP
    assert "Witkoff" in page.locator("#answer-status .rag-short").inner_text()
    assert page.locator("#question textarea").input_value() == ""
    shoot_three(page, tmp_path, "example_asked")


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


def test_the_chat_bubble_is_the_plain_text_with_only_html_neutralised():
    text = "“Vingt-six pays *volontaires* [link](x) $x$ a <script>alert(1)</script>.” [1] [2]"
    shown = render.chat_text(text)
    assert "<script" not in shown and "&lt;script&gt;" in shown
    assert html.unescape(shown) == text  # no Markdown escaping: copy and API get the text


def test_the_short_answer_is_shown_with_the_words_it_was_read_from_escaped():
    answer, _ = hostile_answer()
    answer = answer.model_copy(
        update={"short_answer": "<b>Tuesday</b> 6 January 2026", "short_answer_quote": "<i>mardi"}
    )
    status = render.status_html(answer)
    assert '<strong class="rag-short">&lt;b&gt;Tuesday&lt;/b&gt; 6 January 2026</strong>' in status
    assert "<q>&lt;i&gt;mardi</q>" in status and "<b>" not in status and "<i>" not in status
    same = answer.model_copy(update={"short_answer": "mardi", "short_answer_quote": "mardi"})
    assert "rag-short-quote" not in render.status_html(same)  # quoted only when it differs


def test_source_anchors_are_unique_per_turn_and_tables_scroll_in_their_own_box():
    answer, doc = hostile_answer()
    assert 'id="rag-source-3-1"' in render.sources_html(answer, {"helios": doc}, turn=3)
    for table in (
        render.trace_html(answer),
        render.articles_html([SourceInfo(doc_id="x", title="T")]),
        render.upload_html([("a.txt", "added", "a", None)]),
    ):
        assert '<div class="rag-scroll"><table' in table


def test_an_article_is_shown_whole_with_its_metadata_escaped():
    _, doc = hostile_answer()
    doc = doc.model_copy(update={"authors": ["<u>Jean</u>"], "photo_credit": "AFP"})
    shown = render.document_html(doc)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "<script" not in shown
    assert "&lt;u&gt;Jean&lt;/u&gt;" in shown and "&lt;i&gt;Euronews&lt;/i&gt;" in shown
    assert "AFP" in shown and "2026-03-02" in shown and "Claire Dubois" in shown
